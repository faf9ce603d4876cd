/**
 * The outbox's two lanes. An interactive action (a handler's reply, any single action) goes before
 * bulk ones (`lane: 'bulk'`, e.g. `ctx.bulkSend`), within the same rate limits: bulk actions never
 * hold a class's last free slot and never take its last reserved tokens, and a freed slot goes to a
 * waiting interactive action first. So a reply is not stuck behind a 200-message bulk send.
 */

/** Which lane an action runs in. */
export type Lane = 'interactive' | 'bulk';

/** A FIFO counting semaphore per lane: interactive waiters are served first; bulk leaves one slot free. */
export class LaneSlots {
  private used = 0;
  private readonly waiting: Record<Lane, Array<() => void>> = { interactive: [], bulk: [] };

  constructor(private readonly limit: number) {}

  /** Bulk may use all slots but one (all of them when the class has only one). */
  private get bulkLimit(): number {
    return this.limit > 1 ? this.limit - 1 : 1;
  }

  acquire(lane: Lane = 'interactive'): Promise<void> {
    if (this.used < (lane === 'bulk' ? this.bulkLimit : this.limit) && this.waiting[lane].length === 0) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting[lane].push(resolve));
  }

  release(): void {
    this.used--;
    const next = this.waiting.interactive.shift();
    if (next !== undefined) {
      this.used++;
      next();
      return;
    }
    if (this.used < this.bulkLimit) {
      const bulk = this.waiting.bulk.shift();
      if (bulk !== undefined) {
        this.used++;
        bulk();
      }
    }
  }
}

/** Tokens a bulk action leaves in a class's bucket for interactive ones (fewer when the burst is small). */
export function bulkReserve(burst: number): number {
  return Math.max(0, Math.min(2, Math.floor(burst) - 1));
}
