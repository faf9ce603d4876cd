/**
 * The outbound queue: one send at a time, each carrying the recipient's latest `context_token`.
 * A rate limit (`ret -2`) holds the whole queue for a growing pause (the server counts every send,
 * so letting the next one through would only extend the block); network failures and 5xx retry the
 * same `client_id`; a session timeout fails at once.
 */
import { randomBytes } from 'node:crypto';

import type { SentMessage } from '@wxbot/core';

import type { IlinkApi } from './api.js';
import { IlinkNetworkError, NoReplyContext, RateLimited, TransportStopped, isRetryable } from './errors.js';
import { SendOutcomeUnknown, sentFrom, type SendJournal } from './sends.js';
import type { ReplyContext } from './state.js';
import { MessageState, MessageType, type MessageItem } from './wire.js';

export interface RetryPolicy {
  /** Tries per send, the first included. Default 5. */
  readonly attempts: number;
  /** First pause after a failure; doubles each time. Default 2 s. */
  readonly baseMs: number;
  /** Longest pause. Default 60 s. */
  readonly maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 2_000, maxMs: 60_000 };

export interface OutboxOptions {
  readonly api: () => IlinkApi;
  readonly context: (userId: string) => ReplyContext | undefined;
  readonly replyWindowMs: number | undefined;
  readonly now: () => number;
  readonly retry: RetryPolicy;
  readonly onRetry?: ((err: Error, attempt: number, delayMs: number) => void) | undefined;
  /** Records sends made for a cause, so a re-run handler does not send twice. */
  readonly journal?: SendJournal | undefined;
}

/** A send made while handling a message: its id, and what identifies the content. */
export interface SendCause {
  readonly cause: string;
  readonly content: string;
}

export class Outbox {
  private tail: Promise<unknown> = Promise.resolve();
  /** Epoch ms until which the queue waits after a rate limit. */
  private blockedUntil = 0;
  private closed = false;
  private readonly wake = new Set<() => void>();

  constructor(private readonly opts: OutboxOptions) {}

  /** Checks the reply context now (a clear error before queueing), then queues the send. */
  send(
    op: string,
    to: string,
    items: () => Promise<MessageItem[]>,
    itemType: number,
    cause?: SendCause,
  ): Promise<SentMessage> {
    if (this.closed) return Promise.reject(new TransportStopped(op));
    const planned = cause && this.opts.journal?.plan(cause.cause, to, cause.content);
    if (planned?.prior) {
      const prior = planned.prior;
      return prior.msgId === undefined
        ? Promise.reject(new SendOutcomeUnknown(to))
        : Promise.resolve(sentFrom({ ...prior, msgId: prior.msgId }));
    }
    // A promise API rejects; it never throws at the call.
    const ctx = this.replyContext(op, to);
    if (ctx instanceof NoReplyContext) return Promise.reject(ctx);
    const run = this.tail.then(() => this.deliver(op, to, ctx, items, itemType, planned));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** The context to answer with, or why there is none. */
  private replyContext(op: string, to: string): ReplyContext | NoReplyContext {
    const ctx = this.opts.context(to);
    if (!ctx) {
      return new NoReplyContext(
        `${op}: ${to} has never written to this bot; iLink bots can only answer a user who wrote first`,
      );
    }
    const window = this.opts.replyWindowMs;
    const now = this.opts.now();
    if (window !== undefined && now - ctx.lastAt > window) {
      return new NoReplyContext(
        `${op}: the reply window to ${to} closed ${Math.round((now - ctx.lastAt - window) / 1000)} s ago; it reopens when they write again`,
      );
    }
    return ctx;
  }

  private async deliver(
    op: string,
    to: string,
    ctx: ReplyContext,
    items: () => Promise<MessageItem[]>,
    itemType: number,
    planned: { key: string; n: number } | undefined,
  ): Promise<SentMessage> {
    const clientId = `wxbot-${randomBytes(8).toString('hex')}`;
    const itemList = await items();
    const journal = planned && this.opts.journal;
    if (planned && journal) await journal.begin({ key: planned.key, n: planned.n, clientId, to, type: itemType });
    try {
      const sent = await this.attempt(op, to, ctx, itemList, itemType, clientId);
      if (planned && journal) await journal.settle(planned.key, planned.n, sent.msgId);
      return sent;
    } catch (err) {
      // Refused by the server (or never sent): a re-run may try again. A lost answer stays unknown.
      if (planned && journal && !(err instanceof IlinkNetworkError)) {
        await journal.forget(planned.key, planned.n).catch(() => undefined);
      }
      throw err;
    }
  }

  private async attempt(
    op: string,
    to: string,
    ctx: ReplyContext,
    itemList: MessageItem[],
    itemType: number,
    clientId: string,
  ): Promise<SentMessage> {
    for (let attempt = 1; ; attempt += 1) {
      await this.waitUnblocked();
      if (this.closed) throw new TransportStopped(op);
      // The latest token, not the one at queue time: a newer message from the user may have renewed it.
      const token = this.opts.context(to)?.token ?? ctx.token;
      try {
        const id = await this.opts.api().sendMessage({
          from_user_id: '',
          to_user_id: to,
          client_id: clientId,
          message_type: MessageType.BOT,
          message_state: MessageState.FINISH,
          context_token: token,
          item_list: itemList,
        });
        return { msgId: id ?? clientId, localId: clientId, toUserName: to, type: itemType, endpoint: 'sendmessage' };
      } catch (err) {
        if (!isRetryable(err) || attempt >= this.opts.retry.attempts) throw err;
        const delay = Math.min(this.opts.retry.maxMs, this.opts.retry.baseMs * 2 ** (attempt - 1));
        if (err instanceof RateLimited) this.blockedUntil = Math.max(this.blockedUntil, Date.now() + delay);
        else await this.sleep(delay);
        this.opts.onRetry?.(err as Error, attempt, delay);
      }
    }
  }

  private async waitUnblocked(): Promise<void> {
    const wait = this.blockedUntil - Date.now();
    if (wait > 0) await this.sleep(wait);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.wake.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wake.add(done);
    });
  }

  /** Resolves once queued sends have settled; later sends are refused. Pauses end at once. */
  async close(drain: boolean): Promise<void> {
    if (!drain) {
      this.closed = true;
      for (const w of [...this.wake]) w();
    }
    await this.tail;
    this.closed = true;
  }
}
