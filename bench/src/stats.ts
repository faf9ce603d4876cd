/** Small statistics helpers for latency samples (milliseconds). */

export interface LatencySummary {
  count: number;
  /** null when that share of messages was never answered (counted as infinitely late). */
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  /** Mean of the answered ones. */
  mean: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** `total` > samples.length: the missing ones count as never answered, so high percentiles become null. */
export function summarize(samples: readonly number[], total = samples.length): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  const at = (p: number): number | null => {
    if (total === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * total));
    return rank <= sorted.length ? round(sorted[rank - 1]!) : null;
  };
  return {
    count: sorted.length,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max: sorted.length === total && total > 0 ? round(sorted.at(-1)!) : null,
    mean: round(sorted.length ? sum / sorted.length : Number.NaN),
  };
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** Three significant decimals are plenty for milliseconds; keeps the JSON readable. */
export function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export const MB = 1024 * 1024;
export function mb(bytes: number): number {
  return round(bytes / MB, 1);
}
