import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface MemorySnapshot {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  arrayBuffersMb: number;
  /**
   * Linux only (/proc/self/smaps_rollup): RSS split into pages backed by files
   * (the node binary and shared libraries: clean, shared, not the bot's data)
   * and anonymous pages (V8 heap, malloc, stacks).
   */
  fileBackedMb?: number;
  anonymousMb?: number;
}

const MB = 1024 * 1024;
const r1 = (n: number): number => Math.round((n / MB) * 10) / 10;

/** Memory after full GCs (needs --expose-gc; without it the numbers include garbage and say so). */
export async function memorySnapshot(): Promise<MemorySnapshot & { gc: boolean }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3 && gc; i++) {
    gc();
    await sleep(20);
  }
  const m = process.memoryUsage();
  return {
    ...rssSplit(),
    rssMb: r1(m.rss),
    heapUsedMb: r1(m.heapUsed),
    heapTotalMb: r1(m.heapTotal),
    externalMb: r1(m.external),
    arrayBuffersMb: r1(m.arrayBuffers),
    gc: gc !== undefined,
  };
}

function rssSplit(): { fileBackedMb?: number; anonymousMb?: number } {
  let text: string;
  try {
    text = readFileSync('/proc/self/smaps_rollup', 'utf8');
  } catch {
    return {};
  }
  const kb = (key: string): number | undefined => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    return m?.[1] === undefined ? undefined : Number(m[1]);
  };
  const rss = kb('Rss');
  const anon = kb('Anonymous');
  if (rss === undefined || anon === undefined) return {};
  return { fileBackedMb: r1((rss - anon) * 1024), anonymousMb: r1(anon * 1024) };
}
