/**
 * Simulator process of the many-accounts and store-latency benches: one multi-account simulator
 * (`generateAccounts`, small worlds) behind one set of ports. It injects `ping <n>` into the accounts' private
 * chats at a steady rate, spread round-robin over the accounts, and times each `pong <n>` on its own clock
 * (injection and arrival both stamped here with performance.now(); the bots run in another process).
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

import { createSimulator, generateAccounts, type Simulator } from '@wxbot/simulator';

import { serve, type IpcMessage } from '../ipc.js';
import { pongNumber } from '../plugins.js';

export interface ManySimStart {
  count: number;
  friends: number;
  rooms: number;
  roomMembers: number;
  seed?: number;
}

export interface SteadySpec {
  ratePerSec: number;
  durationMs: number;
  /** Give up on missing replies this long after the last injection. */
  drainMs: number;
  /** Only these accounts (default all). */
  accounts?: string[];
}

export interface SteadyResult {
  injected: number;
  replied: number;
  latenciesMs: number[];
  durationMs: number;
  rejectedSends: number;
  /** Pongs that arrived for a ping already answered. */
  duplicated: number;
  /** The latencies split by the account that answered, and how many pings each was sent. */
  byAccount: Record<string, { injected: number; latenciesMs: number[] }>;
  /** This (the simulator's) process's event-loop delay over the phase. */
  loopDelayMs?: { p50: number; p99: number };
}

let sim: Simulator | undefined;
/** How late this process's event loop runs: a late loop stamps arrivals late. */
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
/** Each account's friend who says the pings. */
const speaker = new Map<string, string>();
const injectedAt = new Map<number, number>();
/** Which account each ping went to. */
const accountOf = new Map<number, string>();
let byAccount: SteadyResult['byAccount'] = {};
const answered = new Set<number>();
const latencies: number[] = [];
let rejected = 0;
let duplicated = 0;
let seq = 0;

function hook(s: Simulator, id: string): void {
  s.account(id).onAction((a) => {
    if (a.endpoint !== 'webwxsendmsg') return;
    if (a.ret !== 0) rejected++;
    const n = pongNumber(a.content);
    if (n === undefined) return;
    const at = injectedAt.get(n);
    if (at === undefined) {
      if (answered.has(n)) duplicated++;
      return;
    }
    injectedAt.delete(n);
    answered.add(n);
    latencies.push(a.hrAt - at);
    const to = accountOf.get(n);
    if (to !== undefined) byAccount[to]?.latenciesMs.push(a.hrAt - at);
  });
}

async function steady(spec: SteadySpec): Promise<SteadyResult> {
  const s = sim;
  if (s === undefined) throw new Error('many-sim: start first');
  const ids = spec.accounts ?? [...speaker.keys()];
  latencies.length = 0;
  injectedAt.clear();
  answered.clear();
  accountOf.clear();
  byAccount = {};
  for (const id of ids) byAccount[id] = { injected: 0, latenciesMs: [] };
  rejected = 0;
  duplicated = 0;
  const started = performance.now();
  const total = Math.floor((spec.ratePerSec * spec.durationMs) / 1000);
  let injected = 0;
  while (injected < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * spec.ratePerSec) / 1000) + 1);
    while (injected < due) {
      const id = ids[injected % ids.length]!;
      const n = ++seq;
      injectedAt.set(n, performance.now());
      accountOf.set(n, id);
      byAccount[id]!.injected++;
      s.account(id).say({ from: speaker.get(id)!, text: `ping ${n}` });
      injected++;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const drainUntil = performance.now() + spec.drainMs;
  while (injectedAt.size > 0 && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
  // Late duplicates show up after a short wait, not before.
  await new Promise((r) => setTimeout(r, 500));
  return {
    injected,
    replied: latencies.length,
    latenciesMs: [...latencies],
    durationMs: performance.now() - started,
    rejectedSends: rejected,
    duplicated,
    byAccount,
  };
}

serve(
  async (m: IpcMessage) => {
    switch (m.type) {
      case 'start': {
        const o = m['spec'] as ManySimStart;
        const accounts = generateAccounts({
          count: o.count,
          seed: o.seed ?? 17,
          friends: o.friends,
          rooms: o.rooms,
          roomMembers: o.roomMembers,
        });
        sim = await createSimulator({ accounts, loginPollHoldMs: 200, synccheckHoldMs: 25_000 });
        for (const a of accounts) {
          speaker.set(a.id, a.world.friends?.[0]?.wxid ?? 'wxid_friend');
          hook(sim, a.id);
        }
        return {
          url: sim.url,
          loginUrl: sim.loginUrl,
          controlUrl: sim.controlUrl,
          accounts: accounts.map((a) => a.id),
        };
      }
      case 'confirm': {
        // The phone of account `account` confirms the login `uuid` (its bot's QR code).
        sim!.account(m['account'] as string).confirm(m['uuid'] as string);
        return {};
      }
      case 'live': {
        const ids = (m['accounts'] as string[] | undefined) ?? [...speaker.keys()];
        return { live: ids.filter((id) => sim!.account(id).session !== undefined).length };
      }
      case 'steady': {
        loop.reset();
        const result = await steady(m['spec'] as SteadySpec);
        return {
          result: { ...result, loopDelayMs: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6 } },
        };
      }
      default:
        throw new Error(`many-sim child: unknown request ${m.type}`);
    }
  },
  async () => {
    await sim?.close();
  },
);
