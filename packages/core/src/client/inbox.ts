import type { Logger } from 'pino';
import type { RawMessage } from '../protocol/wire.js';
import type { SessionStore } from '../session/types.js';
import { BoundedSet, DocWriter } from './journal.js';
import type { IncomingMessage, MessageHandler } from './types.js';
import { settledWithin } from '../util/settled-within.js';

interface InboxDoc {
  version: 1;
  pending: IncomingMessage[];
  done: string[];
}

function isInboxDoc(v: unknown): v is InboxDoc {
  return (
    v !== null && typeof v === 'object' && Array.isArray((v as InboxDoc).pending) && Array.isArray((v as InboxDoc).done)
  );
}

/**
 * The durable inbox. `accept()` journals new entries (deduped by MsgId) and
 * resolves once the journal is durable — only then may the caller persist the
 * SyncKey that covers them. Delivery never blocks the caller; an entry leaves
 * the journal (and joins the persisted, bounded `done` set) when the handler's
 * promise settles.
 */
export class Inbox {
  private readonly pending = new Map<string, IncomingMessage>();
  private readonly inflight = new Set<string>();
  private done: BoundedSet;
  private handler: MessageHandler | undefined;
  private readonly writer: DocWriter;
  private settledWaiters: Array<() => void> = [];
  /** Optional gate: delivery waits for it (e.g. unknown contacts being fetched). */
  beforeDeliver: ((msgs: readonly IncomingMessage[]) => Promise<void>) | undefined;

  constructor(
    store: SessionStore,
    key: string,
    private readonly dedupeSize: number,
    private readonly log: Logger,
    private readonly onHandlerError: (err: Error, msg: IncomingMessage) => void,
  ) {
    this.done = new BoundedSet(dedupeSize);
    this.writer = new DocWriter(store, key, () => this.snapshot());
    this.storeRef = { store, key };
  }

  private readonly storeRef: { store: SessionStore; key: string };

  /** Loads the journal: pending entries are re-delivered, done ids keep deduping. */
  async load(): Promise<void> {
    const doc = await this.storeRef.store.get(this.storeRef.key);
    if (doc === undefined) return;
    if (!isInboxDoc(doc)) {
      this.log.warn({ key: this.storeRef.key }, 'inbox journal unreadable; starting empty');
      return;
    }
    this.done = new BoundedSet(this.dedupeSize);
    for (const id of doc.done) if (typeof id === 'string') this.done.add(id);
    for (const m of doc.pending) {
      if (m && m.raw && typeof m.raw.MsgId === 'string' && !this.done.has(m.raw.MsgId))
        this.pending.set(m.raw.MsgId, m);
    }
  }

  private snapshot(): InboxDoc {
    return { version: 1, pending: [...this.pending.values()], done: this.done.toArray() };
  }

  /** True when this MsgId was already journaled or handled. */
  seen(msgId: string): boolean {
    return this.done.has(msgId) || this.pending.has(msgId);
  }

  /** Journals new entries durably; returns the ones that were new. */
  async accept(entries: ReadonlyArray<{ raw: RawMessage; sentByBot: boolean }>): Promise<IncomingMessage[]> {
    const fresh: IncomingMessage[] = [];
    const now = Date.now();
    for (const e of entries) {
      const id = e.raw.MsgId;
      if (this.seen(id)) continue;
      const msg: IncomingMessage = { raw: e.raw, sentByBot: e.sentByBot, receivedAt: now };
      this.pending.set(id, msg);
      fresh.push(msg);
    }
    if (fresh.length > 0) await this.writer.save();
    return fresh;
  }

  setHandler(handler: MessageHandler): void {
    this.handler = handler;
    this.deliverPending();
  }

  /** Starts delivery of every journaled entry not yet in flight. Never awaits the handler. */
  deliverPending(): void {
    const handler = this.handler;
    if (!handler) return;
    const batch = [...this.pending.values()].filter((m) => !this.inflight.has(m.raw.MsgId));
    if (batch.length === 0) return;
    for (const m of batch) this.inflight.add(m.raw.MsgId);
    const gate = this.beforeDeliver ? this.beforeDeliver(batch).catch(() => undefined) : Promise.resolve();
    void gate.then(() => {
      for (const m of batch) this.run(handler, m);
    });
  }

  private run(handler: MessageHandler, m: IncomingMessage): void {
    let p: Promise<void>;
    try {
      p = Promise.resolve(handler(m));
    } catch (err) {
      p = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    p.catch((err: unknown) => {
      this.onHandlerError(err instanceof Error ? err : new Error(String(err)), m);
    }).finally(() => {
      this.pending.delete(m.raw.MsgId);
      this.inflight.delete(m.raw.MsgId);
      this.done.add(m.raw.MsgId);
      this.writer.save().catch((err: unknown) => {
        this.log.error({ err }, 'inbox journal write failed');
      });
      if (this.inflight.size === 0) {
        const w = this.settledWaiters;
        this.settledWaiters = [];
        for (const f of w) f();
      }
    });
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  get inflightCount(): number {
    return this.inflight.size;
  }

  /** Resolves when no handler is running, or after `timeoutMs`. */
  async idle(timeoutMs: number): Promise<boolean> {
    if (this.inflight.size === 0) {
      await this.writer.save();
      return true;
    }
    const ok = await settledWithin((settle) => this.settledWaiters.push(settle), timeoutMs);
    await this.writer.save();
    return ok;
  }

  /** Persists the current state (done marks). */
  flush(): Promise<void> {
    return this.writer.save();
  }
}
