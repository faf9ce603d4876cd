/**
 * The client's events as plugin events: login, logout (with its reason), ban
 * (a ret 1203 while logging in again), ban risk, contacts updated. Built from
 * the Transport interface's events only, so any transport that reports them
 * gets the same plugin events.
 */

import type { HostEvent } from '../plugin/host-events.js';
import { hostEventId } from '../plugin/host-events.js';
import type { BanRiskSignal } from '../plugin/types.js';
import type { Transport, TransportEvents } from '../transport/types.js';

/**
 * When the bot reports `ban-risk`. The numbers are ours (the server publishes
 * none); they flag patterns operators report before bans:
 * - `rate-limit-storm`: `rateLimits` answers of 1205 ("操作频繁") within `rateLimitWindowMs`;
 * - `early-logout`: a logout with retcode 1102 within `earlyLogoutMs` of logging in
 *   (the server dropping a fresh session, typical of a flagged login environment);
 * - `repeated-kicks`: `kicks` server logouts (1100/1101/1102) within `kickWindowMs`.
 * After a signal its count starts again, so a storm is reported once per `count` events.
 */
export const BAN_RISK_THRESHOLDS = {
  rateLimits: 5,
  rateLimitWindowMs: 60_000,
  earlyLogoutMs: 10 * 60_000,
  kicks: 3,
  kickWindowMs: 60 * 60_000,
} as const;

export type BanRiskThresholds = { readonly [K in keyof typeof BAN_RISK_THRESHOLDS]: number };

export interface BanRisk {
  readonly signal: BanRiskSignal;
  readonly count: number;
  readonly windowMs: number;
  readonly detail: string;
}

/** Counts the signals; pure apart from the clock it is given (tests pass a fake one). */
export class BanRiskMonitor {
  readonly #t: BanRiskThresholds;
  readonly #now: () => number;
  #rateLimits: number[] = [];
  #kicks: number[] = [];
  #loginAt: number | undefined;

  constructor(thresholds: Partial<BanRiskThresholds> = {}, now: () => number = Date.now) {
    this.#t = { ...BAN_RISK_THRESHOLDS, ...thresholds };
    this.#now = now;
  }

  login(): void {
    this.#loginAt = this.#now();
  }

  /** One 1205 answer. */
  rateLimited(endpoint: string): BanRisk | undefined {
    const now = this.#now();
    const { rateLimits, rateLimitWindowMs } = this.#t;
    this.#rateLimits = [...this.#rateLimits.filter((t) => now - t < rateLimitWindowMs), now];
    if (this.#rateLimits.length < rateLimits) return undefined;
    const count = this.#rateLimits.length;
    this.#rateLimits = [];
    return {
      signal: 'rate-limit-storm',
      count,
      windowMs: rateLimitWindowMs,
      detail: `${count} actions refused with 1205 (too frequent) within ${rateLimitWindowMs / 1000} s, the last on ${endpoint}`,
    };
  }

  /** A logout; only the server's (a retcode) count. */
  logout(retcode: number | undefined): BanRisk[] {
    if (retcode !== 1100 && retcode !== 1101 && retcode !== 1102) return [];
    const now = this.#now();
    const out: BanRisk[] = [];
    const since = this.#loginAt === undefined ? undefined : now - this.#loginAt;
    if (retcode === 1102 && since !== undefined && since < this.#t.earlyLogoutMs) {
      out.push({
        signal: 'early-logout',
        count: 1,
        windowMs: this.#t.earlyLogoutMs,
        detail: `the server dropped the session (1102) ${Math.round(since / 1000)} s after logging in`,
      });
    }
    const { kicks, kickWindowMs } = this.#t;
    this.#kicks = [...this.#kicks.filter((t) => now - t < kickWindowMs), now];
    if (this.#kicks.length >= kicks) {
      const count = this.#kicks.length;
      this.#kicks = [];
      out.push({
        signal: 'repeated-kicks',
        count,
        windowMs: kickWindowMs,
        detail: `the server ended the session ${count} times within ${kickWindowMs / 60_000} min (last retcode ${retcode})`,
      });
    }
    return out;
  }
}

/**
 * Subscribes to `client`'s events and hands each as a host event to `deliver`.
 * Returns the unsubscribe function.
 */
export function bridgeClientEvents(
  client: Pick<Transport, 'on' | 'off'>,
  deliver: (event: HostEvent) => void,
  monitor = new BanRiskMonitor(),
): () => void {
  const risk = (r: BanRisk): void => {
    deliver({ type: 'ban-risk', id: hostEventId('ban-risk'), ...r });
  };
  const listeners: { [E in keyof TransportEvents]?: TransportEvents[E] } = {
    login: (e) => {
      monitor.login();
      deliver({ type: 'login', id: hostEventId('login'), self: e.self, via: e.via });
    },
    logout: (e) => {
      deliver({
        type: 'logout',
        id: hostEventId('logout'),
        reason: e.reason,
        retcode: e.retcode,
        endpoint: e.endpoint,
      });
      for (const r of monitor.logout(e.retcode)) risk(r);
    },
    'rate-limited': (e) => {
      const r = monitor.rateLimited(e.endpoint);
      if (r !== undefined) risk(r);
    },
    'contacts-updated': (e) => {
      deliver({ type: 'contacts-updated', id: hostEventId('contacts'), updated: e.updated, removed: e.removed });
    },
    error: (e) => {
      // A re-login the server refused with 1203 (recovery reports it here and stays logged out).
      const err = e.error as Error & { code?: unknown; serverMessage?: unknown; endpoint?: unknown };
      if (err.code !== 'LOGIN_FORBIDDEN') return;
      deliver({
        type: 'ban',
        id: hostEventId('ban'),
        serverMessage: typeof err.serverMessage === 'string' ? err.serverMessage : err.message,
        endpoint: typeof err.endpoint === 'string' ? err.endpoint : 'login',
      });
    },
  };
  const on = client.on.bind(client) as (event: string, listener: unknown) => unknown;
  const off = client.off.bind(client) as (event: string, listener: unknown) => unknown;
  for (const [event, listener] of Object.entries(listeners)) on(event, listener);
  return () => {
    for (const [event, listener] of Object.entries(listeners)) off(event, listener);
  };
}
