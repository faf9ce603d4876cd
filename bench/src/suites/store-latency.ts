/**
 * Redis store vs the embedded file store (issue 17): the same multi-account bot (the `many-bot` child: the
 * supervisor, the 10-plugin config) twice, each in its own process against its own part of one
 * multi-account simulator: one keeps sessions, journals and plugin storage in JSON files (the default), the
 * other in Redis (`redisStores`, REDIS_URL or 127.0.0.1:6379, keys under a random root deleted afterwards).
 * Steady pings go to the bots' accounts interleaved (one to a file-store account, the next to a Redis one),
 * so both meet a shared, loaded machine in the same state; the added latency is Redis's percentile minus the
 * file store's, over all phases and phase by phase (paired: both stores' pings of one phase). Never asserted.
 *
 * `BENCH_STORE_VARIANTS=autopipelining,control` adds bots on Redis with ioredis's `enableAutoPipelining`
 * (through the URL's query, which ioredis reads as client options) and with nothing changed (the noise
 * floor), interleaved with the other two: a client setting's before/after in one run; `core` (with
 * BENCH_STORE_CORE_DIST) a plain-Redis bot on another build of core.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { connectRedis } from '@wxbot/store-redis';

import type { ManyBotLogin } from '../children/many-bot.js';
import type { ManySimStart, SteadyResult } from '../children/many-sim.js';
import { Child } from '../ipc.js';
import { median, round, summarize, type LatencySummary } from '../stats.js';
import type { TargetRow } from './many-accounts.js';

export interface StoreLatencyOptions {
  readonly smoke: boolean;
  /** Accounts per store (default 20). */
  readonly accounts?: number;
  readonly ratePerSec?: number;
  /** Phases (default 3), each pinging both stores' accounts interleaved. */
  readonly rounds?: number;
  readonly phaseMs?: number;
  /**
   * An unmeasured phase first (default 30 s, none with --smoke; BENCH_STORE_WARMUP_MS overrides): in the
   * first ~40 s after the logins Redis's added p50 ran ~1 ms above the steady phases (highest of three in 5 of
   * 7 runs without a warm-up, and still in 3 of 3 after a 10 s one); a bot runs for days, the target is its
   * steady cost. The warm-up's own p50s are printed and kept.
   */
  readonly warmupMs?: number;
}

type Store = 'file' | 'redis';

/**
 * Client settings a variant bot on Redis runs with, as URL query items (ioredis reads them as options).
 * `control` changes nothing: a second plain-Redis bot, whose difference from the first is the noise floor
 * of a comparison between bots (its place in the interleaving included).
 */
const VARIANTS: Record<string, string> = { autopipelining: 'enableAutoPipelining=true', control: '' };

/**
 * `core`: a plain-Redis bot on another build of @wxbot/core (BENCH_STORE_CORE_DIST=<its dist>, loaded
 * through children/core-override as `--baseline-core` does): what a change to the journals' writes on the
 * reply path does to Redis's added latency, beside the current build.
 */
function coreVariant(): { execArgv: string[]; env: NodeJS.ProcessEnv } {
  const dist = process.env['BENCH_STORE_CORE_DIST'];
  if (dist === undefined || dist === '')
    throw new Error('BENCH_STORE_VARIANTS=core needs BENCH_STORE_CORE_DIST=<absolute path to a built core dist>');
  const hook = pathToFileURL(fileURLToPath(new URL('../children/core-override.js', import.meta.url))).href;
  return { execArgv: ['--import', hook], env: { BENCH_CORE_DIST: dist } };
}

export interface StoreSide {
  latencyMs: LatencySummary;
  injected: number;
  replied: number;
  /** p50 of each phase, in run order: the spread shows the noise. */
  phaseP50s: (number | null)[];
}

export interface StoreVariant {
  /** `redis+<variant>`, e.g. `redis+autopipelining`. */
  name: string;
  side: StoreSide;
  /** This variant minus the file store, ms. */
  addedMs: { p50: number | null; p90: number | null; p99: number | null };
  /** This variant minus plain Redis (the before/after of the setting), ms. */
  vsRedisMs: { p50: number | null; p99: number | null };
}

export interface StoreLatencyResult {
  accounts: number;
  ratePerSec: number;
  rounds: number;
  phaseMs: number;
  /** The unmeasured first phase's length and each store's p50 in it (shown, not counted). */
  warmup?: { ms: number; p50s: Record<string, number | null> };
  file: StoreSide;
  redis: StoreSide;
  /** Pongs for pings already answered, all stores. */
  duplicated: number;
  /** Redis minus file, ms. */
  addedMs: { p50: number | null; p90: number | null; p99: number | null };
  /** Redis phase p50 minus file phase p50, phase by phase (paired), and their median. */
  phaseAddedP50s?: (number | null)[];
  medianPhaseAddedP50?: number | null;
  /** Extra Redis bots with other client settings (`BENCH_STORE_VARIANTS`), interleaved with the two above. */
  variants?: StoreVariant[];
  loadAverage: { start: number[]; end: number[] };
  note: string;
}

const minus = (a: number | null, b: number | null): number | null =>
  a === null || b === null ? null : round(a - b, 2);

function withQuery(url: string, query: string): string {
  if (query === '') return url;
  return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}

function medianOf(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : round(median(known), 2);
}

interface Bot {
  name: string;
  store: Store;
  redisUrl: string;
  child: Child;
}

export async function runStoreLatency(o: StoreLatencyOptions, log: (s: string) => void): Promise<StoreLatencyResult> {
  const A = o.accounts ?? (o.smoke ? 4 : 20);
  const ratePerSec = o.ratePerSec ?? (o.smoke ? 20 : 30);
  const rounds = o.rounds ?? (o.smoke ? 1 : 3);
  const phaseMs = o.phaseMs ?? (o.smoke ? 2_000 : 20_000);
  const warmupEnv = Number(process.env['BENCH_STORE_WARMUP_MS'] ?? Number.NaN);
  const warmupMs = o.warmupMs ?? (Number.isFinite(warmupEnv) ? warmupEnv : o.smoke ? 0 : 30_000);
  const loadStart = loadavg().map((x) => round(x, 2));
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const variants = (process.env['BENCH_STORE_VARIANTS'] ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  for (const v of variants) {
    if (VARIANTS[v] === undefined && v !== 'core')
      throw new Error(
        `BENCH_STORE_VARIANTS: unknown variant "${v}" (known: ${[...Object.keys(VARIANTS), 'core'].join(', ')})`,
      );
  }
  const root = `wxbot-bench-store:${randomBytes(6).toString('hex')}`;
  const redis = connectRedis(redisUrl);
  const dataDir = mkdtempSync(join(tmpdir(), 'wxbot-store-'));
  const sim = new Child('many-sim');
  const bots: Bot[] = [
    { name: 'file', store: 'file', redisUrl, child: new Child('many-bot') },
    { name: 'redis', store: 'redis', redisUrl, child: new Child('many-bot') },
    ...variants.map((v) => {
      const core = v === 'core' ? coreVariant() : undefined;
      return {
        name: `redis+${v}`,
        store: 'redis' as const,
        redisUrl: core ? redisUrl : withQuery(redisUrl, VARIANTS[v]!),
        child: core ? new Child('many-bot', [], core.execArgv, core.env) : new Child('many-bot'),
      };
    }),
  ];
  try {
    await redis.ping().catch((err: unknown) => {
      throw new Error(
        `store-latency needs Redis at ${redisUrl.replace(/\/\/[^@]*@/, '//***@')} (set REDIS_URL): ${err instanceof Error ? err.message : String(err)}`,
      );
    });
    const started = await sim.call<{
      type: string;
      url: string;
      loginUrl: string;
      controlUrl: string;
      accounts: string[];
    }>(
      {
        type: 'start',
        spec: { count: bots.length * A, friends: 500, rooms: 20, roomMembers: 50, seed: 23 } satisfies ManySimStart,
      },
      120_000,
    );
    const part = new Map(bots.map((b, i) => [b.name, started.accounts.slice(i * A, (i + 1) * A)]));
    for (const bot of bots) {
      const spec: ManyBotLogin = {
        accounts: part.get(bot.name)!,
        loginUrl: started.loginUrl,
        mainUrl: started.url,
        controlUrl: started.controlUrl,
        dataDir: join(dataDir, bot.name),
        batch: 100,
        store: bot.store,
        redisUrl: bot.redisUrl,
        redisRoot: root,
      };
      const r = await bot.child.call<{ type: string; running: number; failed: string[] }>(
        { type: 'login', spec },
        120_000 + A * 2_000,
      );
      if (r.running !== A)
        throw new Error(`${bot.name} store: ${r.running}/${A} accounts running (${r.failed.join('; ')})`);
    }
    log(
      `  store latency: ${A} accounts per store (${bots.map((b) => b.name).join(', ')}), ${ratePerSec} msg/s interleaved over all, ${rounds} phases of ${phaseMs} ms; load ${loadStart.join(' ')}`,
    );
    // Interleaved, not alternated: each next ping goes to another store's bot, so all meet the same
    // machine at the same moment (alternated phases of one store, then the other, moved 10× with the load).
    const interleaved = Array.from({ length: A }, (_, k) => bots.map((b) => part.get(b.name)![k]!)).flat();
    let duplicated = 0;
    const all = new Map<string, { injected: number; latenciesMs: number[] }[]>(bots.map((b) => [b.name, []]));
    const steady = (durationMs: number): Promise<{ type: string; result: SteadyResult }> =>
      sim.call(
        { type: 'steady', spec: { ratePerSec, durationMs, drainMs: 10_000, accounts: interleaved } },
        durationMs + 60_000,
      );
    let warmup: StoreLatencyResult['warmup'];
    if (warmupMs > 0) {
      const res = await steady(warmupMs);
      duplicated += res.result.duplicated;
      const p50s: Record<string, number | null> = {};
      for (const bot of bots) {
        const parts = part.get(bot.name)!.map((id) => res.result.byAccount[id]!);
        p50s[bot.name] = summarize(
          parts.flatMap((p) => p.latenciesMs),
          parts.reduce((n, p) => n + p.injected, 0),
        ).p50;
      }
      warmup = { ms: warmupMs, p50s };
      log(`  warm-up (not counted): ${bots.map((b) => `${b.name} p50 ${p50s[b.name]} ms`).join(', ')}`);
    }
    for (let i = 0; i < rounds; i++) {
      await Promise.all(bots.map((b) => b.child.call({ type: 'loop-reset' }, 10_000)));
      const res = await steady(phaseMs);
      // How late each bot's event loop ran in the phase: an awaited Redis write yields to it, a file append does not.
      const loops = await Promise.all(
        bots.map((b) => b.child.call<{ type: string; p50: number; p99: number }>({ type: 'loop' }, 10_000)),
      );
      for (const [k, bot] of bots.entries()) {
        const parts = part.get(bot.name)!.map((id) => res.result.byAccount[id]!);
        const phase = {
          injected: parts.reduce((n, p) => n + p.injected, 0),
          latenciesMs: parts.flatMap((p) => p.latenciesMs),
        };
        all.get(bot.name)!.push(phase);
        const sum = summarize(phase.latenciesMs, phase.injected);
        log(
          `  round ${i + 1} ${bot.name}: p50 ${sum.p50} ms, p99 ${sum.p99} ms (${phase.latenciesMs.length}/${phase.injected}); loop delay p99 ${round(loops[k]!.p99, 1)} ms`,
        );
      }
      duplicated += res.result.duplicated;
    }
    const side = (name: string): StoreSide => {
      const runs = all.get(name)!;
      const injected = runs.reduce((n, r) => n + r.injected, 0);
      return {
        latencyMs: summarize(
          runs.flatMap((r) => r.latenciesMs),
          injected,
        ),
        injected,
        replied: runs.reduce((n, r) => n + r.latenciesMs.length, 0),
        phaseP50s: runs.map((r) => summarize(r.latenciesMs, r.injected).p50),
      };
    };
    const file = side('file');
    const red = side('redis');
    const added = (s: StoreSide): StoreVariant['addedMs'] => ({
      p50: minus(s.latencyMs.p50, file.latencyMs.p50),
      p90: minus(s.latencyMs.p90, file.latencyMs.p90),
      p99: minus(s.latencyMs.p99, file.latencyMs.p99),
    });
    const phaseAddedP50s = red.phaseP50s.map((p, i) => minus(p, file.phaseP50s[i] ?? null));
    return {
      accounts: A,
      ratePerSec,
      rounds,
      phaseMs,
      ...(warmup === undefined ? {} : { warmup }),
      file,
      redis: red,
      duplicated,
      addedMs: added(red),
      phaseAddedP50s,
      medianPhaseAddedP50: medianOf(phaseAddedP50s),
      ...(variants.length === 0
        ? {}
        : {
            variants: bots.slice(2).map((b) => {
              const s = side(b.name);
              return {
                name: b.name,
                side: s,
                addedMs: added(s),
                vsRedisMs: {
                  p50: minus(s.latencyMs.p50, red.latencyMs.p50),
                  p99: minus(s.latencyMs.p99, red.latencyMs.p99),
                },
              };
            }),
          }),
      loadAverage: { start: loadStart, end: loadavg().map((x) => round(x, 2)) },
      note: 'one bot process per store, same code and config; Redis without a lease (a single bot’s setup), one connection per process; pings in private chats round-robin over the store’s accounts',
    };
  } finally {
    await Promise.all(bots.map((b) => b.child.close(30_000)));
    await sim.close(30_000);
    rmSync(dataDir, { recursive: true, force: true });
    let cursor = '0';
    try {
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${root}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      await redis.quit().catch(() => undefined);
    }
  }
}

export function renderStoreLatency(r: StoreLatencyResult | { error: string }): string {
  if ('error' in r) return `\n10. Redis store vs file store: FAILED — ${r.error}`;
  const row = (name: string, s: StoreSide): string =>
    `   ${name.padEnd(6)} p50 ${s.latencyMs.p50 ?? '—'} ms, p90 ${s.latencyMs.p90 ?? '—'} ms, p99 ${s.latencyMs.p99 ?? '—'} ms (${s.replied}/${s.injected}; phase p50s ${s.phaseP50s.join(', ')})`;
  return [
    `\n10. Redis store vs file store: ${r.accounts} accounts each, ${r.ratePerSec} msg/s over both (interleaved), ${r.rounds} phases of ${r.phaseMs / 1000} s${
      r.warmup
        ? ` after a ${r.warmup.ms / 1000} s warm-up (p50 ${Object.entries(r.warmup.p50s)
            .map(([k, v]) => `${k} ${v ?? '—'}`)
            .join(', ')} ms, not counted)`
        : ''
    } (${r.note})`,
    row('file', r.file),
    row('redis', r.redis),
    ...(r.variants ?? []).map((v) => row(v.name, v.side)),
    `   duplicated ${r.duplicated}; added by Redis: p50 ${r.addedMs.p50 ?? '—'} ms (target ≤ +1), p90 ${r.addedMs.p90 ?? '—'} ms, p99 ${r.addedMs.p99 ?? '—'} ms; load average ${r.loadAverage.start.join(' ')} → ${r.loadAverage.end.join(' ')}`,
    ...(r.phaseAddedP50s === undefined
      ? []
      : [
          `   added p50 phase by phase ${r.phaseAddedP50s.map((p) => p ?? '—').join(', ')} ms (median ${r.medianPhaseAddedP50 ?? '—'} ms)`,
        ]),
    ...(r.variants ?? []).map(
      (v) =>
        `   ${v.name}: added p50 ${v.addedMs.p50 ?? '—'} ms, p99 ${v.addedMs.p99 ?? '—'} ms; against plain Redis p50 ${v.vsRedisMs.p50 ?? '—'} ms, p99 ${v.vsRedisMs.p99 ?? '—'} ms`,
    ),
  ].join('\n');
}

export function storeLatencyTargets(r: StoreLatencyResult | undefined): TargetRow[] {
  if (r === undefined) return [];
  return [
    {
      name: 'reply latency added by the Redis store (p50)',
      goal: '≤ +1 ms',
      actual: `${r.addedMs.p50 ?? '—'} ms (p99 ${r.addedMs.p99 ?? '—'} ms)`,
      met: r.addedMs.p50 === null ? undefined : r.addedMs.p50 <= 1,
    },
  ];
}
