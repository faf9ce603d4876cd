/**
 * The receive loop: long-poll `getupdates`, journal each batch, then save the cursor that covers it,
 * then hand the new entries over. Errors other than a session timeout back off and retry; a session
 * timeout ends the loop (the transport decides whether to log in again). A batch that keeps failing
 * to journal is taken apart by the poison rule (poison.ts), so one bad message cannot hold the cursor.
 */
import { DEFAULT_LONG_POLL_MS, type IlinkApi } from './api.js';
import { SessionTimeout } from './errors.js';
import { StuckBatch, takeApart, type DeadLetterSink, type PoisonPolicy } from './poison.js';
import type { IlinkInbox, InboxEntry } from './state.js';
import type { WeixinMessage } from './wire.js';

export interface LoopHooks {
  readonly api: () => IlinkApi;
  readonly inbox: IlinkInbox;
  readonly cursor: () => string;
  /** Saves the cursor (and reply contexts of the batch); called only after the batch is durable. */
  readonly commit: (cursor: string, batch: readonly WeixinMessage[]) => Promise<void>;
  readonly deliver: (entries: readonly InboxEntry[]) => void;
  readonly onError: (err: Error) => void;
  readonly onSessionTimeout: (err: SessionTimeout) => void;
  /** First retry pause after a failed poll; doubles up to `maxBackoffMs`. */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  /** Overrides the server's suggested long-poll hold (tests). */
  readonly holdMs: number | undefined;
  /** Moves a message that can never be journaled aside (see poison.ts); rejects when it cannot. */
  readonly deadLetter: DeadLetterSink;
  /** When a batch that keeps failing to journal is taken apart (see `poisonPolicy`). */
  readonly poison: PoisonPolicy;
  /** Clock and pause (tests pass fake ones). Default `Date.now` and a timer. */
  readonly now?: (() => number) | undefined;
  readonly sleep?: ((ms: number, signal: AbortSignal) => Promise<void>) | undefined;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

const NONE: ReadonlySet<WeixinMessage> = new Set();

export class ReceiveLoop {
  private readonly controller = new AbortController();
  private running: Promise<void> | undefined;
  private serverHoldMs = DEFAULT_LONG_POLL_MS;
  private readonly stuck: StuckBatch;
  private readonly now: () => number;

  constructor(private readonly hooks: LoopHooks) {
    this.stuck = new StuckBatch(hooks.poison);
    this.now = hooks.now ?? Date.now;
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Aborts the poll in flight and resolves once the loop has ended (no batch is half-handled). */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    const signal = this.controller.signal;
    let failures = 0;
    while (!signal.aborted) {
      try {
        await this.pollOnce(signal);
        failures = 0;
      } catch (err) {
        if (signal.aborted) break;
        if (err instanceof SessionTimeout) {
          this.hooks.onSessionTimeout(err);
          return;
        }
        this.hooks.onError(err instanceof Error ? err : new Error(String(err)));
        failures += 1;
        const delay = Math.min(this.hooks.maxBackoffMs, this.hooks.backoffMs * 2 ** Math.min(failures - 1, 16));
        await (this.hooks.sleep ?? pause)(delay, signal);
      }
    }
  }

  private async pollOnce(signal: AbortSignal): Promise<void> {
    const hold = this.hooks.holdMs ?? this.serverHoldMs;
    const asked = this.hooks.cursor();
    const reply = await this.hooks.api().getUpdates(asked, hold, signal);
    if (reply.longPollMs !== undefined && reply.longPollMs > 0) this.serverHoldMs = reply.longPollMs;
    // The batch becomes durable in the inbox before the cursor moves past it: a crash between the two
    // re-fetches the batch, and the inbox's dedupe drops what it already holds.
    const { fresh, dead } = await this.journal(asked, reply.msgs);
    // A dead-lettered message brings no reply context: what could not be journaled is not saved elsewhere.
    const kept = dead.size === 0 ? reply.msgs : reply.msgs.filter((m) => !dead.has(m));
    try {
      if (reply.cursor !== undefined && reply.cursor !== this.hooks.cursor()) {
        await this.hooks.commit(reply.cursor, kept);
      } else if (reply.msgs.length > 0) {
        await this.hooks.commit(this.hooks.cursor(), kept);
      }
    } finally {
      // Journaled, so handed over even when the cursor could not be saved: a retry sees them as known
      // and would never hand them over in this process.
      if (fresh.length > 0) this.hooks.deliver(fresh);
    }
  }

  /** Journals a batch; one that keeps failing is taken apart once the poison policy says so (poison.ts). */
  private async journal(
    asked: string,
    msgs: readonly WeixinMessage[],
  ): Promise<{ fresh: InboxEntry[]; dead: ReadonlySet<WeixinMessage> }> {
    const now = this.now();
    try {
      const fresh = await this.hooks.inbox.accept(msgs, now);
      this.stuck.clear();
      return { fresh, dead: NONE };
    } catch (error) {
      if (!this.stuck.failed(asked, now)) throw error;
      const taken = await takeApart(this.hooks.inbox, msgs, now, this.stuck.attempts, this.hooks.deadLetter);
      this.stuck.clear();
      return taken;
    }
  }
}
