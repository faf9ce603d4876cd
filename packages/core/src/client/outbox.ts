import type { Logger } from 'pino';
import type { SessionStore } from '../session/types.js';
import { backoffDelay, sleep } from '../util/backoff.js';
import { ClientStopped, LoggedOut, NetworkError, RateLimited, SendExpired, SendOutcomeUnknown } from './errors.js';
import { BoundedSet, Journal } from './journal.js';
import type { SendKind } from '../wire/endpoints.js';
import type { ActionClass, Bucket, SharedBucket } from './types.js';
import { Pacer } from './pacer.js';
import { settledWithin } from '../util/settled-within.js';
import { surelyNotSent, type ActionOptions } from './send-policy.js';
import { RefusalWait } from './refusal-wait.js';
import { bulkReserve, LaneSlots } from './lanes.js';
import { DEFAULT_CONCURRENCY } from './send-limits.js';
import { CausedSends, sendFingerprint, type CausedRow, type RecoveredSends } from './send-causes.js';

/** A journaled send: enough to re-send it after a crash with the same ClientMsgId. */
export interface SendJournalEntry {
  clientMsgId: string;
  kind: SendKind;
  msgType: number;
  /** Session UserName at enqueue time (valid while the session lives). */
  to: string;
  /** Stable id of the recipient, to re-address it after a fresh login. */
  toStableId?: string;
  content?: string;
  mediaId?: string;
  /**
   * A media send journaled before its upload: the data is spooled to `file`
   * (0600) so a crash mid-upload re-uploads and sends it on the next start.
   */
  upload?: { file: string; name: string; kind: 'pic' | 'video' | 'doc'; size: number };
  emoticonMd5?: string;
  /** Session the UserName belongs to (uin:sid), to know whether `to` is still valid. */
  session: string;
  createdAt: number;
  /**
   * Set (and journaled) just before the request first goes out: after a crash
   * such an entry may have reached the server, so it is reconciled against
   * the sync echoes instead of being sent again blindly.
   */
  attemptedAt?: number;
  /** The inbound message (or event) whose handling made this send: a handler run again after a crash finds it. */
  cause?: string;
  /** A bulk send (replayed in the bulk lane too). */
  lane?: 'bulk';
}

interface OutboxDoc {
  version: 1;
  pending: SendJournalEntry[];
  /** ClientMsgId → server MsgID of recent sends (dedupe of replays, sentByBot after restart). */
  sent: Array<[string, string]>;
  /** ClientMsgIds of recent sends dropped after a definitive failure (their callers got the error). */
  dropped?: string[];
  /** The server was seen echoing this account's sends through webwxsync (what reconciling relies on). */
  echoes?: boolean;
  /** Recent sends made for an inbound message (see CausedSends). */
  caused?: CausedRow[];
}

/**
 * Log records: a send journaled, about to go out, answered (with its MsgID), or dropped after a definitive
 * failure (`u`: whether it arrived is unknown).
 */
type OutboxRecord =
  { j: SendJournalEntry } | { a: [string, number] } | { s: [string, string] } | { x: string; u?: 1 } | { e: 1 };

// Re-exported: they were defined here, and tests and options import them from the outbox.
export { DEFAULT_BUCKETS, DEFAULT_CONCURRENCY } from './send-limits.js';

export interface OutboxOptions {
  buckets: Record<ActionClass, Bucket>;
  /** Buckets shared with other processes serving the account; they pace instead of the local ones. */
  sharedBuckets?: (actionClass: ActionClass, limits: Bucket) => SharedBucket;
  concurrency?: Partial<Record<ActionClass, number>>;
  jitterMs: number;
  /** 1205 retries of an action that is not a journaled send before `RateLimited` rejects (sends: `maxAgeMs`). */
  rateLimitRetries: number;
  /** Network retries of an action that is not a journaled send (sends: `maxAgeMs`). */
  networkRetries: number;
  /** Refused (1205) or unreachable actions older than this reject with `SendExpired`. Default 600 000. */
  maxAgeMs?: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /**
   * Longest wait between retries of a send refused with 1205 (also capped by
   * `backoffMaxMs`); an accepted send of its class ends the wait sooner. Default 5 000.
   */
  refusedMaxMs?: number;
  /** Resolves when the session is usable; rejects when the client stops. */
  ready: () => Promise<void>;
  onRateLimited: (e: { endpoint: string; actionClass: ActionClass; retryInMs: number; attempt: number }) => void;
  signal: AbortSignal;
}

/**
 * The outbound queue. Each action class has a token bucket (plus jitter)
 * and a number of actions it may have in flight; actions with the same order
 * key (the chat) run one after another, in enqueue order. 1205 empties the
 * bucket, halves its rate and retries with backoff; network errors retry; a
 * logout waits for recovery. Sends are journaled before they are attempted
 * and leave the journal once the server answered.
 */
export class Outbox {
  private readonly buckets = new Map<ActionClass, Pacer>();
  private readonly slots = new Map<ActionClass, LaneSlots>();
  private readonly refusals = new Map<ActionClass, RefusalWait>();
  /** Tail of each order key's chain. */
  private readonly chats = new Map<string, Promise<unknown>>();
  private readonly pending = new Map<string, SendJournalEntry>();
  private sent: BoundedSet;
  /** Dropped after a definitive failure: a journal record replayed by a crash mid-fold must not revive them. */
  private readonly dropped = new BoundedSet(2000);
  private readonly sentMsgIds = new Map<string, string>();
  private readonly caused = new CausedSends();
  private readonly journalLog: Journal<OutboxRecord>;
  private active = 0;
  private echoes = false;
  private drainWaiters: Array<() => void> = [];

  constructor(
    store: SessionStore,
    key: string,
    private readonly opts: OutboxOptions,
    private readonly log: Logger,
  ) {
    for (const [cls, b] of Object.entries(opts.buckets) as Array<[ActionClass, Bucket]>) {
      this.buckets.set(cls, new Pacer(b, opts.sharedBuckets?.(cls, b)));
      this.slots.set(cls, new LaneSlots(Math.max(1, opts.concurrency?.[cls] ?? DEFAULT_CONCURRENCY[cls])));
      this.refusals.set(cls, new RefusalWait());
    }
    this.sent = new BoundedSet(2000);
    this.journalLog = new Journal<OutboxRecord>(
      store,
      key,
      {
        snapshot: () => this.snapshot(),
        restore: (doc, records) => {
          this.restore(doc, records);
        },
      },
      {
        onError: (err) => {
          log.error({ err }, 'outbox journal fold failed; will retry');
        },
      },
    );
  }

  /** Loads the journal; returns the sends that were journaled but never answered. */
  async load(): Promise<SendJournalEntry[]> {
    await this.journalLog.load();
    return [...this.pending.values()];
  }

  private restore(doc: unknown, records: readonly OutboxRecord[]): void {
    this.pending.clear();
    const d = doc as OutboxDoc | undefined;
    if (d && Array.isArray(d.sent) && Array.isArray(d.pending)) {
      for (const pair of d.sent) if (Array.isArray(pair)) this.markSent(pair[0], pair[1]);
      for (const cid of d.dropped ?? []) if (typeof cid === 'string') this.dropped.add(cid);
      if (Array.isArray(d.caused)) this.caused.load(d.caused);
      for (const e of d.pending) this.restorePending(e);
      if (d.echoes === true) this.echoes = true;
    }
    for (const r of records) {
      if (r === null || typeof r !== 'object') continue;
      if ('j' in r) this.restorePending(r.j);
      else if ('e' in r) this.echoes = true;
      else if ('a' in r && Array.isArray(r.a)) {
        const e = this.pending.get(r.a[0]);
        if (e) this.pending.set(r.a[0], { ...e, attemptedAt: r.a[1] });
      } else if ('s' in r && Array.isArray(r.s)) {
        this.pending.delete(r.s[0]);
        this.markSent(r.s[0], r.s[1]);
      } else if ('x' in r && typeof r.x === 'string') {
        this.pending.delete(r.x);
        this.dropped.add(r.x);
        if (r.u === 1) this.caused.markUnknown(r.x);
        else this.caused.forget(r.x);
      }
    }
  }

  private restorePending(e: SendJournalEntry | undefined): void {
    if (!e || typeof e.clientMsgId !== 'string') return;
    this.noteCause(e);
    if (this.sent.has(e.clientMsgId) || this.dropped.has(e.clientMsgId)) return;
    this.pending.set(e.clientMsgId, e);
  }

  private markSent(clientMsgId: string, msgId: string): void {
    this.sent.add(clientMsgId);
    this.sentMsgIds.set(clientMsgId, msgId);
    if (this.sentMsgIds.size > 4000) {
      for (const k of this.sentMsgIds.keys()) {
        if (!this.sent.has(k)) this.sentMsgIds.delete(k);
        if (this.sentMsgIds.size <= 2000) break;
      }
    }
  }

  private snapshot(): OutboxDoc {
    const sent: Array<[string, string]> = [];
    for (const cid of this.sent.toArray()) sent.push([cid, this.sentMsgIds.get(cid) ?? '']);
    return {
      version: 1,
      pending: [...this.pending.values()],
      sent,
      dropped: this.dropped.toArray(),
      ...(this.echoes ? { echoes: true } : {}),
      caused: this.caused.toRows(),
    };
  }

  private noteCause(e: SendJournalEntry): void {
    if (typeof e.cause === 'string') this.caused.note(e.clientMsgId, e.cause, sendFingerprint(e));
  }

  /** The sends earlier processes made for inbound messages (call once, after `load`). */
  recoveredCauses(): RecoveredSends {
    return this.caused.recovered();
  }

  /** The server MsgID of a send it answered (or whose echo came), if still remembered. */
  msgIdOf(clientMsgId: string): string | undefined {
    return this.sent.has(clientMsgId) ? this.sentMsgIds.get(clientMsgId) : undefined;
  }

  /** Whether a send was dropped with its outcome unknown (it may have arrived: never make it again). */
  outcomeUnknown(clientMsgId: string): boolean {
    return this.caused.isUnknown(clientMsgId);
  }

  /** Server MsgIDs of sends this client made (for sentByBot). */
  knownMsgIds(): Set<string> {
    return new Set(this.sentMsgIds.values());
  }

  /** When a pending send's request first went out (undefined: not yet, or not pending). */
  attemptedAt(clientMsgId: string): number | undefined {
    return this.pending.get(clientMsgId)?.attemptedAt;
  }

  /** Whether the server was ever seen echoing this account's sends. */
  get echoesSeen(): boolean {
    return this.echoes;
  }

  /** Records (durably, in the background) that the server echoes this account's sends. */
  noteEchoes(): void {
    if (this.echoes) return;
    this.echoes = true;
    this.journalLog.note({ e: 1 }).catch((err: unknown) => {
      this.log.error({ err }, 'outbox journal write failed');
    });
  }

  wasSent(clientMsgId: string): boolean {
    return this.sent.has(clientMsgId);
  }

  /**
   * Journals a send before it is attempted; resolves once it would survive a crash of the process. The
   * append waits for the microtasks queued now: when the send goes straight out, its `markAttempted`
   * comes within them and both records share one append (see `Journal.writeJoinable`).
   */
  async journal(entry: SendJournalEntry): Promise<void> {
    this.pending.set(entry.clientMsgId, entry);
    this.noteCause(entry);
    try {
      await this.journalLog.writeJoinable({ j: entry });
    } catch (err) {
      // The caller is told the send failed: it must not come back from a later fold.
      this.pending.delete(entry.clientMsgId);
      this.dropped.add(entry.clientMsgId);
      this.caused.forget(entry.clientMsgId);
      throw err;
    }
  }

  /**
   * Journals that a send's request is about to go out (once per send);
   * resolves once that would survive a crash of the process, so a restart
   * knows to reconcile it rather than send it again.
   */
  async markAttempted(clientMsgId: string): Promise<void> {
    const e = this.pending.get(clientMsgId);
    if (!e || e.attemptedAt !== undefined) return;
    const at = Date.now();
    this.pending.set(clientMsgId, { ...e, attemptedAt: at });
    await this.journalLog.write({ a: [clientMsgId, at] });
  }

  /**
   * Records the server's answer (or a definitive failure, `msgId` undefined;
   * `unknown`: SendOutcomeUnknown, it may have arrived) and drops the journal
   * entry. Never waits for the write: a crash before it lands re-sends the
   * entry once with the same ClientMsgId, which is the journal's promise anyway.
   */
  settle(clientMsgId: string, msgId: string | undefined, unknown = false): void {
    if (!this.pending.delete(clientMsgId) && msgId === undefined) return;
    if (msgId !== undefined) this.markSent(clientMsgId, msgId);
    else {
      this.dropped.add(clientMsgId);
      if (unknown) this.caused.markUnknown(clientMsgId);
      else this.caused.forget(clientMsgId);
    }
    this.journalLog
      .note(msgId !== undefined ? { s: [clientMsgId, msgId] } : unknown ? { x: clientMsgId, u: 1 } : { x: clientMsgId })
      .catch((err: unknown) => {
        this.log.error({ err }, 'outbox journal write failed');
      });
  }

  /** Resolves once every journaled change so far would survive a machine crash. */
  durable(): Promise<void> {
    return this.journalLog.durable();
  }

  /** Folds the journal into its document and releases its log (on stop). */
  close(): Promise<void> {
    return this.journalLog.close();
  }

  /** Releases the journal's file handle without folding (a simulated crash). */
  release(): Promise<void> {
    return this.journalLog.release();
  }

  get pendingSends(): number {
    return this.pending.size;
  }

  /** Actions queued or in flight, and when the oldest journaled send was made (metrics). */
  stats(): { active: number; journaled: number; oldestAt: number | undefined } {
    let oldestAt: number | undefined;
    for (const e of this.pending.values()) if (oldestAt === undefined || e.createdAt < oldestAt) oldestAt = e.createdAt;
    return { active: this.active, journaled: this.pending.size, oldestAt };
  }

  /**
   * Runs `run` in class `cls`: after every earlier action with the same
   * `orderKey`, when one of the class's slots is free, paced and retried.
   */
  enqueue<T>(
    cls: ActionClass,
    endpoint: string,
    run: () => Promise<T>,
    orderKeyOrOptions?: string | ActionOptions<T>,
  ): Promise<T> {
    if (this.opts.signal.aborted) return Promise.reject(new ClientStopped(endpoint));
    const o: ActionOptions<T> =
      typeof orderKeyOrOptions === 'string' ? { orderKey: orderKeyOrOptions } : { ...orderKeyOrOptions };
    o.createdAt ??= Date.now();
    const orderKey = o.orderKey;
    this.active++;
    const prev = orderKey !== undefined ? this.chats.get(orderKey) : undefined;
    const go = (): Promise<T> => this.attempt(cls, endpoint, run, o);
    const job = prev ? prev.then(go, go) : go();
    const tail = job.finally(() => {
      this.active--;
      if (this.active === 0) {
        const w = this.drainWaiters;
        this.drainWaiters = [];
        for (const f of w) f();
      }
    });
    if (orderKey !== undefined) {
      const settled = tail.catch(() => undefined);
      this.chats.set(orderKey, settled);
      void settled.then(() => {
        if (this.chats.get(orderKey) === settled) this.chats.delete(orderKey);
      });
    }
    return tail;
  }

  /**
   * Runs one action until it succeeds or fails for good. A class slot is held
   * only while a request is being paced and made: backoff after 1205 and
   * reconciling a lost answer wait outside it, so a chat the server keeps
   * refusing never holds up other chats (its own later sends wait: order).
   */
  private async attempt<T>(cls: ActionClass, endpoint: string, run: () => Promise<T>, o: ActionOptions<T>): Promise<T> {
    const bucket = this.buckets.get(cls)!;
    const slots = this.slots.get(cls)!;
    const refusal = this.refusals.get(cls)!;
    // Woken early and refused again: the next wait runs its course (no retry per success elsewhere).
    let woken = false;
    const signal = this.opts.signal;
    const createdAt = o.createdAt ?? Date.now();
    const maxAgeMs = this.opts.maxAgeMs ?? 600_000;
    let rateLimits = 0;
    let netFailures = 0;
    let logouts = 0;
    for (;;) {
      if (signal.aborted) throw new ClientStopped(endpoint);
      await this.opts.ready();
      let failure: unknown;
      await slots.acquire(o.lane);
      try {
        const reserve = o.lane === 'bulk' ? bulkReserve(bucket.size) : 0;
        for (let wait = await bucket.take(reserve); wait > 0; wait = await bucket.take(reserve)) {
          await sleep(wait, signal);
          if (signal.aborted) throw new ClientStopped(endpoint);
        }
        // Stryker disable next-line ConditionalExpression,EqualityOperator: sleep(0) resolves at once; the test only skips it
        if (this.opts.jitterMs > 0) await sleep(Math.random() * this.opts.jitterMs, signal);
        if (signal.aborted) throw new ClientStopped(endpoint);
        const done = await run();
        refusal.wake();
        return done;
      } catch (err) {
        failure = err;
      } finally {
        slots.release();
      }
      const ageMs = Date.now() - createdAt;
      if (failure instanceof RateLimited) {
        await bucket.penalise();
        if (!o.journaled && rateLimits >= this.opts.rateLimitRetries) throw failure;
        if (ageMs >= maxAgeMs) throw this.expired(endpoint, cls, o, ageMs, maxAgeMs);
        rateLimits++;
        // The last try lands at the deadline rather than after it.
        const cap = Math.min(this.opts.backoffMaxMs, this.opts.refusedMaxMs ?? 5_000);
        const retryInMs = Math.min(backoffDelay(rateLimits, this.opts.backoffBaseMs, cap), maxAgeMs - ageMs);
        this.opts.onRateLimited({ endpoint, actionClass: cls, retryInMs, attempt: rateLimits });
        this.log.warn(
          { endpoint, actionClass: cls, retryInMs, attempt: rateLimits, clientMsgId: o.clientMsgId },
          'rate-limited (1205); slowing down, the action waits',
        );
        woken = await refusal.wait(retryInMs, signal, !woken);
        continue;
      }
      if (failure instanceof NetworkError) {
        if (signal.aborted) throw new ClientStopped(endpoint);
        if (!surelyNotSent(failure)) {
          if (o.reconcile) {
            const verdict = await o.reconcile(failure);
            if (verdict !== 'retry') return verdict.done;
          } else if (o.atMostOnce) {
            throw new SendOutcomeUnknown(endpoint, o.clientMsgId, 'no echo to reconcile this action against', {
              cause: failure,
            });
          }
        }
        netFailures++;
        // Sends stay queued until they are too old; other actions give up after a few tries.
        const more = o.journaled ? ageMs < maxAgeMs : netFailures <= this.opts.networkRetries;
        if (!more) throw o.journaled ? this.expired(endpoint, cls, o, ageMs, maxAgeMs) : failure;
        await sleep(backoffDelay(netFailures, this.opts.backoffBaseMs, this.opts.backoffMaxMs), signal);
        continue;
      }
      if (failure instanceof LoggedOut && logouts < 2) {
        // The sync loop notices too and recovers; wait for it instead of failing the action.
        logouts++;
        await sleep(backoffDelay(logouts, this.opts.backoffBaseMs, this.opts.backoffMaxMs), signal);
        continue;
      }
      throw failure;
    }
  }

  private expired<T>(
    endpoint: string,
    cls: ActionClass,
    o: ActionOptions<T>,
    ageMs: number,
    maxAgeMs: number,
  ): SendExpired {
    // The message id only: the drop must be traceable, and nothing here is a secret.
    this.log.warn(
      { endpoint, actionClass: cls, clientMsgId: o.clientMsgId, ageMs, maxAgeMs },
      'action dropped: the server did not accept it within sends.maxAgeMs',
    );
    return new SendExpired(endpoint, o.clientMsgId, ageMs, maxAgeMs);
  }

  /** Resolves when every queued action finished, or after `timeoutMs` (returns false). */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.active === 0) return true;
    const ok = await settledWithin((settle) => this.drainWaiters.push(settle), timeoutMs);
    return ok;
  }

  /** Current rate factor of a class (1 = full speed; lower after 1205). */
  rateFactor(cls: ActionClass): number {
    return this.buckets.get(cls)?.rateFactor ?? 1;
  }
}
