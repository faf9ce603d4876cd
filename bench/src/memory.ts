import { setTimeout as sleep } from 'node:timers/promises';

export interface MemorySnapshot {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  arrayBuffersMb: number;
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
    rssMb: r1(m.rss),
    heapUsedMb: r1(m.heapUsed),
    heapTotalMb: r1(m.heapTotal),
    externalMb: r1(m.external),
    arrayBuffersMb: r1(m.arrayBuffers),
    gc: gc !== undefined,
  };
}
