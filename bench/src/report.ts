/** The results document, its target checks and the printed table. */
import type { ColdStartResult } from './suites/cold-start.js';
import type { LatencyPhase, LatencyResult, PeerLatency } from './suites/latency.js';
import type { MachineInfo } from './machine.js';
import type { MemorySnapshot } from './memory.js';
import type { AddedCost, MemoryResult } from './suites/memory.js';
import type { PipelineResult } from './suites/pipeline.js';
import type { FaultsResult } from './suites/faults.js';
import type { IlinkLatencyResult } from './suites/ilink-latency.js';
import { renderFaults } from './suites/faults-report.js';
import { renderFailover, type FailoverResult } from './suites/failover.js';
import { manyAccountsTargets, renderManyAccounts, type ManyAccountsResult } from './suites/many-accounts.js';
import { renderStoreLatency, storeLatencyTargets, type StoreLatencyResult } from './suites/store-latency.js';
import { fmt, full, latencyRows, times } from './latency-rows.js';
import { renderSplit } from './report-split.js';
import { renderWarm, warmTargets } from './report-warm.js';
import { table } from './table.js';
import type { Target } from './target.js';

export type { Target } from './target.js';

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
    ilinkLatency?: IlinkLatencyResult | { error: string };
    failover?: FailoverResult | { error: string };
    manyAccounts?: ManyAccountsResult | { error: string };
    storeLatency?: StoreLatencyResult | { error: string };
  };
  targets: Target[];
}

const ok = <T extends object>(v: T | { error: string } | undefined): T | undefined =>
  v === undefined || 'error' in v ? undefined : v;

/** wechat4u ÷ wxbot for one phase's percentile (> 1 = wxbot better); null where a side has no value. */
function phaseRatio(lat: LatencyResult, pattern: string, pick: (p: LatencyPhase) => number | null): number | null {
  if (!('all' in lat.wechat4u)) return null;
  const w = lat.wxbot.phases.find((p) => p.pattern === pattern);
  const x = lat.wechat4u.phases.find((p) => p.pattern === pattern);
  const a = w ? pick(w) : null;
  const b = x ? pick(x) : null;
  return a === null || b === null || a === 0 ? null : Math.round((b / a) * 100) / 100;
}

/** Issue 20's targets; `peer` is wechat4u's figure from the same run where the row has one. */
export function evaluateTargets(s: BenchResults['suites']): Target[] {
  const out: Target[] = [];
  const lat = ok(s.latency);
  if (lat) {
    const peer = 'all' in lat.wechat4u ? lat.wechat4u : undefined;
    const phase = (p: PeerLatency | undefined, pattern: string): LatencyPhase | undefined =>
      p?.phases.find((ph) => ph.pattern === pattern);
    for (const [label, pick] of [
      ['p50', (p: LatencyPhase) => p.latencyMs.p50],
      ['p90', (p: LatencyPhase) => p.latencyMs.p90],
      ['p99', (p: LatencyPhase) => p.latencyMs.p99],
      ['CPU per message', (p: LatencyPhase) => p.cpuMsPerMessage],
    ] as const) {
      const r = phaseRatio(lat, 'bursty', pick);
      const w = phase(lat.wxbot, 'bursty');
      const x = phase(peer, 'bursty');
      out.push({
        name: `bursty ${label} vs wechat4u`,
        goal: '≥ 1.5× better',
        actual: `${fmt(w ? pick(w) : null)} (${r === null ? 'no ratio' : `${r}×`})`,
        peer: fmt(x ? pick(x) : null),
        met: r === null ? undefined : r >= 1.5,
      });
    }
    const steadyCpu = phase(lat.wxbot, 'steady')?.cpuMsPerMessage ?? null;
    const f = lat.floor;
    const minimalCpu = phase(full(lat.minimal), 'steady')?.cpuMsPerMessage;
    out.push({
      name: 'CPU per reply, steady (ms)',
      goal: `≤ 0.6 ms;${minimalCpu === undefined ? '' : ` the minimal client: ${fmt(minimalCpu)};`} floor 4 × (request + sync parse) = ${f.replyFloorMs} back to back, ${f.replyFloorPacedMs} at the steady pace`,
      actual:
        steadyCpu === null
          ? '—'
          : `${fmt(steadyCpu)} (${Math.round((steadyCpu / f.replyFloorMs) * 10) / 10}× / ${Math.round((steadyCpu / f.replyFloorPacedMs) * 10) / 10}× the floor)`,
      peer: fmt(phase(peer, 'steady')?.cpuMsPerMessage ?? null),
      met: steadyCpu === null ? false : steadyCpu <= 0.6,
    });
    const budget = 3 * (lat.loopbackRttMs.p50 ?? 0) + 1;
    const steady = phase(lat.wxbot, 'steady')?.latencyMs.p50 ?? null;
    out.push({
      name: 'reply p50, steady phase',
      goal: `≤ 3 × loopback RTT p50 + 1 ms = ${budget.toFixed(2)} ms`,
      actual: steady === null ? 'over half never answered' : `${fmt(steady)} ms`,
      peer: fmt(phase(peer, 'steady')?.latencyMs.p50 ?? null),
      met: steady !== null && steady <= budget,
    });
    out.push(...warmTargets(lat));
  }
  const pipe = ok(s.pipeline);
  const plain = pipe?.rows.find((r) => r.workload === 'plain-text');
  if (plain)
    out.push({
      name: 'pipeline plain text',
      goal: `≥ 200,000 msg/s${pipe?.floor ? `; floor (no framework) ${pipe.floor.messagesPerSec} msg/s` : ''}`,
      actual: `${plain.messagesPerSec} msg/s${pipe?.floor ? ` (${times(plain.usPerMessage, pipe.floor.usPerMessage)} the floor's time)` : ''}`,
      met: plain.messagesPerSec >= 200_000,
    });
  const mem = ok(s.memory);
  if (mem) {
    const peer = 'perAddedAccount' in mem.peer ? mem.peer : undefined;
    out.push({
      name: 'RSS per added account, large world',
      goal: '≤ 4 MB',
      actual: `${mem.perAddedAccount.rssMb} MB (heap ${mem.perAddedAccount.heapUsedMb} MB); idle ${mem.perAddedAccountIdle.rssMb} MB`,
      peer: peer ? `${peer.perAddedAccount.rssMb} MB (heap ${peer.perAddedAccount.heapUsedMb} MB)` : '—',
      met: mem.perAddedAccount.rssMb <= 4,
    });
    if (mem.small) {
      const sp = 'perAddedAccount' in mem.small.peer ? mem.small.peer : undefined;
      const w = mem.small.wxbot;
      out.push({
        name: `RSS per added account, small world (${w.from} → ${w.to} accounts)`,
        goal: '≤ 1 MB',
        actual: `${w.perAddedAccount.rssMb} MB (heap ${w.perAddedAccount.heapUsedMb} MB)`,
        peer: sp ? `${sp.perAddedAccount.rssMb} MB (heap ${sp.perAddedAccount.heapUsedMb} MB)` : '—',
        met: w.perAddedAccount.rssMb <= 1,
      });
    }
    out.push({
      name: 'RSS, large world, 1 account right after login',
      goal: 'shown beside the peer',
      actual: `${mem.oneAccount.rssMb} MB`,
      peer: peer ? `${peer.oneAccount.rssMb} MB` : '—',
      met: undefined,
    });
  }
  const cold = ok(s.coldStart);
  const coldFloor = cold?.variants?.find((v) => v.floor);
  if (cold)
    out.push({
      name: 'cold start',
      goal: `≤ 250 ms${coldFloor ? `; floor (node + simulator + raw login chain) ${coldFloor.medianMs} ms` : ''}`,
      actual: `${cold.medianMs} ms${coldFloor ? ` (${times(cold.medianMs, coldFloor.medianMs)} the floor)` : ''}`,
      peer: cold.peer && 'medianMs' in cold.peer ? `${cold.peer.medianMs} ms` : '—',
      met: cold.medianMs <= 250,
    });
  out.push(...manyAccountsTargets(ok(s.manyAccounts)), ...storeLatencyTargets(ok(s.storeLatency)));
  return out;
}

/** The process CPU at the ready line, when measured. */
function cpuOf(r: { cpuMedianMs?: number | undefined }): string {
  return r.cpuMedianMs === undefined ? '' : `; process CPU (user + system) at that point: median ${r.cpuMedianMs} ms`;
}

/** Spawn → the first QR event, when the row marks it (the end point before 2026-12-06). */
function qrOf(r: { qrMedianMs?: number | undefined }): string {
  return r.qrMedianMs === undefined ? '' : `; to the first QR event: median ${r.qrMedianMs} ms`;
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
      `\n1–2. Reply latency, injection → webwxsendmsg at the simulator (ms; ${lat.messages} messages per peer, ${lat.chats} chats; wxbot journal: ${lat.wxbotStore}). The ${lat.rateLimiter}.${lat.node === undefined ? '' : ` Processes under test on Node ${lat.node.version} (${lat.node.path}); simulators on this run's node.`}`,
    );
    parts.push(
      `Loopback HTTP round trip (keep-alive): back to back p50 ${fmt(lat.loopbackRttMs.p50)} ms, p90 ${fmt(lat.loopbackRttMs.p90)} ms; after a 4 ms pause (the steady pace) p50 ${fmt(lat.loopbackRttPacedMs.p50)} ms, p90 ${fmt(lat.loopbackRttPacedMs.p90)} ms. Percentiles count unanswered messages as never answered (—).`,
    );
    const f = lat.floor;
    parts.push(
      `Floor (client CPU, node:http, server in another process): keep-alive POST ${f.requestUs} µs; with a ${f.syncBodyBytes}-byte webwxsync answer JSON.parse'd ${f.requestWithSyncParseUs} µs (the parse alone ${f.syncParseUs} µs); the same after a 4 ms pause (the steady pace) ${f.requestWithSyncParsePacedUs} µs. One reply = 4 requests: floor ${f.replyFloorMs} ms back to back, ${f.replyFloorPacedMs} ms at the steady pace.`,
    );
    const rows = [...(lat.before ? latencyRows(lat.before) : []), ...latencyRows(lat.wxbot)].map((r) => [
      ...r,
      times(r[7], f.replyFloorMs),
    ]);
    if ('all' in lat.wechat4u) rows.push(...latencyRows(lat.wechat4u).map((r) => [...r, times(r[7], f.replyFloorMs)]));
    if (lat.minimal !== undefined && 'all' in lat.minimal)
      rows.push(...latencyRows(lat.minimal).map((r) => [...r, times(r[7], f.replyFloorMs)]));
    parts.push(table(['peer', 'phase', 'replied', 'p50', 'p90', 'p99', 'max', 'CPU ms/msg', 'CPU ÷ floor'], rows));
    if (!('all' in lat.wechat4u)) parts.push(`wechat4u: ${lat.wechat4u.skipped}`);
    if (lat.minimal !== undefined && !('all' in lat.minimal)) parts.push(`minimal client: ${lat.minimal.skipped}`);
    if (lat.minimal !== undefined && 'all' in lat.minimal)
      parts.push(
        'minimal client: the floor, what no client on this machine goes below (children/floor-bot.ts: logged in by wechat4u, then only synccheck → webwxsync → JSON.parse → webwxsendmsg per ping on raw keep-alive sockets; no journal, plugins, normaliser, retries or logging).',
      );
    const counts = lat.wxbot.phases
      .filter((ph) => ph.requestsPerMessage !== undefined)
      .map((ph) => {
        const by = Object.entries(ph.requestsPerMessage!).filter(([, n]) => n > 0);
        const total = by.reduce((t, [, n]) => t + n, 0);
        return `${ph.pattern} ${fmt(Math.round(total * 100) / 100)} (${by.map(([e, n]) => `${e} ${n}`).join(', ')})`;
      });
    if (counts.length > 0) parts.push(`wxbot API requests per message: ${counts.join('; ')}.`);
    const x = (v: number | null): string => (v === null ? '—' : `${v}×`);
    if (lat.ratio)
      parts.push(
        `wechat4u ÷ wxbot (>1 = wxbot faster): p50 ${x(lat.ratio.p50)}, p90 ${x(lat.ratio.p90)}, p99 ${x(lat.ratio.p99)}, max ${x(lat.ratio.max)}`,
      );
    parts.push(...renderWarm(lat));
    parts.push(...renderSplit(lat));
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
        [
          ...pipe.rows.map((x) => [
            `${x.workload} (${x.description})`,
            x.messagesPerSec,
            x.usPerMessage,
            x.repliesPerMessage,
            x.messages,
          ]),
          ...(pipe.floor
            ? [
                [
                  `floor: ${pipe.floor.workload} (${pipe.floor.note})`,
                  pipe.floor.messagesPerSec,
                  pipe.floor.usPerMessage,
                  pipe.floor.repliesPerMessage,
                  pipe.floor.messages,
                ],
              ]
            : []),
        ],
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
          memRow(`${mem.accounts} accounts, after ${mem.oneAccountIdle.idleMs / 1000} s idle`, mem.allAccountsIdle),
          [
            'per added account, both idle',
            mem.perAddedAccountIdle.rssMb,
            '',
            '',
            '',
            mem.perAddedAccountIdle.heapUsedMb,
            '',
          ],
          ...('perAddedAccount' in mem.peer
            ? [
                memRow('wechat4u: before login (modules loaded)', mem.peer.baseline),
                memRow(
                  `wechat4u: 1 account (${mem.peer.oneAccount.contactsLoaded} contacts, ${mem.peer.oneAccount.membersLoaded} members)`,
                  mem.peer.oneAccount,
                ),
                memRow(`wechat4u: ${mem.peer.accounts} instances in one process`, mem.peer.allAccounts),
                [
                  'wechat4u: per added account',
                  mem.peer.perAddedAccount.rssMb,
                  '',
                  '',
                  '',
                  mem.peer.perAddedAccount.heapUsedMb,
                  '',
                ],
              ]
            : [[`wechat4u: ${mem.peer.skipped}`, '', '', '', '', '', '']]),
        ],
      ),
    );
    const added = (label: string, a: AddedCost | { skipped: string } | undefined): (string | number)[][] =>
      a === undefined
        ? []
        : 'skipped' in a
          ? [[`${label}: ${a.skipped}`, '', '', '', '']]
          : [
              [
                label,
                `${a.from} → ${a.to}`,
                `${a.atFrom.rssMb} → ${a.atTo.rssMb}`,
                a.perAddedAccount.rssMb,
                a.perAddedAccount.heapUsedMb,
              ],
            ];
    const small = mem.small;
    parts.push(
      `\nAdded cost per account, same run${small ? ` (small world: ${small.world.contacts} contacts, ${small.world.rooms} rooms × ${small.world.membersPerRoom} members)` : ''}:`,
    );
    parts.push(
      table(
        ['process', 'accounts', 'RSS MB', 'RSS per added MB', 'heap per added MB'],
        [
          ...added('wxbot before (--baseline-core), large world', mem.before),
          ...(small
            ? [
                ...added('wxbot, small world', small.wxbot),
                ...added('wxbot before (--baseline-core), small world', small.before),
                ...added('wechat4u, small world', small.peer),
              ]
            : []),
        ],
      ),
    );
  }
  const cold = r.suites.coldStart;
  if (cold && 'error' in cold) parts.push(`\n5. Cold start: FAILED — ${cold.error}`);
  else if (cold) {
    parts.push(
      `\n5. Cold start to the ready banner: median ${cold.medianMs} ms (runs: ${cold.runsMs.join(', ')})${cpuOf(cold)}${cold.inProcessMedianMs === undefined ? '' : `; inside the process ${cold.inProcessMedianMs} ms`}. ${cold.command}${cold.node === undefined ? '' : ` (Node ${cold.node.version}, ${cold.node.path})`}. ${cold.note}`,
    );
    if (cold.peer)
      parts.push(
        'medianMs' in cold.peer
          ? `   wechat4u, same steps (simulator in its process, login, webwxinit → its 'login' event), runs interleaved: median ${cold.peer.medianMs} ms (runs: ${cold.peer.runsMs.join(', ')})${cpuOf(cold.peer)}${qrOf(cold.peer)}`
          : `   wechat4u: ${cold.peer.skipped}`,
      );
    for (const v of cold.variants ?? [])
      parts.push(
        `   ${v.label}, runs interleaved: median ${v.medianMs} ms (runs: ${v.runsMs.join(', ')})${cpuOf(v)}${qrOf(v)}. ${v.command}`,
      );
  }
  if (r.suites.faults) parts.push(renderFaults(r.suites.faults));
  if (r.suites.failover) parts.push(renderFailover(r.suites.failover));
  if (r.suites.manyAccounts) parts.push(renderManyAccounts(r.suites.manyAccounts));
  if (r.suites.storeLatency) parts.push(renderStoreLatency(r.suites.storeLatency));
  if (r.targets.length > 0) {
    parts.push('\nTargets:');
    parts.push(
      table(
        ['target', 'goal', 'wxbot', 'wechat4u', 'met'],
        r.targets.map((t) => [
          t.name,
          t.goal,
          t.actual,
          t.peer ?? '',
          t.met === undefined ? 'n/a' : t.met ? 'yes' : 'NO',
        ]),
      ),
    );
  }
  const il = r.suites.ilinkLatency;
  if (il && 'error' in il) parts.push(`\n7. Reply latency on the iLink transport: FAILED — ${il.error}`);
  else if (il) {
    parts.push(
      `\n7. Reply latency on the iLink transport, injection → sendmessage at the simulated iLink server (ms; ${il.users} users; ${il.note}; login ${fmt(il.loginMs)} ms).`,
    );
    parts.push(
      table(
        ['phase', 'gap ms', 'replied', 'p50', 'p90', 'p99', 'max', 'mean'],
        il.phases.map((p) => [
          p.phase,
          p.gapMs,
          `${p.replied}/${p.messages}`,
          fmt(p.latencyMs.p50),
          fmt(p.latencyMs.p90),
          fmt(p.latencyMs.p99),
          fmt(p.latencyMs.max),
          fmt(p.latencyMs.mean),
        ]),
      ),
    );
  }
  return parts.join('\n');
}

function memRow(state: string, m: MemorySnapshot): (string | number)[] {
  return [state, m.rssMb, m.fileBackedMb ?? '', m.anonymousMb ?? '', m.heapTotalMb, m.heapUsedMb, m.externalMb];
}
