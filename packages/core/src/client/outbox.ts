import type { Logger } from 'pino';
import type { SessionStore } from '../session/types.js';
import { backoffDelay, sleep } from '../util/backoff.js';
import { TokenBucket } from '../util/token-bucket.js';
import { ClientStopped, LoggedOut, NetworkError, RateLimited } from './errors.js';
import { BoundedSet, DocWriter } from './journal.js';
import type { SendKind } from './api.js';
import type { ActionClass, Bucket } from './types.js';
import { settledWithin } from '../util/settled-within.js';

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
  emoticonMd5?: string;
  /** Session the UserName belongs to (uin:sid), to know whether `to` is still valid. */
  session: string;
  createdAt: number;
}

interface OutboxDoc {
  version: 1;
  pending: SendJournalEntry[];
  /** ClientMsgId → server MsgID of recent sends (dedupe of replays, sentByBot after restart). */
  sent: Array<[string, string]>;
}

export const DEFAULT_BUCKETS: Record<ActionClass, Bucket> = {
  text: { burst: 5, perSecond: 1 },
  media: { burst: 2, perSecond: 0.2 },
  friend: { burst: 1, perSecond: 1 / 60 },
  room: { burst: 2, perSecond: 1 / 10 },
  misc: { burst: 5, perSecond: 1 },
};

export interface OutboxOptions {
  buckets: Record<ActionClass, Bucket>;
  jitterMs: number;
  rateLimitRetries: number;
  networkRetries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Resolves when the session is usable; rejects when the client stops. */
  ready: () => Promise<void>;
  onRateLimited: (e: { endpoint: string; actionClass: ActionClass; retryInMs: number; attempt: number }) => void;
  signal: AbortSignal;
}

/**
 * The outbound queue: one FIFO lane per action class, each paced by its token
 * bucket plus jitter; 1205 empties the bucket, halves its rate and retries
 * with backoff; network errors retry; a logout waits for recovery. Sends are
 * journaled before they are attempted and removed once the server answered.
 */
export class Outbox {
  private readonly lanes = new Map<ActionClass, Promise<unknown>>();
  private readonly buckets = new Map<ActionClass, TokenBucket>();
  private readonly pending = new Map<string, SendJournalEntry>();
  private sent: BoundedSet;
  private readonly sentMsgIds = new Map<string, string>();
  private readonly writer: DocWriter;
  private active = 0;
  private drainWaiters: Array<() => void> = [];

  constructor(
    private readonly store: SessionStore,
    private readonly key: string,
    private readonly opts: OutboxOptions,
    private readonly log: Logger,
  ) {
    for (const [cls, b] of Object.entries(opts.buckets) as Array<[ActionClass, Bucket]>) {
      this.buckets.set(cls, new TokenBucket(b.burst, b.perSecond));
    }
    this.sent = new BoundedSet(2000);
    this.writer = new DocWriter(store, key, () => this.snapshot());
  }

  async load(): Promise<SendJournalEntry[]> {
    const doc = (await this.store.get(this.key)) as OutboxDoc | undefined;
    if (!doc || !Array.isArray(doc.pending) || !Array.isArray(doc.sent)) return [];
    for (const [cid, mid] of doc.sent) {
      this.sent.add(cid);
      this.sentMsgIds.set(cid, mid);
    }
    const replay: SendJournalEntry[] = [];
    for (const e of doc.pending) {
      if (!e || typeof e.clientMsgId !== 'string') continue;
      if (this.sent.has(e.clientMsgId)) continue;
      this.pending.set(e.clientMsgId, e);
      replay.push(e);
    }
    return replay;
  }

  private snapshot(): OutboxDoc {
    const sent: Array<[string, string]> = [];
    for (const cid of this.sent.toArray()) sent.push([cid, this.sentMsgIds.get(cid) ?? '']);
    return { version: 1, pending: [...this.pending.values()], sent };
  }

  /** Server MsgIDs of sends this client made (for sentByBot). */
  knownMsgIds(): Set<string> {
    return new Set(this.sentMsgIds.values());
  }

  wasSent(clientMsgId: string): boolean {
    return this.sent.has(clientMsgId);
  }

  /** Journals a send durably before it is attempted. */
  async journal(entry: SendJournalEntry): Promise<void> {
    this.pending.set(entry.clientMsgId, entry);
    await this.writer.save();
  }

  /** Records the server's answer and drops the journal entry. */
  async settle(clientMsgId: string, msgId: string | undefined): Promise<void> {
    this.pending.delete(clientMsgId);
    if (msgId !== undefined) {
      this.sent.add(clientMsgId);
      this.sentMsgIds.set(clientMsgId, msgId);
      if (this.sentMsgIds.size > 4000) {
        for (const k of this.sentMsgIds.keys()) {
          if (!this.sent.has(k)) this.sentMsgIds.delete(k);
          if (this.sentMsgIds.size <= 2000) break;
        }
      }
    }
    await this.writer.save();
  }

  get pendingSends(): number {
    return this.pending.size;
  }

  /** Runs `run` in the lane of `cls`, paced and retried. */
  enqueue<T>(cls: ActionClass, endpoint: string, run: () => Promise<T>): Promise<T> {
    if (this.opts.signal.aborted) return Promise.reject(new ClientStopped(endpoint));
    const prev = this.lanes.get(cls) ?? Promise.resolve();
    this.active++;
    const job = prev.catch(() => undefined).then(() => this.attempt(cls, endpoint, run));
    const tail = job.finally(() => {
      this.active--;
      if (this.active === 0) {
        const w = this.drainWaiters;
        this.drainWaiters = [];
        for (const f of w) f();
      }
    });
    this.lanes.set(
      cls,
      tail.catch(() => undefined),
    );
    return tail;
  }

  private async attempt<T>(cls: ActionClass, endpoint: string, run: () => Promise<T>): Promise<T> {
    const bucket = this.buckets.get(cls)!;
    let rateLimits = 0;
    let netFailures = 0;
    let logouts = 0;
    for (;;) {
      if (this.opts.signal.aborted) throw new ClientStopped(endpoint);
      for (let wait = bucket.take(); wait > 0; wait = bucket.take()) {
        await sleep(wait, this.opts.signal);
        if (this.opts.signal.aborted) throw new ClientStopped(endpoint);
      }
      if (this.opts.jitterMs > 0) await sleep(Math.random() * this.opts.jitterMs, this.opts.signal);
      await this.opts.ready();
      try {
        return await run();
      } catch (err) {
        if (err instanceof RateLimited) {
          bucket.penalise();
          if (rateLimits >= this.opts.rateLimitRetries) throw err;
          const retryInMs = backoffDelay(rateLimits + 1, this.opts.backoffBaseMs, this.opts.backoffMaxMs);
          rateLimits++;
          this.opts.onRateLimited({ endpoint, actionClass: cls, retryInMs, attempt: rateLimits });
          this.log.warn(
            { endpoint, actionClass: cls, retryInMs, attempt: rateLimits },
            'rate-limited (1205); slowing down',
          );
          await sleep(retryInMs, this.opts.signal);
          continue;
        }
        if (err instanceof NetworkError && netFailures < this.opts.networkRetries) {
          netFailures++;
          await sleep(backoffDelay(netFailures, this.opts.backoffBaseMs, this.opts.backoffMaxMs), this.opts.signal);
          continue;
        }
        if (err instanceof LoggedOut && logouts < 2) {
          // The sync loop notices too and recovers; wait for it instead of failing the action.
          logouts++;
          await sleep(backoffDelay(logouts, this.opts.backoffBaseMs, this.opts.backoffMaxMs), this.opts.signal);
          continue;
        }
        throw err;
      }
    }
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
