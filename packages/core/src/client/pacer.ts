import { TokenBucket } from '../util/token-bucket.js';
import type { Bucket, SharedBucket } from './types.js';

/**
 * The pace of one action class: the in-process token bucket, or a bucket
 * shared by every process serving the account (a cluster of workers) when
 * one is given. The local bucket always reports the rate factor.
 */
export class Pacer {
  private readonly local: TokenBucket;

  constructor(
    limits: Bucket,
    private readonly shared?: SharedBucket,
  ) {
    this.local = new TokenBucket(limits.burst, limits.perSecond);
  }

  /**
   * Ms to wait for a token (0: taken). The shared bucket unreachable (Redis down) must not fail a send: the
   * local one paces meanwhile. `reserve` (tokens a bulk send must leave for replies) applies to the local
   * bucket only: the shared bucket keeps the account's total rate across workers, the lanes are per process.
   */
  async take(reserve = 0): Promise<number> {
    if (this.shared === undefined) return this.local.take(reserve);
    try {
      return await this.shared.take();
    } catch {
      return this.local.take(reserve);
    }
  }

  /** The configured burst. */
  get size(): number {
    return this.local.size;
  }

  /** The server said 1205: slow down here and, through the shared bucket, in every worker. */
  async penalise(): Promise<void> {
    this.local.penalise();
    await this.shared?.penalise().catch(() => undefined);
  }

  get rateFactor(): number {
    return this.local.rateFactor;
  }
}
