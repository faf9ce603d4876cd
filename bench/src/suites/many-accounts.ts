/**
 * Many accounts in one process (issue 17): `generateAccounts(N)` small accounts (500 contacts, 20 rooms of 50)
 * in one multi-account simulator (its own process), and one bot process running all of them with the
 * multi-account runtime (`AccountSupervisor`, the 10-plugin config, the embedded file store). Measures RSS
 * after `first` accounts and after all N are logged in (sessions live, sync loops polling), so the cost of
 * each added small account is (RSS at N − RSS at first) ÷ (N − first); the bot process's CPU while idle; and
 * reply latency at a steady rate spread round-robin over every account. Figures are printed, never asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ManyBotLogin } from '../children/many-bot.js';
import type { ManySimStart, SteadyResult } from '../children/many-sim.js';
import { Child } from '../ipc.js';
import type { MemorySnapshot } from '../memory.js';
import { round, summarize, type LatencySummary } from '../stats.js';

export interface ManyAccountsOptions {
  readonly smoke: boolean;
  readonly accounts?: number;
  /** Accounts logged in before the first memory reading (default 100). */
  readonly first?: number;
  readonly ratePerSec?: number;
  readonly durationMs?: number;
  readonly idleMs?: number;
}

export interface ManyAccountsResult {
  accounts: number;
  world: { friends: number; rooms: number; roomMembers: number };
  first: number;
  /** Wall time of the logins: the first batch, then the rest. */
  loginMs: { first: number; rest: number };
  running: number;
  failed: string[];
  baseline: MemorySnapshot;
  atFirst: MemorySnapshot;
  atAll: MemorySnapshot;
  afterLoad: MemorySnapshot;
  perAddedAccountMb: { rss: number; heapUsed: number };
  /** CPU of the bot process over `idleMs` with nothing to do, % of one core. */
  idleCpuPercent: number;
  idleMs: number;
  load: {
    ratePerSec: number;
    durationMs: number;
    injected: number;
    replied: number;
    duplicated: number;
    rejectedSends: number;
    latencyMs: LatencySummary;
    /** CPU of the bot process during the load, % of one core. */
    cpuPercent: number;
    /** Event-loop delay (sampled every 10 ms, the 10 ms included) of the bot and the simulator during the load. */
    loopDelayMs: { bot: { p50: number; p99: number; max: number }; sim: { p50: number; p99: number } };
  };
  /** 1, 5 and 15 minute load averages of the machine when the suite started and ended. */
  loadAverage: { start: number[]; end: number[] };
  durationMs: number;
  note: string;
}

type Cpu = { user: number; system: number };

/** A row of the targets table (report.ts's `Target`, which imports this file). */
export interface TargetRow {
  name: string;
  goal: string;
  actual: string;
  met: boolean | undefined;
}

export async function runManyAccounts(o: ManyAccountsOptions, log: (s: string) => void): Promise<ManyAccountsResult> {
  const N = o.accounts ?? (o.smoke ? 20 : 1000);
  const first = Math.min(o.first ?? (o.smoke ? 5 : 100), N - 1);
  const ratePerSec = o.ratePerSec ?? (o.smoke ? 20 : 100);
  const durationMs = o.durationMs ?? (o.smoke ? 3_000 : 60_000);
  const idleMs = o.idleMs ?? (o.smoke ? 2_000 : 30_000);
  const world = { friends: 500, rooms: 20, roomMembers: 50 };
  const startedAt = Date.now();
  const loadStart = loadavg().map((x) => round(x, 2));
  const dataDir = mkdtempSync(join(tmpdir(), 'wxbot-many-'));
  const sim = new Child('many-sim');
  // BENCH_TRACE_GC=1: V8 prints each collection of the bot process (its pauses explain event-loop stalls).
  // BENCH_SEMI_SPACE_MB=<n>: the bot's young generation sized by hand (the cap `wxbot start` sets steps aside).
  const semi = process.env['BENCH_SEMI_SPACE_MB'];
  const bot = new Child(
    'many-bot',
    [],
    [
      '--expose-gc',
      ...(process.env['BENCH_TRACE_GC'] ? ['--trace-gc'] : []),
      ...(semi ? [`--max-semi-space-size=${Number(semi)}`] : []),
    ],
  );
  try {
    const started = await sim.call<{
      type: string;
      url: string;
      loginUrl: string;
      controlUrl: string;
      accounts: string[];
    }>({ type: 'start', spec: { count: N, ...world } satisfies ManySimStart }, 300_000);
    log(
      `  many accounts: ${N} × (${world.friends} contacts, ${world.rooms} rooms of ${world.roomMembers}); load ${loadStart.join(' ')}`,
    );
    const memory = async (): Promise<MemorySnapshot> =>
      (await bot.call<{ type: string; memory: MemorySnapshot }>({ type: 'memory' }, 60_000)).memory;
    const cpu = async (): Promise<Cpu> => bot.call<{ type: string } & Cpu>({ type: 'cpu' }, 30_000);
    const percent = (a: Cpu, b: Cpu, ms: number): number =>
      round(((b.user - a.user + b.system - a.system) / 1000 / ms) * 100, 1);
    const baseline = await memory();
    const spec = (accounts: string[]): ManyBotLogin => ({
      accounts,
      loginUrl: started.loginUrl,
      mainUrl: started.url,
      controlUrl: started.controlUrl,
      dataDir,
      batch: 100,
      store: 'file',
    });
    type LoginReply = { type: string; loginMs: number; running: number; failed: string[] };
    // Bounded: two minutes plus a second per account (a loaded machine logs in slowly).
    const loginBudget = (n: number): number => 120_000 + n * 1_000;
    const one = await bot.call<LoginReply>(
      { type: 'login', spec: spec(started.accounts.slice(0, first)) },
      loginBudget(first),
    );
    const atFirst = await memory();
    log(`  ${first} accounts in ${Math.round(one.loginMs)} ms: rss ${atFirst.rssMb} MB, heap ${atFirst.heapUsedMb} MB`);
    const rest = await bot.call<LoginReply>(
      { type: 'login', spec: spec(started.accounts.slice(first)) },
      loginBudget(N - first),
    );
    const live = await sim.call<{ type: string; live: number }>({ type: 'live' }, 30_000);
    const atAll = await memory();
    log(
      `  ${N} accounts (${one.running + rest.running} running, ${live.live} live sessions) in ${Math.round(rest.loginMs)} ms more: rss ${atAll.rssMb} MB, heap ${atAll.heapUsedMb} MB`,
    );
    const c0 = await cpu();
    await new Promise((r) => setTimeout(r, idleMs));
    const c1 = await cpu();
    const idleCpuPercent = percent(c0, c1, idleMs);
    log(`  idle ${idleMs} ms: ${idleCpuPercent} % of one core`);
    await bot.call({ type: 'loop-reset' }, 30_000);
    const l0 = await cpu();
    const steady = await sim.call<{ type: string; result: SteadyResult }>(
      { type: 'steady', spec: { ratePerSec, durationMs, drainMs: 15_000 } },
      durationMs + 60_000,
    );
    const l1 = await cpu();
    const botLoop = await bot.call<{ type: string; p50: number; p99: number; max: number }>({ type: 'loop' }, 30_000);
    const r = steady.result;
    const latencyMs = summarize(r.latenciesMs, r.injected);
    const afterLoad = await memory();
    log(
      `  ${ratePerSec} msg/s for ${durationMs} ms: ${r.replied}/${r.injected} replied, p50 ${latencyMs.p50} ms, p99 ${latencyMs.p99} ms; rss ${afterLoad.rssMb} MB`,
    );
    return {
      accounts: N,
      world,
      first,
      loginMs: { first: Math.round(one.loginMs), rest: Math.round(rest.loginMs) },
      running: one.running + rest.running,
      failed: [...one.failed, ...rest.failed].slice(0, 20),
      baseline,
      atFirst,
      atAll,
      afterLoad,
      perAddedAccountMb: {
        rss: round((atAll.rssMb - atFirst.rssMb) / (N - first), 2),
        heapUsed: round((atAll.heapUsedMb - atFirst.heapUsedMb) / (N - first), 2),
      },
      idleCpuPercent,
      idleMs,
      load: {
        ratePerSec,
        durationMs,
        injected: r.injected,
        replied: r.replied,
        duplicated: r.duplicated,
        rejectedSends: r.rejectedSends,
        latencyMs,
        cpuPercent: percent(l0, l1, r.durationMs),
        loopDelayMs: {
          bot: { p50: round(botLoop.p50, 1), p99: round(botLoop.p99, 1), max: round(botLoop.max, 1) },
          sim: { p50: round(r.loopDelayMs?.p50 ?? Number.NaN, 1), p99: round(r.loopDelayMs?.p99 ?? Number.NaN, 1) },
        },
      },
      loadAverage: { start: loadStart, end: loadavg().map((x) => round(x, 2)) },
      durationMs: Date.now() - startedAt,
      note: 'bot and simulator in separate processes; memory after forced GC; send jitter off and text limit raised as in the latency bench; pings in private chats, round-robin over all accounts',
    };
  } finally {
    await bot.close(60_000);
    await sim.close(30_000);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function renderManyAccounts(r: ManyAccountsResult | { error: string }): string {
  if ('error' in r) return `\n9. Many accounts in one process: FAILED — ${r.error}`;
  const l = r.load.latencyMs;
  return [
    `\n9. Many accounts in one process: ${r.running}/${r.accounts} running (${r.world.friends} contacts, ${r.world.rooms} rooms of ${r.world.roomMembers} each; ${r.note})`,
    `   RSS: baseline ${r.baseline.rssMb} MB, ${r.first} accounts ${r.atFirst.rssMb} MB, ${r.accounts} accounts ${r.atAll.rssMb} MB (target ≤ 1536), after the load ${r.afterLoad.rssMb} MB`,
    `   per added small account: ${r.perAddedAccountMb.rss} MB RSS, ${r.perAddedAccountMb.heapUsed} MB heap (target ≤ 1 MB RSS)`,
    `   idle CPU over ${r.idleMs / 1000} s: ${r.idleCpuPercent} % of one core; logins ${r.loginMs.first} + ${r.loginMs.rest} ms`,
    `   replies at ${r.load.ratePerSec} msg/s for ${r.load.durationMs / 1000} s: ${r.load.replied}/${r.load.injected}, p50 ${l.p50 ?? '—'} ms, p90 ${l.p90 ?? '—'} ms, p99 ${l.p99 ?? '—'} ms, max ${l.max ?? '—'} ms; duplicated ${r.load.duplicated}, refused ${r.load.rejectedSends}; CPU ${r.load.cpuPercent} %`,
    `   event-loop delay during the load (10 ms sampling): bot p50 ${r.load.loopDelayMs.bot.p50} / p99 ${r.load.loopDelayMs.bot.p99} / max ${r.load.loopDelayMs.bot.max} ms, simulator p50 ${r.load.loopDelayMs.sim.p50} / p99 ${r.load.loopDelayMs.sim.p99} ms`,
    `   machine load average: ${r.loadAverage.start.join(' ')} at the start, ${r.loadAverage.end.join(' ')} at the end`,
    ...(r.failed.length > 0 ? [`   not running: ${r.failed.join('; ')}`] : []),
  ].join('\n');
}

/** Issue 17's rows (and issue 20's per-account row, for small accounts). */
export function manyAccountsTargets(r: ManyAccountsResult | undefined): TargetRow[] {
  if (r === undefined) return [];
  const l = r.load.latencyMs;
  return [
    {
      name: `RSS, ${r.accounts} small accounts in one process`,
      goal: '≤ 1.5 GB',
      actual: `${r.atAll.rssMb} MB (${r.running} running)`,
      met: r.running === r.accounts ? r.atAll.rssMb <= 1536 : undefined,
    },
    {
      name: 'RSS per added small account',
      goal: '≤ 1 MB',
      actual: `${r.perAddedAccountMb.rss} MB`,
      met: r.perAddedAccountMb.rss <= 1,
    },
    {
      name: `idle CPU, ${r.accounts} accounts`,
      goal: 'reported',
      actual: `${r.idleCpuPercent} % of one core`,
      met: undefined,
    },
    {
      name: `reply p50 / p99 at ${r.load.ratePerSec} msg/s over ${r.accounts} accounts`,
      goal: 'reported',
      actual: `${l.p50 ?? '—'} / ${l.p99 ?? '—'} ms`,
      met: undefined,
    },
  ];
}
