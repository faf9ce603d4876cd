/**
 * Where each latency phase's time went (issue 20's "profile, and say where the rest goes", in every run):
 * the process CPU split into its main thread, its other threads and the main thread's GC pauses, and for
 * the bursty phase each burst's first and last reply.
 */
import { fmt, full } from './latency-rows.js';
import type { LatencyResult, PeerLatency } from './suites/latency.js';
import { table } from './table.js';

function rows(p: PeerLatency, pass: string): string[][] {
  return p.phases.map((ph) => {
    const s = ph.cpuSplit;
    const b = ph.bursts;
    return [
      p.peer,
      pass,
      ph.pattern,
      fmt(ph.cpuMsPerMessage),
      s ? fmt(s.mainMsPerMessage) : '—',
      s ? fmt(s.otherThreadsMsPerMessage) : '—',
      s ? fmt(s.gcPauseMsPerMessage) : '—',
      s?.mainRunsPerMessage !== undefined ? fmt(s.mainRunsPerMessage) : '—',
      b ? fmt(b.firstReplyMs.p50) : '',
      b ? `${fmt(b.lastReplyMs.p50)} / ${fmt(b.lastReplyMs.p90)} / ${fmt(b.lastReplyMs.max)}` : '',
      b ? fmt(b.spreadMs.p50) : '',
    ];
  });
}

/** The table, or nothing when no phase carries a split (an older results file, or not Linux). */
export function renderSplit(lat: LatencyResult): string[] {
  const fresh = [lat.before, lat.wxbot, full(lat.wechat4u), full(lat.minimal)];
  const w = lat.warm;
  const warm = w ? [w.before, w.wxbot, full(w.wechat4u), full(w.minimal)] : [];
  const body = [
    ...fresh.flatMap((p) => (p ? rows(p, 'fresh') : [])),
    ...warm.flatMap((p) => (p ? rows(p, 'warm') : [])),
  ];
  if (!body.some((r) => r[4] !== '—' || r[8] !== '')) return [];
  return [
    "\nWhere the time goes, per message (ms): the process CPU above, split into its main thread and its other threads (V8 compiling in the background and its GC helpers, libuv's pool), and the main thread's GC pauses (inside its share); wake-ups: how often the main thread was put on a CPU, per message (each a trip through the kernel's scheduler, on a VM often with a cold cache). Bursty: each burst's first and last reply after its first injection (the first is the read: synccheck, the webwxsync that brings the burst, the first handler; first → last is answering the rest), over the phase's bursts; the minimal client's last reply is the floor this simulator allows.",
    table(
      [
        'peer',
        'pass',
        'phase',
        'CPU',
        'main thread',
        'other threads',
        'GC pauses',
        'wake-ups',
        'burst: first reply p50',
        'last reply p50 / p90 / max',
        'first → last p50',
      ],
      body,
    ),
  ];
}
