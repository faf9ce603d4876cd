/**
 * The fault matrix (issue 13): per row, a simulator process and a bot process
 * (echo plugin), a stream of `q<n>` texts over many chats, one fault switched
 * on mid-run (through the simulator's HTTP control API where it has words for
 * it), replies counted per inbound message at the simulator, then faults
 * cleared and one probe that must be answered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import type { FaultStats } from '../children/faults-sim.js';
import { SimControl } from '../harness/control.js';
import { RAISED_TEXT_BUCKET } from '../harness/wxbot.js';
import { Child } from '../ipc.js';
import { round } from '../stats.js';
import { BotUnderTest } from './faults-bot.js';
import { FAULT_ROWS, faultRowNames, rowSlug, type FaultRow } from './faults-rows.js';

export interface FaultsOptions {
  smoke: boolean;
  /** Row slugs (e.g. `drop,accept-then-drop`); all rows when absent. */
  rows?: string[] | undefined;
  /** Messages per row (default 2,000; smoke 60). */
  count?: number | undefined;
  /** Chats the messages rotate over (default 50; smoke 10), 80 % private, 20 % rooms. */
  chats?: number | undefined;
  /** Messages per second (default 25). */
  ratePerSec?: number | undefined;
  /** Rows run at once, each with its own processes (default 2; smoke 1). */
  parallel?: number | undefined;
}

export interface FaultRowResult extends FaultStats {
  row: string;
  fault: string;
  probeAnswered: boolean;
  /** Stream start → probe answered (or given up on). */
  durationMs: number;
  /** Bot processes started (1 + restarts). */
  botStarts: number;
  /** The last bot process's longest event-loop stall (ms) and peak RSS (MB), read before it stops. */
  botMaxLoopDelayMs?: number;
  botMaxRssMb?: number;
  notes: string[];
  error?: string;
}

export interface FaultsResult {
  count: number;
  chats: number;
  ratePerSec: number;
  parallel: number;
  setup: string;
  rules: string;
  rows: FaultRowResult[];
}

const DRAIN_QUIET_MS = 10_000;
const DRAIN_MAX_MS = 60_000;
const PROBE_TIMEOUT_MS = 30_000;

function pickRows(wanted: string[] | undefined): FaultRow[] {
  if (!wanted) return [...FAULT_ROWS];
  return wanted.map((w) => {
    const row = FAULT_ROWS.find((r) => rowSlug(r.name) === w);
    if (!row) throw new Error(`--faults-rows: unknown row "${w}" (choose from ${faultRowNames().join(', ')})`);
    return row;
  });
}

interface RowPlan {
  count: number;
  chats: number;
  ratePerSec: number;
}

async function runRow(row: FaultRow, plan: RowPlan): Promise<FaultRowResult> {
  const notes: string[] = [];
  const sim = new Child('faults-sim');
  const dataDir = mkdtempSync(join(tmpdir(), 'wxbot-faults-'));
  let bot: BotUnderTest | undefined;
  const empty: FaultStats = {
    injected: 0,
    replied: 0,
    lost: 0,
    duplicated: 0,
    unreachable: 0,
    refusedSends: 0,
    droppedAnswers: 0,
    killsOnSend: 0,
    lostNearExpiry: 0,
    lostSample: [],
  };
  let started = performance.now();
  try {
    const privateChats = Math.max(1, Math.round(plan.chats * 0.8));
    const s = await sim.call<{ type: string; url: string; loginUrl: string; controlUrl: string }>(
      { type: 'start', privateChats, roomChats: plan.chats - privateChats, seed: 7 },
      30_000,
    );
    const control = new SimControl(s.controlUrl);
    bot = new BotUnderTest(dataDir, s);
    await bot.start();
    const streamMs = (plan.count / plan.ratePerSec) * 1000;
    started = performance.now();
    await sim.call({ type: 'stream', count: plan.count, ratePerSec: plan.ratePerSec }, 10_000);
    const ctx = {
      control,
      sim,
      bot,
      streamMs,
      count: plan.count,
      at: async (ms: number) => {
        const wait = started + ms - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      },
      note: (text: string) => notes.push(text),
    };
    await row.inject(ctx);
    const waited = await sim.call<{ type: string; stopped?: string }>({ type: 'stream-wait' }, streamMs + 600_000);
    if (waited.stopped !== undefined) notes.push(waited.stopped);
    // Faults off (rows clear their own; this is the backstop), then the bot gets its chance to catch up.
    await control.clearFaults();
    await bot.pluginFault('off');
    await sim.call({ type: 'drain', quietMs: DRAIN_QUIET_MS, maxMs: DRAIN_MAX_MS }, DRAIN_MAX_MS + 10_000);
    const probe = await sim.call<{ type: string; answered: boolean; ms: number }>(
      { type: 'probe', timeoutMs: PROBE_TIMEOUT_MS },
      PROBE_TIMEOUT_MS + 10_000,
    );
    const durationMs = performance.now() - started;
    const { stats } = await sim.call<{ type: string; stats: FaultStats }>({ type: 'stats' }, 10_000);
    const health = await bot.health();
    return {
      row: row.name,
      fault: row.fault,
      ...stats,
      probeAnswered: probe.answered,
      durationMs: round(durationMs, 0),
      botStarts: bot.starts,
      ...(health ? { botMaxLoopDelayMs: health.maxLoopDelayMs, botMaxRssMb: health.maxRssMb } : {}),
      notes,
    };
  } catch (err) {
    const stats = await sim
      .call<{ type: string; stats: FaultStats }>({ type: 'stats' }, 5_000)
      .then((r) => r.stats)
      .catch(() => empty);
    return {
      row: row.name,
      fault: row.fault,
      ...stats,
      probeAnswered: false,
      durationMs: round(performance.now() - started, 0),
      botStarts: bot?.starts ?? 0,
      notes,
      error: err instanceof Error ? err.message.slice(0, 500) : String(err),
    };
  } finally {
    await bot?.close();
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runFaults(o: FaultsOptions, log: (s: string) => void): Promise<FaultsResult> {
  const rows = pickRows(o.rows);
  const plan: RowPlan = {
    count: o.count ?? (o.smoke ? 60 : 2000),
    chats: o.chats ?? (o.smoke ? 10 : 50),
    ratePerSec: o.ratePerSec ?? 25,
  };
  const parallel = Math.max(1, o.parallel ?? (o.smoke ? 1 : 2));
  const results: FaultRowResult[] = new Array<FaultRowResult>(rows.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < rows.length; i = next++) {
      const row = rows[i]!;
      log(`  ${row.name}: ${plan.count} texts over ${plan.chats} chats at ${plan.ratePerSec}/s…`);
      const r = await runRow(row, plan);
      log(
        `  ${row.name}: replied ${r.replied}/${r.injected}, lost ${r.lost}, duplicated ${r.duplicated}, probe ${r.probeAnswered ? 'answered' : 'NOT answered'}${r.error ? ` — ${r.error}` : ''}`,
      );
      results[i] = r;
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, rows.length) }, () => worker()));
  return {
    count: plan.count,
    chats: plan.chats,
    ratePerSec: plan.ratePerSec,
    parallel,
    setup: `per row: a simulator process and a bot process (Bot runtime, FileSessionStore; plugins: one switchable faulty plugin, then echo); send rate limiter RAISED (text burst ${RAISED_TEXT_BUCKET.burst}, ${RAISED_TEXT_BUCKET.perSecond}/s, jitter 0); faults cleared after the stream, then drain (until all answered, ${DRAIN_QUIET_MS / 1000} s without a reply, or ${DRAIN_MAX_MS / 1000} s), then one probe (${PROBE_TIMEOUT_MS / 1000} s to answer)`,
    rules:
      'replied = inbound texts with ≥ 1 accepted reply; lost = inbound texts from reachable senders with no accepted reply (texts from senders who removed the bot are "unreachable", never lost); duplicated = inbound texts with > 1 accepted reply; replies refused by the server (Ret ≠ 0) are not replies',
    rows: results,
  };
}
