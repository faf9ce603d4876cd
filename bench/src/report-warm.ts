/**
 * The latency suite's warm pass (issue 20): its table, and its target rows — CPU per reply in the steady
 * phase, and the bursty phase against wechat4u — beside the fresh-process rows, which keep the JIT
 * compilation of a new process in them.
 */
import { fmt, full, latencyRows, times } from './latency-rows.js';
import type { LatencyPhase, LatencyResult, PeerLatency, WarmLatency } from './suites/latency.js';
import { table } from './table.js';
import type { Target } from './target.js';

const phaseOf = (p: PeerLatency | undefined, pattern: string): LatencyPhase | undefined =>
  p?.phases.find((ph) => ph.pattern === pattern);

/** The warm pass's table and what was skipped, or nothing when the run had none. */
export function renderWarm(lat: LatencyResult): string[] {
  const w = lat.warm;
  if (w === undefined) return [];
  const peers = [w.before, w.wxbot, full(w.wechat4u), full(w.minimal)].filter((p) => p !== undefined);
  const parts = [
    `\nWarm (${w.note}):`,
    table(
      ['peer', 'phase', 'replied', 'p50', 'p90', 'p99', 'max', 'CPU ms/msg'],
      peers.flatMap((p) => latencyRows(p)),
    ),
  ];
  for (const p of [w.wechat4u, w.minimal]) if (p !== undefined && 'skipped' in p) parts.push(p.skipped);
  return parts;
}

/** wechat4u ÷ wxbot for one warm bursty figure (> 1 = wxbot better). */
function better(w: WarmLatency, pick: (p: LatencyPhase) => number | null): number | null {
  const a = phaseOf(w.wxbot, 'bursty');
  const b = phaseOf(full(w.wechat4u), 'bursty');
  const x = a ? pick(a) : null;
  const y = b ? pick(b) : null;
  return x === null || y === null || x === 0 ? null : Math.round((y / x) * 100) / 100;
}

/** The warm rows of the targets table. */
export function warmTargets(lat: LatencyResult | undefined): Target[] {
  const w = lat?.warm;
  if (w === undefined) return [];
  const steady = phaseOf(w.wxbot, 'steady')?.cpuMsPerMessage ?? null;
  const minimal = phaseOf(full(w.minimal), 'steady')?.cpuMsPerMessage ?? null;
  const peer = phaseOf(full(w.wechat4u), 'steady')?.cpuMsPerMessage ?? null;
  const rows: Target[] = [
    {
      name: 'CPU per reply, steady, warm (ms)',
      goal: `≤ 0.6 ms; the minimal client, warm: ${fmt(minimal)}`,
      actual:
        steady === null || minimal === null || peer === null
          ? fmt(steady)
          : `${fmt(steady)} (${times(steady, minimal)} the minimal client; wechat4u ${times(peer, steady)} of it)`,
      peer: fmt(peer),
      met: steady === null ? false : steady <= 0.6,
    },
  ];
  if (full(w.wechat4u) === undefined) return rows;
  const ratios = [
    better(w, (p) => p.latencyMs.p50),
    better(w, (p) => p.latencyMs.p90),
    better(w, (p) => p.latencyMs.p99),
    better(w, (p) => p.cpuMsPerMessage),
  ];
  const bursty = phaseOf(w.wxbot, 'bursty');
  rows.push({
    name: 'bursty p50 / p90 / p99 / CPU vs wechat4u, warm',
    goal: '≥ 1.5× better, each',
    actual: `${fmt(bursty?.latencyMs.p50)} ms p50, ${fmt(bursty?.cpuMsPerMessage)} ms CPU (${ratios.map((r) => (r === null ? '—' : `${r}×`)).join(' / ')})`,
    peer: `${fmt(phaseOf(full(w.wechat4u), 'bursty')?.latencyMs.p50)} ms p50`,
    met: ratios.every((r) => r !== null && r >= 1.5),
  });
  return rows;
}
