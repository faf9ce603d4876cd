/** The latency tables' cells: numbers as the tables print them, and a peer's phases as rows. */
import type { PeerLatency } from './suites/latency.js';

/** A target's results, or undefined where it was skipped or not run. */
export const full = (p: PeerLatency | { skipped: string } | undefined): PeerLatency | undefined =>
  p !== undefined && 'all' in p ? p : undefined;

export function fmt(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

/** `a ÷ b` as "2.9×" (a table cell may be passed as printed); "—" where either side has no number. */
export function times(a: string | number | null | undefined, b: number | null | undefined): string {
  const v = Number(a ?? NaN);
  return Number.isFinite(v) && b !== null && b !== undefined && b > 0 ? `${(v / b).toFixed(1)}×` : '—';
}

export function latencyRows(p: PeerLatency): (string | number)[][] {
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
