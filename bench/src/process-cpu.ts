/**
 * Where a bench child's CPU goes, read from inside it: the whole process (user + system), its main thread
 * alone, and the time V8's GC held the main thread. What the process spent beyond its main thread is V8's
 * and libuv's worker threads (background JIT compilation, concurrent marking, the file system pool): a
 * `.cpuprofile` never shows it, and a fresh process spends a fifth to two fifths of its CPU there.
 */
import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';

export interface ProcessCpu {
  /** CPU of the whole process so far, µs (`process.cpuUsage`). */
  user: number;
  system: number;
  /** On-CPU time of the main thread so far, µs (`/proc/self/task/<pid>/schedstat`); absent off Linux. */
  mainUs?: number;
  /** Times the main thread was put on a CPU so far (the same file): its wake-ups, each with a kernel's price. */
  mainRuns?: number;
  /** GC pauses on the main thread so far, ms (the `gc` performance entries since `watchGc`). */
  gcMs: number;
}

let gcMs = 0;
let observer: PerformanceObserver | undefined;

/** Starts summing GC pauses (idempotent). Call it first thing in the child, so a phase's reading is whole. */
export function watchGc(): void {
  if (observer !== undefined) return;
  observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
}

/**
 * A schedstat line: nanoseconds on a CPU, nanoseconds waiting for one, times run. Undefined when the text is
 * not one.
 */
export function parseSchedstat(text: string): { ns: number; runs: number } | undefined {
  const m = /^(\d+)\s+\d+\s+(\d+)\s*$/.exec(text);
  return m === null ? undefined : { ns: Number(m[1]), runs: Number(m[2]) };
}

function mainThread(): { mainUs: number; mainRuns: number } | undefined {
  try {
    const s = parseSchedstat(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8'));
    return s === undefined ? undefined : { mainUs: s.ns / 1000, mainRuns: s.runs };
  } catch {
    return undefined; // not Linux, or no schedstat: the split is left out, the totals stay
  }
}

export function processCpu(): ProcessCpu {
  const { user, system } = process.cpuUsage();
  return { user, system, ...mainThread(), gcMs };
}

/** A phase's split per message (ms), from readings before and after it. */
export interface CpuSplit {
  /** The main thread's share (JavaScript, node's own work, the syscalls it makes). */
  mainMsPerMessage: number;
  /** Everything else the process ran: V8's compiler and GC helper threads, libuv's pool. */
  otherThreadsMsPerMessage: number;
  /** GC pauses on the main thread (part of the main thread's share). */
  gcPauseMsPerMessage: number;
  /** Times the main thread went on a CPU, per message: its wake-ups from waiting on I/O and timers. */
  mainRunsPerMessage?: number;
}

export function cpuSplit(before: ProcessCpu, after: ProcessCpu, messages: number): CpuSplit | undefined {
  if (before.mainUs === undefined || after.mainUs === undefined) return undefined;
  const n = Math.max(1, messages);
  const totalMs = (after.user + after.system - before.user - before.system) / 1000;
  const mainMs = (after.mainUs - before.mainUs) / 1000;
  const r = (v: number): number => Math.round((v / n) * 1000) / 1000;
  return {
    mainMsPerMessage: r(mainMs),
    // The two clocks tick differently (schedstat in ns, cpuUsage by the kernel's accounting): never below 0.
    otherThreadsMsPerMessage: r(Math.max(0, totalMs - mainMs)),
    gcPauseMsPerMessage: r(after.gcMs - before.gcMs),
    ...(before.mainRuns !== undefined && after.mainRuns !== undefined
      ? { mainRunsPerMessage: Math.round(((after.mainRuns - before.mainRuns) / n) * 100) / 100 }
      : {}),
  };
}
