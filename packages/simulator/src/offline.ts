/**
 * Messages that arrive while no web session is live. The real server keeps
 * them for the account and hands them to the next web login through its
 * first webwxsync, with their original CreateTime: that is the history a
 * bot sees right after a fresh QR login, and what a session that died
 * (1101) would otherwise lose between its death and the next login.
 */

import type { Session } from './session.js';

export class OfflineQueue {
  private items: Array<(s: Session) => void> = [];

  /** `limit`: how many are kept (the oldest go first); 0 keeps none. */
  constructor(private readonly limit: number) {}

  /** Keeps one message; `queue` pushes it into a session's sync stream, with that session's UserNames. */
  add(queue: (s: Session) => void): void {
    if (this.limit <= 0) return;
    this.items.push(queue);
    if (this.items.length > this.limit) this.items.splice(0, this.items.length - this.limit);
  }

  /** Hands everything kept to a session, after the SyncKey its webwxinit answered with. */
  flush(s: Session): void {
    const items = this.items;
    this.items = [];
    for (const queue of items) queue(s);
  }

  get size(): number {
    return this.items.length;
  }
}
