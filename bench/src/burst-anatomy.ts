/**
 * The bursty phase burst by burst: when a burst's first reply left and when its last one did, from the
 * burst's first injection. The first reply is the read (synccheck's signal, the webwxsync that brings the
 * burst, the first handler); the gap to the last is how fast the client answers a hundred messages in a
 * row. A bursty p99 is the last replies of the worst bursts, so this is the profile of the tail.
 */
import { summarize, type LatencySummary } from './stats.js';

export interface BurstAnatomy {
  bursts: number;
  /** First reply of each burst, ms after the burst's first injection. */
  firstReplyMs: LatencySummary;
  /** Last reply of each burst (a burst with an unanswered message counts as never finished). */
  lastReplyMs: LatencySummary;
  /** Last − first, per burst that finished: the time the client took to answer the rest of it. */
  spreadMs: LatencySummary;
}

/** Collects replies per burst as they arrive (the simulator child's side of the phase). */
export class BurstClock {
  private readonly started: number[] = [];
  private readonly size: number[] = [];
  private readonly first: number[] = [];
  private readonly last: number[] = [];
  private readonly replied: number[] = [];
  private readonly burstOf = new Map<number, number>();

  /** A burst begins at `at`; returns its index. */
  begin(at: number): number {
    this.started.push(at);
    this.size.push(0);
    this.first.push(Infinity);
    this.last.push(-Infinity);
    this.replied.push(0);
    return this.started.length - 1;
  }

  /** Message `id` was injected as part of burst `burst`. */
  add(burst: number, id: number): void {
    this.burstOf.set(id, burst);
    this.size[burst]!++;
  }

  /** Message `id`'s reply arrived at `at` (the same clock as `begin`); unknown or repeated ids are ignored. */
  reply(id: number, at: number): void {
    const b = this.burstOf.get(id);
    if (b === undefined) return;
    this.burstOf.delete(id);
    this.replied[b]!++;
    if (at < this.first[b]!) this.first[b] = at;
    if (at > this.last[b]!) this.last[b] = at;
  }

  anatomy(): BurstAnatomy {
    const firsts: number[] = [];
    const lasts: number[] = [];
    const spreads: number[] = [];
    for (let b = 0; b < this.started.length; b++) {
      if (this.replied[b]! > 0) firsts.push(this.first[b]! - this.started[b]!);
      if (this.replied[b] === this.size[b] && this.size[b]! > 0) {
        lasts.push(this.last[b]! - this.started[b]!);
        spreads.push(this.last[b]! - this.first[b]!);
      }
    }
    const n = this.started.length;
    return {
      bursts: n,
      firstReplyMs: summarize(firsts, n),
      lastReplyMs: summarize(lasts, n),
      spreadMs: summarize(spreads, n),
    };
  }
}
