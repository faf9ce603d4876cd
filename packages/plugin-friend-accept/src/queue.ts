/** A cancellable timer, as `ctx.setTimeout` returns. */
export interface Timer {
  cancel(): void;
}

export interface PaceOptions {
  readonly minMs: number;
  readonly maxMs: number;
  readonly random: () => number;
  readonly now: () => number;
  readonly setTimer: (run: () => void, ms: number) => Timer;
}

/**
 * Runs jobs one after another with a random gap in [minMs, maxMs] before
 * each, measured from the previous job's slot: a storm of requests is
 * accepted at a human pace, never in a burst.
 */
export class Pacer {
  readonly #o: PaceOptions;
  #lastSlot = 0;

  constructor(options: PaceOptions) {
    this.#o = options;
  }

  /** Schedules `job`; resolves the delay chosen (ms from now). */
  schedule(job: () => void): { delayMs: number; timer: Timer } {
    const { minMs, maxMs, random, now } = this.#o;
    const gap = minMs + Math.floor(random() * (maxMs - minMs + 1));
    // One reading of the clock: two could straddle a millisecond and make the
    // delay -1, which a timer refuses (a request then never got its slot).
    const at = now();
    const slot = Math.max(at, this.#lastSlot) + Math.min(gap, maxMs);
    this.#lastSlot = slot;
    const delayMs = slot - at;
    return { delayMs, timer: this.#o.setTimer(job, delayMs) };
  }
}
