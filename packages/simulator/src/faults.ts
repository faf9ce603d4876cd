/**
 * Fault injection: rules matched per endpoint (or '*'), fired with a seeded
 * probability so a failing run can be replayed with the same seed.
 */

import { Rng } from './ids.js';

export type FaultKind =
  | { kind: 'latency'; ms: number }
  /** The socket is destroyed without an answer; the request never reaches its handler. */
  | { kind: 'drop' }
  /**
   * Accepted, then the connection died: the handler runs (the world changes, a message is delivered and echoed,
   * the action is recorded with `responseDropped: true`), then the socket is destroyed instead of answering.
   */
  | { kind: 'accept-then-drop' }
  | { kind: 'http'; status: number }
  /** BaseResponse.Ret for JSON endpoints, retcode for synccheck. */
  | { kind: 'ret'; ret: number }
  /** synccheck keeps answering selector 2 while webwxsync returns nothing. */
  | { kind: 'stuck-selector' }
  /** The session ends (synccheck 1101, Ret 1101) when the rule fires. */
  | { kind: 'expire-session'; code?: 1100 | 1101 | 1102 };

export type FaultRule = FaultKind & {
  /** Endpoint name(s), e.g. 'webwxsendmsg', 'synccheck', 'login'; '*' or absent = every endpoint. */
  endpoint?: string | string[];
  /** Chance per matching request (default 1). */
  probability?: number;
  /** Matching requests to let through before the rule may fire (default 0). */
  after?: number;
  /** Maximum times the rule fires (default unlimited). */
  times?: number;
};

export interface FaultRuleState {
  rule: FaultRule;
  seen: number;
  fired: number;
}

const KINDS = new Set(['latency', 'drop', 'accept-then-drop', 'http', 'ret', 'stuck-selector', 'expire-session']);

/** Checks a rule from the control API or a faults file; the message says what is wrong and where. */
export function validateFaultRule(input: unknown, where: string): FaultRule {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new Error(`${where}: expected an object like {"kind":"latency","ms":200,"endpoint":"webwxsync"}`);
  const r = input as Record<string, unknown>;
  if (typeof r['kind'] !== 'string' || !KINDS.has(r['kind']))
    throw new Error(`${where}.kind: expected one of ${[...KINDS].join(', ')}, got ${JSON.stringify(r['kind'])}`);
  if (r['kind'] === 'latency' && (typeof r['ms'] !== 'number' || r['ms'] < 0))
    throw new Error(`${where}.ms: latency needs a non-negative number of milliseconds`);
  if (r['kind'] === 'http' && (typeof r['status'] !== 'number' || r['status'] < 100 || r['status'] > 599))
    throw new Error(`${where}.status: expected an HTTP status (100-599)`);
  if (r['kind'] === 'ret' && typeof r['ret'] !== 'number')
    throw new Error(`${where}.ret: expected a number such as 1100`);
  const ep = r['endpoint'];
  if (ep !== undefined && typeof ep !== 'string' && !(Array.isArray(ep) && ep.every((e) => typeof e === 'string')))
    throw new Error(`${where}.endpoint: expected an endpoint name or an array of them`);
  for (const k of ['probability', 'after', 'times'] as const)
    if (r[k] !== undefined && typeof r[k] !== 'number') throw new Error(`${where}.${k}: expected a number`);
  if (typeof r['probability'] === 'number' && (r['probability'] < 0 || r['probability'] > 1))
    throw new Error(`${where}.probability: expected a number between 0 and 1`);
  return r as FaultRule;
}

export class Faults {
  private rules: FaultRuleState[] = [];
  private rng: Rng;

  constructor(seed: number, rules: FaultRule[] = []) {
    this.rng = new Rng(seed ^ 0x5a5a5a5a);
    for (const r of rules) this.add(r);
  }

  add(rule: FaultRule): void {
    this.rules.push({ rule: validateFaultRule(rule, 'fault'), seen: 0, fired: 0 });
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRuleState[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** Rules that fire for this request, in the order they were added. */
  roll(endpoint: string): FaultKind[] {
    const out: FaultKind[] = [];
    for (const s of this.rules) {
      const ep = s.rule.endpoint;
      const matches = ep === undefined || ep === '*' || (Array.isArray(ep) ? ep.includes(endpoint) : ep === endpoint);
      if (!matches) continue;
      s.seen++;
      if (s.seen <= (s.rule.after ?? 0)) continue;
      if (s.rule.times !== undefined && s.fired >= s.rule.times) continue;
      if (this.rng.next() >= (s.rule.probability ?? 1)) continue;
      s.fired++;
      out.push(s.rule);
    }
    return out;
  }

  /**
   * stuck-selector is a standing condition checked by synccheck and webwxsync alike: from the first time
   * the rule fired (so `after`, `probability` and `endpoint` decide when it starts) until `times` is used up.
   */
  stuck(): boolean {
    return this.rules.some(
      (s) => s.rule.kind === 'stuck-selector' && s.fired > 0 && (s.rule.times === undefined || s.fired < s.rule.times),
    );
  }
}
