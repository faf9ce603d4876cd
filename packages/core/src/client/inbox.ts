import type { Logger } from 'pino';
import type { RawMessage } from '../wire/types.js';
import type { SessionStore } from '../session/types.js';
import { BoundedSet, Journal } from './journal.js';
import type { IncomingMessage, MessageHandler } from './types.js';
import { settledWithin } from '../util/settled-within.js';

interface InboxDoc {
  version: 1;
  pending: IncomingMessage[];
  done: string[];
}

/** Log records: an entry accepted, or an entry handled. */
type InboxRecord = { a: IncomingMessage } | { d: string };

function isInboxDoc(v: unknown): v is InboxDoc {
  return (
    v !== null && typeof v === 'object' && Array.isArray((v as InboxDoc).pending) && Array.isArray((v as InboxDoc).done)
  );
}

function isEntry(m: unknown): m is IncomingMessage {
  return m !== null && typeof m === 'object' && typeof (m as IncomingMessage).raw?.MsgId === 'string';
}

/** How the inbox groups entries into chats and what it waits for before delivering a chat's entries. */
export interface InboxDelivery {
  /** See `Inbox.beforeDeliver`. */
  readonly beforeDeliver?: ((msgs: readonly IncomingMessage[]) => Promise<void> | undefined) | undefined;
  /** See `Inbox.chatOf`. */
  readonly chatOf?: ((m: IncomingMessage) => string) | undefined;
}

/**
 * The durable inbox. `accept()` journals new entries (deduped by MsgId) and
 * resolves once they would survive a crash of the process; `durable()` once
 * they would survive a machine crash — only then may the caller persist the
 * SyncKey that covers them. Delivery never blocks the caller; an entry leaves
 * the journal (and joins the bounded `done` set) when the handler's promise
 * settles.
 */
export class Inbox {
  private readonly pending = new Map<string, IncomingMessage>();
  private readonly inflight = new Set<string>();
  private done: BoundedSet;
  private handler: MessageHandler | undefined;
  /** Whether the account's own messages are journaled (see `setHandler`); until told otherwise, they are. */
  private journalOwn: () => boolean = () => true;
  /**
   * Own messages accepted without a journal record: handed over from memory, so they get no done mark
   * either, and a fold leaves them out. A crash before they are handled loses them, by design.
   */
  private readonly unjournaled = new Set<string>();
  private readonly journal: Journal<InboxRecord>;
  private settledWaiters: Array<() => void> = [];
  /** Set by `idle()`: entries not yet started stay pending (journaled) for the next start. */
  private closing = false;
  /**
   * Optional gate, asked per chat: the entries of that chat wait for the promise it returns (e.g. unknown
   * contacts being fetched); undefined lets them start at once. Other chats never wait for it.
   */
  beforeDeliver: ((msgs: readonly IncomingMessage[]) => Promise<void> | undefined) | undefined;
  /** The chat an entry belongs to (gates and the order they keep are per chat); default: its sender. */
  chatOf: (m: IncomingMessage) => string = (m) => m.raw.FromUserName;
  /** Per chat: the gate its entries currently wait behind; later entries of that chat queue after it. */
  private readonly chatGates = new Map<string, Promise<void>>();
  /** Entries whose gates are open, started one per event-loop turn in this order (see `pump`). */
  private readonly ready: Array<{ handler: MessageHandler; m: IncomingMessage }> = [];
  private pumping = false;
  /** Waiting for `ready` to empty (see `started()`). */
  private startedWaiters: Array<() => void> = [];

  constructor(
    store: SessionStore,
    private readonly key: string,
    private readonly dedupeSize: number,
    private readonly log: Logger,
    private readonly onHandlerError: (err: Error, msg: IncomingMessage) => void,
    delivery: InboxDelivery = {},
  ) {
    this.beforeDeliver = delivery.beforeDeliver;
    if (delivery.chatOf) this.chatOf = delivery.chatOf;
    this.done = new BoundedSet(dedupeSize);
    this.journal = new Journal<InboxRecord>(store, key, {
      snapshot: () => this.snapshot(),
      restore: (doc, records) => {
        this.restore(doc, records);
      },
    });
  }

  /** Loads the journal: pending entries are re-delivered, done ids keep deduping. */
  async load(): Promise<void> {
    await this.journal.load();
  }

  private restore(doc: unknown, records: readonly InboxRecord[]): void {
    this.done = new BoundedSet(this.dedupeSize);
    this.pending.clear();
    this.unjournaled.clear();
    if (doc !== undefined && !isInboxDoc(doc)) {
      this.log.warn({ key: this.key }, 'inbox journal unreadable; starting from its log only');
    } else if (doc) {
      for (const id of doc.done) if (typeof id === 'string') this.done.add(id);
      for (const m of doc.pending) if (isEntry(m) && !this.done.has(m.raw.MsgId)) this.pending.set(m.raw.MsgId, m);
    }
    for (const r of records) {
      if (r === null || typeof r !== 'object') continue;
      if ('a' in r && isEntry(r.a)) {
        if (!this.done.has(r.a.raw.MsgId)) this.pending.set(r.a.raw.MsgId, r.a);
      } else if ('d' in r && typeof r.d === 'string') {
        this.pending.delete(r.d);
        this.done.add(r.d);
      }
    }
  }

  private snapshot(): InboxDoc {
    const pending = [...this.pending.values()];
    return {
      version: 1,
      pending: this.unjournaled.size === 0 ? pending : pending.filter((m) => !this.unjournaled.has(m.raw.MsgId)),
      done: this.done.toArray(),
    };
  }

  /** True when this MsgId was already journaled or handled. */
  seen(msgId: string): boolean {
    return this.done.has(msgId) || this.pending.has(msgId);
  }

  /** Journals new entries (written, not yet synced: see `durable()`); returns the ones that were new. */
  async accept(entries: ReadonlyArray<{ raw: RawMessage; sentByBot: boolean }>): Promise<IncomingMessage[]> {
    const fresh: IncomingMessage[] = [];
    const now = Date.now();
    let written: Promise<void> | undefined;
    let journalOwn: boolean | undefined;
    for (const e of entries) {
      const id = e.raw.MsgId;
      if (this.seen(id)) continue;
      const msg: IncomingMessage = { raw: e.raw, sentByBot: e.sentByBot, receivedAt: now };
      this.pending.set(id, msg);
      fresh.push(msg);
      // The bot's own echoes are journaled only when something consumes them durably: a record of ~1 KB
      // per reply (and its done mark) that nothing would read back.
      if (e.sentByBot && !(journalOwn ??= this.journalOwn())) {
        this.unjournaled.add(id);
        continue;
      }
      written = this.journal.write({ a: msg });
    }
    if (written) {
      try {
        await written;
      } catch (err) {
        // Not journaled: forget them, so the caller's retry (same SyncKey) journals them again.
        for (const m of fresh) {
          this.pending.delete(m.raw.MsgId);
          this.unjournaled.delete(m.raw.MsgId);
        }
        throw err;
      }
    }
    return fresh;
  }

  /**
   * Marks entries handled without handing them over (history of a fresh login): they join the
   * dedupe set and the journal, so a re-sent copy is dropped like any handled entry.
   */
  async skip(entries: ReadonlyArray<{ raw: RawMessage }>): Promise<number> {
    let written: Promise<void> | undefined;
    let n = 0;
    for (const e of entries) {
      const id = e.raw.MsgId;
      if (this.seen(id)) continue;
      this.done.add(id);
      n++;
      written = this.journal.write({ d: id });
    }
    await written;
    return n;
  }

  /** Resolves once every accepted entry would survive a machine crash. */
  durable(): Promise<void> {
    return this.journal.durable();
  }

  /**
   * Sets the consumer and delivers what is pending. `journalOwn`, when given, is asked as own messages
   * (`sentByBot`) are accepted: false hands them over from memory without a journal record.
   */
  setHandler(handler: MessageHandler, journalOwn?: () => boolean): void {
    this.handler = handler;
    if (journalOwn) this.journalOwn = journalOwn;
    this.deliverPending();
  }

  /** Starts delivery of every journaled entry not yet in flight. Never awaits the handler. */
  deliverPending(): void {
    const handler = this.handler;
    if (!handler || this.closing) return;
    const batch = [...this.pending.values()].filter((m) => !this.inflight.has(m.raw.MsgId));
    if (batch.length === 0) return;
    for (const m of batch) this.inflight.add(m.raw.MsgId);
    const chats = new Map<string, IncomingMessage[]>();
    for (const m of batch) {
      const chat = this.chatOf(m);
      const list = chats.get(chat);
      if (list) list.push(m);
      else chats.set(chat, [m]);
    }
    const now: IncomingMessage[] = [];
    for (const [chat, msgs] of chats) {
      const before = this.chatGates.get(chat);
      let gate: Promise<void> | undefined;
      try {
        // Stryker disable next-line OptionalChaining: without them the TypeError is caught below, leaving gate undefined alike
        gate = this.beforeDeliver?.(msgs)?.catch(() => undefined);
        // Stryker disable next-line BlockStatement: gate is still undefined when the call throws, so this assignment is a no-op
      } catch {
        gate = undefined; // a failing gate only costs its lookup
      }
      if (before === undefined && gate === undefined) {
        now.push(...msgs);
        continue;
      }
      const open = Promise.all([before, gate]).then(() => {
        if (this.chatGates.get(chat) === open) this.chatGates.delete(chat);
        this.enqueue(handler, msgs);
      });
      this.chatGates.set(chat, open);
    }
    if (now.length > 0) this.enqueue(handler, now);
  }

  /**
   * Undefined when every entry whose gate is open has had its handler started; otherwise settles once
   * they have (or the inbox stops starting them). Entries waiting on a gate do not count.
   */
  started(): Promise<void> | undefined {
    if (this.ready.length === 0) return undefined;
    return new Promise((resolve) => this.startedWaiters.push(resolve));
  }

  private wakeStarted(): void {
    const w = this.startedWaiters;
    if (w.length === 0) return;
    this.startedWaiters = [];
    for (const f of w) f();
  }

  private enqueue(handler: MessageHandler, msgs: readonly IncomingMessage[]): void {
    for (const m of msgs) this.ready.push({ handler, m });
    if (!this.pumping) this.pump();
  }

  /**
   * Starts one handler per event-loop turn, in the order entries became
   * ready. Started all at once, a batch of 100 runs every handler's
   * synchronous part and promise chain before node writes the first reply to
   * its socket (socket writes wait for the microtask queue to drain), so the
   * first reply waited for the 100th message's dispatch. One turn each lets
   * each reply leave as soon as its handler has sent it. One queue for all
   * keeps each chat's order across deliveries.
   */
  private readonly pump = (): void => {
    const next = this.ready.shift();
    if (next === undefined) {
      this.pumping = false;
      this.wakeStarted();
      return;
    }
    if (this.closing) {
      // Stopping: the rest stays journaled as accepted and is delivered again at the next start.
      this.inflight.delete(next.m.raw.MsgId);
      for (const rest of this.ready.splice(0)) this.inflight.delete(rest.m.raw.MsgId);
      this.pumping = false;
      this.wakeStarted();
      this.settleIfIdle();
      return;
    }
    this.pumping = true;
    this.run(next.handler, next.m);
    if (this.ready.length > 0) setImmediate(this.pump);
    else {
      this.pumping = false;
      this.wakeStarted();
    }
  };

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
      if (this.unjournaled.delete(m.raw.MsgId)) {
        this.settleIfIdle();
        return;
      }
      this.journal.note({ d: m.raw.MsgId }).catch((err: unknown) => {
        this.log.error({ err }, 'inbox journal write failed');
      });
      this.settleIfIdle();
    });
  }

  private settleIfIdle(): void {
    if (this.inflight.size !== 0) return;
    const w = this.settledWaiters;
    this.settledWaiters = [];
    for (const f of w) f();
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  get inflightCount(): number {
    return this.inflight.size;
  }

  /**
   * Stops starting handlers (entries not started yet stay pending for the next start), resolves
   * when no handler is running or after `timeoutMs`, then folds the journal and closes its log.
   */
  async idle(timeoutMs: number): Promise<boolean> {
    this.closing = true;
    const ok =
      this.inflight.size === 0 || (await settledWithin((settle) => this.settledWaiters.push(settle), timeoutMs));
    await this.journal.close();
    return ok;
  }

  /** Releases the journal's file handle without folding (a simulated crash). */
  release(): Promise<void> {
    return this.journal.release();
  }
}
