/** The pipeline suite's timed loop, shared by its rows and its floor so both are measured alike. */
import { performance } from 'node:perf_hooks';

import { round } from '../stats.js';

export interface LoopRow {
  messages: number;
  seconds: number;
  messagesPerSec: number;
  /** Mean cost of one message, microseconds. */
  usPerMessage: number;
  repliesPerMessage: number;
}

/**
 * Runs `one` 20,000 times unmeasured (100 with `smoke`), then in batches of 500, each call awaited, until
 * 1,000,000 calls or 4 s (2,000 or 250 ms); `replies` counts the replies made so far.
 */
export async function timeLoop(
  one: () => Promise<void>,
  replies: () => number,
  o: { smoke: boolean },
): Promise<LoopRow> {
  const warm = o.smoke ? 100 : 20_000;
  for (let i = 0; i < warm; i++) await one();
  const maxCount = o.smoke ? 2_000 : 1_000_000;
  const maxMs = o.smoke ? 250 : 4_000;
  const before = replies();
  const t = performance.now();
  let n = 0;
  while (n < maxCount) {
    for (let i = 0; i < 500; i++) await one();
    n += 500;
    if (performance.now() - t > maxMs) break;
  }
  const seconds = (performance.now() - t) / 1000;
  return {
    messages: n,
    seconds: round(seconds, 2),
    messagesPerSec: Math.round(n / seconds),
    usPerMessage: round((seconds * 1e6) / n, 2),
    repliesPerMessage: round((replies() - before) / n, 2),
  };
}
