/** The results document, its target checks and the printed table. */
import type { ColdStartResult } from './suites/cold-start.js';
import type { LatencyResult, PeerLatency } from './suites/latency.js';
import type { MachineInfo } from './machine.js';
import type { MemorySnapshot } from './memory.js';
import type { MemoryResult } from './suites/memory.js';
import type { PipelineResult } from './suites/pipeline.js';
import type { FaultsResult } from './suites/faults.js';
import { renderFaults } from './suites/faults-report.js';
import { renderFailover, type FailoverResult } from './suites/failover.js';
import { table } from './table.js';

export interface Target {
  name: string;
  goal: string;
  actual: string;
  met: boolean | undefined;
}

export interface BenchResults {
  version: 1;
  startedAt: string;
  finishedAt: string;
  mode: 'full' | 'smoke';
  command: string;
  machine: MachineInfo;
  commit: string | undefined;
  /** Busy-looping processes run beside the bench (`--load`), 0 for a normal run. */
  loadProcesses?: number;
  suites: {
    latency?: LatencyResult | { error: string };
    pipeline?: PipelineResult | { error: string };
    memory?: MemoryResult | { error: string };
    coldStart?: ColdStartResult | { error: string };
    faults?: FaultsResult | { error: string };
    failover?: FailoverResult | { error: string };
  };
  targets: Target[];
}

const ok = <T extends object>(v: T | { error: string } | undefined): T | undefined =>
  v === undefined || 'error' in v ? undefined : v;

export function evaluateTargets(s: BenchResults['suites']): Target[] {
  const out: Target[] = [];
  const lat = ok(s.latency);
  if (lat) {
    const budget = 3 * (lat.loopbackRttMs.p50 ?? 0) + 1;
    // Steady alone is the latency of one message; bursts of 100 add queueing behind 99 others.
    const steady = lat.wxbot.phases.find((ph) => ph.pattern === 'steady')?.latencyMs.p50 ?? null;
    for (const [name, p50] of [
      ['reply p50, steady phase', steady],
      ['reply p50, all phases', lat.wxbot.all.p50],
    ] as const) {
      out.push({
        name,
        goal: `≤ 3 × loopback RTT p50 + 1 ms = ${budget.toFixed(2)} ms`,
        actual: p50 === null ? 'over half never answered' : `${fmt(p50)} ms`,
        met: p50 !== null && p50 <= budget,
      });
    }
    const r = lat.ratio?.p50;
    out.push({
      name: 'reply p50 vs wechat4u',
      goal: '≥ 10× better',
      actual:
        lat.ratio === undefined
          ? 'peer not run'
          : r === null || r === undefined
            ? 'no ratio (a side has no p50)'
            : `${r}×`,
      met: lat.ratio === undefined ? undefined : r !== null && r !== undefined && r >= 10,
    });
  }
  const pipe = ok(s.pipeline);
  const plain = pipe?.rows.find((r) => r.workload === 'plain-text');
  if (plain)
    out.push({
      name: 'pipeline plain text',
      goal: '≥ 100,000 msg/s',
      actual: `${plain.messagesPerSec} msg/s`,
      met: plain.messagesPerSec >= 100_000,
    });
  const mem = ok(s.memory);
  if (mem) {
    out.push({
      name: 'RSS, large world, right after login',
      goal: '≤ 60 MB',
      actual: `${mem.oneAccount.rssMb} MB`,
      met: mem.oneAccount.rssMb <= 60,
    });
    out.push({
      name: `RSS, large world, after ${mem.oneAccountIdle.idleMs / 1000} s idle`,
      goal: '≤ 60 MB',
      actual: `${mem.oneAccountIdle.rssMb} MB`,
      met: mem.oneAccountIdle.rssMb <= 60,
    });
  }
  const cold = ok(s.coldStart);
  if (cold)
    out.push({ name: 'cold start', goal: '≤ 400 ms', actual: `${cold.medianMs} ms`, met: cold.medianMs <= 400 });
  return out;
}

function fmt(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

function latencyRows(p: PeerLatency): (string | number)[][] {
  const rows = p.phases.map((ph) => [
    p.peer,
    ph.pattern,
    `${ph.replied}/${ph.injected}`,
    fmt(ph.latencyMs.p50),
    fmt(ph.latencyMs.p90),
    fmt(ph.latencyMs.p99),
    fmt(ph.latencyMs.max),
    fmt(ph.cpuMsPerMessage),
  ]);
  const injected = p.phases.reduce((n, ph) => n + ph.injected, 0);
  const cpu = p.phases.reduce((n, ph) => n + ph.cpuMsPerMessage * ph.injected, 0) / Math.max(1, injected);
  rows.push([
    p.peer,
    'all',
    `${p.all.count}/${injected}`,
    fmt(p.all.p50),
    fmt(p.all.p90),
    fmt(p.all.p99),
    fmt(p.all.max),
    fmt(Math.round(cpu * 1000) / 1000),
  ]);
  return rows;
}

/** Markdown tables (readable in a terminal, pasteable into the README). */
export function renderTables(r: BenchResults): string {
  const parts: string[] = [];
  const m = r.machine;
  parts.push(
    `wxbot bench (${r.mode}) — ${r.finishedAt} — ${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB, node ${m.node}, ${m.platform}${r.commit ? `, commit ${r.commit}` : ''}${r.loadProcesses ? ` — LOADED: ${r.loadProcesses} busy-looping process(es) ran beside it` : ''}`,
  );
  const lat = r.suites.latency;
  if (lat && 'error' in lat) parts.push(`\n1–2. Reply latency: FAILED — ${lat.error}`);
  else if (lat) {
    parts.push(
      `\n1–2. Reply latency, injection → webwxsendmsg at the simulator (ms; ${lat.messages} messages per peer, ${lat.chats} chats; wxbot journal: ${lat.wxbotStore}). The ${lat.rateLimiter}.`,
    );
    parts.push(
      `Loopback HTTP round trip (keep-alive): back to back p50 ${fmt(lat.loopbackRttMs.p50)} ms, p90 ${fmt(lat.loopbackRttMs.p90)} ms; after a 4 ms pause (the steady pace) p50 ${fmt(lat.loopbackRttPacedMs.p50)} ms, p90 ${fmt(lat.loopbackRttPacedMs.p90)} ms. Percentiles count unanswered messages as never answered (—).`,
    );
    const rows = latencyRows(lat.wxbot);
    if ('all' in lat.wechat4u) rows.push(...latencyRows(lat.wechat4u));
    parts.push(table(['peer', 'phase', 'replied', 'p50', 'p90', 'p99', 'max', 'CPU ms/msg'], rows));
    if (!('all' in lat.wechat4u)) parts.push(`wechat4u: ${lat.wechat4u.skipped}`);
    const x = (v: number | null): string => (v === null ? '—' : `${v}×`);
    if (lat.ratio)
      parts.push(
        `wechat4u ÷ wxbot (>1 = wxbot faster): p50 ${x(lat.ratio.p50)}, p90 ${x(lat.ratio.p90)}, p99 ${x(lat.ratio.p99)}, max ${x(lat.ratio.max)}`,
      );
    if (lat.experiments.length > 0) {
      parts.push('\nExperiments (wxbot, steady phase, same workload, one change each):');
      parts.push(
        table(
          ['variant', 'replied', 'p50', 'p90', 'p99', 'max', 'CPU ms/msg'],
          lat.experiments.map((e) => [
            e.variant,
            `${e.phase.replied}/${e.phase.injected}`,
            fmt(e.phase.latencyMs.p50),
            fmt(e.phase.latencyMs.p90),
            fmt(e.phase.latencyMs.p99),
            fmt(e.phase.latencyMs.max),
            fmt(e.phase.cpuMsPerMessage),
          ]),
        ),
      );
    }
  }
  const pipe = r.suites.pipeline;
  if (pipe && 'error' in pipe) parts.push(`\n3. Pipeline: FAILED — ${pipe.error}`);
  else if (pipe) {
    parts.push(`\n3. Pipeline throughput, normalise + 10 plugins (${pipe.note}):`);
    parts.push(
      table(
        ['workload', 'msg/s', 'µs/msg', 'replies/msg', 'messages'],
        pipe.rows.map((x) => [
          `${x.workload} (${x.description})`,
          x.messagesPerSec,
          x.usPerMessage,
          x.repliesPerMessage,
          x.messages,
        ]),
      ),
    );
  }
  const mem = r.suites.memory;
  if (mem && 'error' in mem) parts.push(`\n4. Memory: FAILED — ${mem.error}`);
  else if (mem) {
    parts.push(
      `\n4. Memory of the bot process after login (${mem.world.contacts} contacts, ${mem.world.rooms} rooms × ${mem.world.membersPerRoom} members; after forced GC: ${mem.gcForced}; young generation capped as \`wxbot start\` does: ${mem.youngGenerationCapped}):`,
    );
    parts.push(
      table(
        ['state', 'RSS MB', 'file-backed MB', 'anonymous MB', 'heap total MB', 'heap used MB', 'external MB'],
        [
          memRow('before login (modules loaded)', mem.baseline),
          memRow(
            `1 account (${mem.oneAccount.contactsLoaded} contacts, ${mem.oneAccount.membersLoaded} members)`,
            mem.oneAccount,
          ),
          memRow(`1 account, after ${mem.oneAccountIdle.idleMs / 1000} s idle`, mem.oneAccountIdle),
          memRow(`${mem.accounts} accounts`, mem.allAccounts),
          memRow("1 account, V8's default young generation (Bot embedded without the cap)", mem.uncapped),
          ['per added account', mem.perAddedAccount.rssMb, '', '', '', mem.perAddedAccount.heapUsedMb, ''],
        ],
      ),
    );
  }
  const cold = r.suites.coldStart;
  if (cold && 'error' in cold) parts.push(`\n5. Cold start: FAILED — ${cold.error}`);
  else if (cold) {
    parts.push(
      `\n5. Cold start to the QR event: median ${cold.medianMs} ms (runs: ${cold.runsMs.join(', ')})${cold.inProcessMedianMs === undefined ? '' : `; inside the process ${cold.inProcessMedianMs} ms`}. ${cold.command}. ${cold.note}`,
    );
  }
  if (r.suites.faults) parts.push(renderFaults(r.suites.faults));
  if (r.suites.failover) parts.push(renderFailover(r.suites.failover));
  if (r.targets.length > 0) {
    parts.push('\nTargets:');
    parts.push(
      table(
        ['target', 'goal', 'actual', 'met'],
        r.targets.map((t) => [t.name, t.goal, t.actual, t.met === undefined ? 'n/a' : t.met ? 'yes' : 'NO']),
      ),
    );
  }
  return parts.join('\n');
}

function memRow(state: string, m: MemorySnapshot): (string | number)[] {
  return [state, m.rssMb, m.fileBackedMb ?? '', m.anonymousMb ?? '', m.heapTotalMb, m.heapUsedMb, m.externalMb];
}
