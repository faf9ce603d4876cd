/** Test fixtures: a simulated iLink server and transports on a temporary data dir, stopped afterwards. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { SessionStore } from '@wxbot/core';
import { IlinkSimulator, type IlinkSimulatorOptions } from '@wxbot/simulator';

import { IlinkTransport, type IlinkTransportOptions } from '../src/index.js';

export interface Fixture {
  readonly sim: IlinkSimulator;
  readonly dir: string;
  /** A transport on the fixture's server and data dir (stopped by `close`). */
  transport(opts?: IlinkTransportOptions): IlinkTransport;
  close(): Promise<void>;
}

/** Short holds so a test never waits on a 35 s long poll. */
export const FAST = {
  login: { holdMs: 2_000, pollGapMs: 5, timeoutMs: 10_000 },
  pollHoldMs: 1_000,
  backoffMs: 10,
  maxBackoffMs: 50,
  sendRetry: { attempts: 3, baseMs: 10, maxMs: 50 },
} satisfies IlinkTransportOptions;

export async function fixture(simOpts: IlinkSimulatorOptions = {}): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'wxbot-ilink-'));
  const sim = await IlinkSimulator.start({ longPollMs: 1_000, qrPollMs: 1_000, autoConfirm: true, ...simOpts });
  const made: IlinkTransport[] = [];
  return {
    sim,
    dir,
    transport(opts = {}) {
      const t = new IlinkTransport({
        dataDir: dir,
        apiBaseUrl: sim.baseUrl,
        cdnBaseUrl: sim.cdnBaseUrl,
        ...FAST,
        ...opts,
      });
      made.push(t);
      return t;
    },
    async close() {
      for (const t of made) await t.stop().catch(() => undefined);
      await sim.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves when `cond()` holds; polls on timers, bounded by `timeoutMs`. */
export async function until(cond: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * A store whose process "dies" at its k-th write: that write and every later one never reach the disk,
 * as after kill -9. Reads still see what was written before.
 */
export class DyingStore implements SessionStore {
  writes = 0;
  dead = false;
  constructor(
    private readonly inner: SessionStore,
    private readonly dieAt: number,
  ) {}
  get(key: string): Promise<unknown> {
    return this.inner.get(key);
  }
  set(key: string, value: unknown): Promise<void> {
    this.writes += 1;
    if (this.writes >= this.dieAt) this.dead = true;
    if (this.dead) return Promise.reject(new Error('process killed'));
    return this.inner.set(key, value);
  }
  delete(key: string): Promise<void> {
    if (this.dead) return Promise.reject(new Error('process killed'));
    return this.inner.delete(key);
  }
}
