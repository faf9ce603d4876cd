/**
 * The receive loop: long-poll `getupdates`, journal each batch, then save the cursor that covers it,
 * then hand the new entries over. Errors other than a session timeout back off and retry; a session
 * timeout ends the loop (the transport decides whether to log in again).
 */
import { DEFAULT_LONG_POLL_MS, type IlinkApi } from './api.js';
import { SessionTimeout } from './errors.js';
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

export class ReceiveLoop {
  private readonly controller = new AbortController();
  private running: Promise<void> | undefined;
  private serverHoldMs = DEFAULT_LONG_POLL_MS;

  constructor(private readonly hooks: LoopHooks) {}

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
        await pause(delay, signal);
      }
    }
  }

  private async pollOnce(signal: AbortSignal): Promise<void> {
    const hold = this.hooks.holdMs ?? this.serverHoldMs;
    const reply = await this.hooks.api().getUpdates(this.hooks.cursor(), hold, signal);
    if (reply.longPollMs !== undefined && reply.longPollMs > 0) this.serverHoldMs = reply.longPollMs;
    // The batch becomes durable in the inbox before the cursor moves past it: a crash between the two
    // re-fetches the batch, and the inbox's dedupe drops what it already holds.
    const fresh = await this.hooks.inbox.accept(reply.msgs, Date.now());
    if (reply.cursor !== undefined && reply.cursor !== this.hooks.cursor()) {
      await this.hooks.commit(reply.cursor, reply.msgs);
    } else if (reply.msgs.length > 0) {
      await this.hooks.commit(this.hooks.cursor(), reply.msgs);
    }
    if (fresh.length > 0) this.hooks.deliver(fresh);
  }
}
