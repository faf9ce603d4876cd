/**
 * A token bucket: `burst` tokens at once, refilled at `perSecond`. `take()`
 * says how long to wait for the next token instead of sleeping itself, so the
 * caller can combine it with jitter and cancellation.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  /** Multiplier (≤ 1) on the refill rate after the server rate-limited us. */
  private slowdown = 1;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(burst >= 1) || !(perSecond > 0))
      throw new RangeError(`token bucket needs burst >= 1 and perSecond > 0 (got ${burst}, ${perSecond})`);
    this.tokens = burst;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    const elapsed = Math.max(0, t - this.last) / 1000;
    this.last = t;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.perSecond * this.slowdown);
    // Recover gently towards full speed while things go well.
    if (this.slowdown < 1) this.slowdown = Math.min(1, this.slowdown + elapsed / 60);
  }

  /**
   * Takes a token if one is available (returns 0), else returns ms until one is. With `reserve`, only
   * a token beyond that many is taken: what the outbox's bulk lane leaves for interactive actions.
   */
  take(reserve = 0): number {
    this.refill();
    const need = 1 + Math.min(reserve, Math.max(0, this.burst - 1));
    if (this.tokens >= need) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((need - this.tokens) / (this.perSecond * this.slowdown)) * 1000);
  }

  /** The configured burst (bucket size). */
  get size(): number {
    return this.burst;
  }

  /** The server said 1205: empty the bucket and halve the rate for a while. */
  penalise(): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
    this.slowdown = Math.max(0.125, this.slowdown / 2);
  }

  /** Current rate multiplier (1 = configured speed). */
  get rateFactor(): number {
    return this.slowdown;
  }
}
