import type { SessionStore } from '@wxbot/core';
import { BoundedSet, Journal } from '@wxbot/core/client';

/** One event to deliver to one hook. */
export interface Delivery {
  /** `<hook>:<event id>`: the idempotency key receivers dedupe on. */
  readonly id: string;
  readonly hook: string;
  /** The JSON body, exactly as signed and sent on every attempt. */
  readonly body: string;
  readonly account: string;
  /** Stable id (or UserName) of the chat a reply goes to; undefined for account events. */
  readonly chat: string | undefined;
  /** The message a reply answers (the send's cause: a replay after a crash does not send it twice). */
  readonly messageId: string | undefined;
  readonly createdAt: number;
}

interface Doc {
  version: 1;
  pending: Delivery[];
  done: string[];
}

type DeliveryRecord = { a: Delivery } | { d: string };

function isDelivery(v: unknown): v is Delivery {
  const d = v as Partial<Delivery> | null;
  return (
    typeof d === 'object' &&
    d !== null &&
    typeof d.id === 'string' &&
    typeof d.hook === 'string' &&
    typeof d.body === 'string'
  );
}

/**
 * The webhook outbox, on core's write-ahead journal (the inbox's): a delivery is journaled before
 * anyone is told it was accepted, and leaves with one `done` record once the receiver answered 2xx.
 * The bounded `done` set keeps a replayed event (a message handed over again after a crash) from
 * being delivered again.
 */
export class DeliveryJournal {
  readonly #pending = new Map<string, Delivery>();
  #done: BoundedSet;
  readonly #journal: Journal<DeliveryRecord>;

  constructor(
    store: SessionStore,
    key: string,
    private readonly remember: number,
    onError: (err: unknown) => void,
  ) {
    this.#done = new BoundedSet(remember);
    this.#journal = new Journal<DeliveryRecord>(
      store,
      key,
      {
        snapshot: (): Doc => ({ version: 1, pending: [...this.#pending.values()], done: this.#done.toArray() }),
        restore: (doc, records) => {
          this.#restore(doc, records);
        },
      },
      { onError },
    );
  }

  #restore(doc: unknown, records: readonly DeliveryRecord[]): void {
    this.#pending.clear();
    this.#done = new BoundedSet(this.remember);
    const d = doc as Partial<Doc> | undefined;
    for (const id of Array.isArray(d?.done) ? d.done : []) if (typeof id === 'string') this.#done.add(id);
    for (const p of Array.isArray(d?.pending) ? d.pending : [])
      if (isDelivery(p) && !this.#done.has(p.id)) this.#pending.set(p.id, p);
    for (const r of records) {
      if (r !== null && typeof r === 'object' && 'a' in r && isDelivery(r.a)) {
        if (!this.#done.has(r.a.id)) this.#pending.set(r.a.id, r.a);
      } else if (r !== null && typeof r === 'object' && 'd' in r && typeof r.d === 'string') {
        this.#pending.delete(r.d);
        this.#done.add(r.d);
      }
    }
  }

  load(): Promise<void> {
    return this.#journal.load();
  }

  /** Journals a new delivery; false (nothing written) when it is already pending or delivered. */
  add(delivery: Delivery): Promise<boolean> {
    if (this.#pending.has(delivery.id) || this.#done.has(delivery.id)) return Promise.resolve(false);
    this.#pending.set(delivery.id, delivery);
    return this.#journal.write({ a: delivery }).then(() => true);
  }

  /** Marks a delivery made: one appended record, so a crash leaves it either pending or done. */
  done(id: string): Promise<void> {
    if (!this.#pending.delete(id)) return Promise.resolve();
    this.#done.add(id);
    return this.#journal.write({ d: id });
  }

  pending(): IterableIterator<Delivery> {
    return this.#pending.values();
  }

  get size(): number {
    return this.#pending.size;
  }

  oldestAt(): number | undefined {
    let oldest: number | undefined;
    for (const d of this.#pending.values()) if (oldest === undefined || d.createdAt < oldest) oldest = d.createdAt;
    return oldest;
  }

  close(): Promise<void> {
    return this.#journal.close();
  }

  /** Lets go of the file without folding, as a killed process does (tests). */
  release(): Promise<void> {
    return this.#journal.release();
  }
}
