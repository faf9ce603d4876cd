import type { FriendRequestInfo, KeyValueStore } from '@wxbot/core';

export const WAITING_KEY = 'waiting';

/** A request waiting for its paced slot, kept in storage so a restart does not drop it. */
export interface WaitingRequest {
  readonly request: FriendRequestInfo;
  /** Epoch ms it was queued (kept when a repeated request refreshes the ticket). */
  readonly queuedAt: number;
  /** Set just before the accept is sent: found after a restart, its outcome is unknown. */
  readonly started?: true;
}

function isWaiting(v: unknown): v is [string, WaitingRequest] {
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'string') return false;
  const entry = v[1] as Partial<WaitingRequest> | null;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.queuedAt === 'number' &&
    typeof entry.request?.userName === 'string' &&
    typeof entry.request.ticket === 'string'
  );
}

/**
 * The waiting requests, mirrored to storage on every change. Writes are
 * chained (each a snapshot) so concurrent changes never land out of order.
 */
export class WaitingStore {
  readonly #storage: KeyValueStore;
  readonly #entries = new Map<string, WaitingRequest>();
  #writes: Promise<void> = Promise.resolve();

  constructor(storage: KeyValueStore) {
    this.#storage = storage;
  }

  /** Reads what an earlier run left; entries that are not waiting requests are counted and skipped. */
  async load(): Promise<{ entries: Map<string, WaitingRequest>; skipped: number }> {
    const stored = await this.#storage.get(WAITING_KEY);
    const list = Array.isArray(stored) ? (stored as unknown[]) : [];
    let skipped = stored === undefined || Array.isArray(stored) ? 0 : 1;
    for (const item of list) {
      if (isWaiting(item)) this.#entries.set(item[0], item[1]);
      else skipped++;
    }
    return { entries: new Map(this.#entries), skipped };
  }

  get(key: string): WaitingRequest | undefined {
    return this.#entries.get(key);
  }

  set(key: string, entry: WaitingRequest): Promise<void> {
    this.#entries.set(key, entry);
    return this.#save();
  }

  delete(key: string): Promise<void> {
    this.#entries.delete(key);
    return this.#save();
  }

  #save(): Promise<void> {
    const snapshot = [...this.#entries];
    const write = this.#writes.then(() => this.#storage.set(WAITING_KEY, snapshot));
    this.#writes = write.catch(() => undefined);
    return write;
  }
}
