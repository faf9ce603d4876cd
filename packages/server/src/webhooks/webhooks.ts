import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';

import {
  createActions,
  FileSessionStore,
  type Bot,
  type TransportEvents,
  type ProcessedMessage,
  type SessionStore,
  type WebhookConfig,
} from '@wxbot/core';
import type { Logger } from 'pino';

import { messageView } from '../views.js';
import { DeliveryJournal, type Delivery } from './journal.js';
import { DELIVERY_HEADER, IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signature, TIMESTAMP_HEADER } from './sign.js';
import { accountOf, actionBackend, webClientOf } from '../account-access.js';

/** Attribution of replies sent from a webhook's answer, in the action log. */
export const WEBHOOK_PLUGIN = 'webhook';

export interface WebhooksOptions {
  readonly hooks: readonly WebhookConfig[];
  readonly bots: readonly Bot[];
  readonly logger: Logger;
  /** Where the journal lives: `<dataDir>/webhooks/`. Or a store (tests). */
  readonly dataDir?: string;
  readonly store?: SessionStore;
  /** Backoff of retries: min(maxMs, baseMs * 2^attempt), jittered. Defaults 1 000 and 300 000. */
  readonly backoff?: { baseMs?: number; maxMs?: number };
  /** Deliveries in flight per hook. Default 4. */
  readonly concurrency?: number;
  /** A delivery still failing after this long is dropped (and logged). Default 24 h. */
  readonly maxAgeMs?: number;
  /** Told of every attempt's outcome (metrics). */
  readonly onOutcome?: (hook: string, outcome: 'delivered' | 'failed' | 'dropped') => void;
}

interface Hook {
  readonly id: string;
  readonly config: WebhookConfig;
  /** Index in config order, for logs (the URL may hold a token). */
  readonly index: number;
  inflight: number;
}

interface Attempt {
  attempts: number;
  nextAt: number;
}

/** A hook's id: stable across restarts and config reorders, and no secret in it. */
export function hookId(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 12);
}

/** The answer body's `{ "reply": "text" }`, if any. */
function replyOf(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { reply?: unknown } | null;
    return typeof parsed?.reply === 'string' && parsed.reply.length > 0 ? parsed.reply : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Delivers events to the configured webhooks: journaled first (durable), POSTed as signed JSON,
 * retried with exponential backoff until a 2xx, then marked delivered with one journal record.
 * A reply in a message's answer is sent to that chat as the bot.
 */
export class Webhooks {
  readonly #hooks = new Map<string, Hook>();
  readonly #bots = new Map<string, Bot>();
  readonly #journal: DeliveryJournal;
  readonly #attempts = new Map<string, Attempt>();
  readonly #inflight = new Map<string, AbortController>();
  /** Each watched bot's unsubscribes (a replaced bot's are disposed alone). */
  readonly #offs = new Map<Bot, Array<() => void>>();
  #started = false;
  readonly #log: Logger;
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #concurrency: number;
  readonly #maxAgeMs: number;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #crashed = false;
  readonly #settled = new Set<Promise<void>>();
  #idleWaiters: Array<() => void> = [];

  constructor(private readonly options: WebhooksOptions) {
    options.hooks.forEach((config, index) => {
      const id = hookId(config.url);
      this.#hooks.set(id, { id, config, index, inflight: 0 });
    });
    for (const bot of options.bots) this.#bots.set(accountOf(bot), bot);
    this.#log = options.logger;
    this.#baseMs = options.backoff?.baseMs ?? 1000;
    this.#maxMs = options.backoff?.maxMs ?? 300_000;
    this.#concurrency = options.concurrency ?? 4;
    this.#maxAgeMs = options.maxAgeMs ?? 24 * 3600_000;
    const store = options.store ?? new FileSessionStore(join(options.dataDir ?? '.', 'webhooks'));
    this.#journal = new DeliveryJournal(store, 'deliveries', 20_000, (err) => {
      this.#log.error({ err }, 'webhook journal fold failed; will retry');
    });
  }

  /** Loads what an earlier run left undelivered, subscribes to the bots, and starts delivering. */
  async start(): Promise<void> {
    await this.#journal.load();
    for (const d of [...this.#journal.pending()]) {
      if (this.#hooks.has(d.hook)) continue;
      this.#log.warn({ delivery: d.id }, 'webhook delivery dropped: its hook is no longer configured');
      await this.#journal.done(d.id);
    }
    this.#started = true;
    for (const bot of this.#bots.values()) this.#watch(bot);
    this.#pump();
  }

  /**
   * Delivers the events of `bot` for its account from now on, instead of the bot it replaces (a restarted
   * account): the old bot's subscriptions are disposed. Deliveries already journaled stay, and a reply still
   * to send goes through the new bot. Call it once the old bot stopped: a message it had not handed over is
   * still in the account's inbox journal, the new bot hands it over, and the journal's ids (the message's
   * MsgId) keep it from being delivered twice. Throws for an account not given at construction.
   */
  replaceBot(bot: Bot): void {
    const account = accountOf(bot);
    const old = this.#bots.get(account);
    if (old === undefined)
      throw new Error(
        `webhooks: no account ${JSON.stringify(account)} to replace (accounts: ${[...this.#bots.keys()].map((k) => JSON.stringify(k)).join(', ') || 'none'})`,
      );
    if (old === bot) return;
    for (const off of this.#offs.get(old) ?? []) off();
    this.#offs.delete(old);
    this.#bots.set(account, bot);
    if (this.#started && !this.#closed) this.#watch(bot);
  }

  #watch(bot: Bot): void {
    const account = accountOf(bot);
    const offs: Array<() => void> = [];
    this.#offs.set(bot, offs);
    // Awaited by the bot: the message leaves the transport's inbox journal only once it is in ours.
    offs.push(bot.addSink((p) => this.#onMessage(account, p)));
    const transport = bot.transport;
    const on = <E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): void => {
      transport.on(event, listener);
      offs.push(() => transport.off(event, listener));
    };
    const event = (type: string, data: Record<string, unknown>): void => {
      void this.enqueue({ id: `${account}:${type}:${randomUUID()}`, type, account, data }).catch((err: unknown) => {
        this.#log.error({ err }, `webhook: journaling a ${type} event failed`);
      });
    };
    on('login', (e) => {
      event('login', { via: e.via, self: { id: e.self.stableId ?? e.self.userName, name: e.self.nickName } });
    });
    on('logout', (e) => {
      event('logout', { reason: e.reason });
    });
    // Recoveries are the Web client's own event.
    const client = webClientOf(bot);
    if (client !== undefined) {
      const recovered = (e: { via: string; attempt: number }): void => {
        event('recovered', { via: e.via, attempt: e.attempt });
      };
      client.on('recovered', recovered);
      offs.push(() => client.off('recovered', recovered));
    }
    offs.push(
      bot.onPluginFailure((f) => {
        event('plugin-failure', { plugin: f.plugin, what: f.what });
      }),
    );
  }

  async #onMessage(account: string, p: ProcessedMessage): Promise<void> {
    // The bot's own messages would loop a hook that replies; internal entries are not messages.
    if (p.sentByBot || !p.dispatched) return;
    const view = messageView(p.message, false);
    await this.enqueue({
      id: `${account}:message:${view.id}`,
      type: 'message',
      subtype: view.kind,
      account,
      chat: { id: view.chat.id, name: view.chat.name },
      messageId: view.id,
      data: { ...view },
    });
  }

  /** Journals an event for every hook whose filters take it; resolves once journaled. */
  async enqueue(event: {
    id: string;
    type: string;
    subtype?: string;
    account: string;
    chat?: { id: string; name: string };
    messageId?: string;
    data: Record<string, unknown>;
  }): Promise<void> {
    const body = JSON.stringify({
      id: event.id,
      type: event.type,
      account: event.account,
      at: new Date().toISOString(),
      ...(event.chat === undefined ? {} : { chat: event.chat }),
      data: event.data,
    });
    const writes: Promise<boolean>[] = [];
    for (const hook of this.#hooks.values()) {
      const { kinds, chats } = hook.config;
      if (kinds !== undefined && !kinds.some((k) => k === event.type || k === `${event.type}:${event.subtype ?? ''}`))
        continue;
      if (
        chats !== undefined &&
        event.chat !== undefined &&
        !chats.some((c) => c === event.chat!.id || c === event.chat!.name)
      )
        continue;
      writes.push(
        this.#journal.add({
          id: `${hook.id}:${event.id}`,
          hook: hook.id,
          body,
          account: event.account,
          chat: event.chat?.id,
          messageId: event.messageId,
          createdAt: Date.now(),
        }),
      );
    }
    const added = await Promise.all(writes);
    if (added.some(Boolean)) this.#pump();
  }

  /** Starts every due delivery a hook has room for; re-arms the timer for the next due one. */
  #pump(): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const now = Date.now();
    let next = Infinity;
    for (const d of this.#journal.pending()) {
      if (this.#inflight.has(d.id)) continue;
      const hook = this.#hooks.get(d.hook);
      if (hook === undefined) continue;
      const attempt = this.#attempts.get(d.id);
      const due = attempt?.nextAt ?? 0;
      if (due > now) {
        next = Math.min(next, due);
        continue;
      }
      if (hook.inflight >= this.#concurrency) continue;
      const run = this.#deliver(hook, d).finally(() => {
        this.#settled.delete(run);
        this.#pump();
      });
      this.#settled.add(run);
    }
    if (next !== Infinity) {
      this.#timer = setTimeout(() => {
        this.#pump();
      }, next - now);
      this.#timer.unref();
    }
  }

  async #deliver(hook: Hook, d: Delivery): Promise<void> {
    const ctl = new AbortController();
    this.#inflight.set(d.id, ctl);
    hook.inflight++;
    const timestamp = Math.floor(Date.now() / 1000);
    let outcome: 'delivered' | 'failed' = 'failed';
    let why = '';
    try {
      const res = await fetch(hook.config.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'wxbot-webhook',
          [SIGNATURE_HEADER]: signature(hook.config.secret, timestamp, d.body),
          [TIMESTAMP_HEADER]: String(timestamp),
          [DELIVERY_HEADER]: d.id,
          [IDEMPOTENCY_HEADER]: d.id,
        },
        body: d.body,
        signal: AbortSignal.any([ctl.signal, AbortSignal.timeout(hook.config.timeoutMs ?? 10_000)]),
      });
      const text = await res.text();
      if (res.ok) {
        outcome = 'delivered';
        const reply = d.chat === undefined ? undefined : replyOf(text);
        if (reply !== undefined) this.#reply(d, reply);
      } else why = `HTTP ${res.status}`;
    } catch (error) {
      why = error instanceof Error ? error.message : String(error);
    } finally {
      hook.inflight--;
      this.#inflight.delete(d.id);
    }
    // A crash marks nothing; a stop still records what was delivered, and leaves failures to the next run.
    if (this.#crashed || (this.#closed && outcome !== 'delivered')) return;
    if (outcome === 'delivered') {
      this.#attempts.delete(d.id);
      this.options.onOutcome?.(hook.id, 'delivered');
      await this.#journal.done(d.id);
      this.#wakeIdle();
      return;
    }
    this.options.onOutcome?.(hook.id, 'failed');
    const attempt = this.#attempts.get(d.id) ?? { attempts: 0, nextAt: 0 };
    attempt.attempts++;
    if (Date.now() - d.createdAt > this.#maxAgeMs) {
      this.#log.error(
        { delivery: d.id, attempts: attempt.attempts },
        `webhook ${hook.index} (webhooks[${hook.index}]): delivery dropped after ${attempt.attempts} attempts: ${why}`,
      );
      this.#attempts.delete(d.id);
      this.options.onOutcome?.(hook.id, 'dropped');
      await this.#journal.done(d.id);
      this.#wakeIdle();
      return;
    }
    const cap = Math.min(this.#maxMs, this.#baseMs * 2 ** (attempt.attempts - 1));
    attempt.nextAt = Date.now() + cap / 2 + Math.random() * (cap / 2);
    this.#attempts.set(d.id, attempt);
    this.#log.warn(
      { delivery: d.id, attempt: attempt.attempts },
      `webhooks[${hook.index}]: delivery failed (${why}); retrying in ${Math.round(attempt.nextAt - Date.now())} ms`,
    );
  }

  /** Sends the hook's answer to the message's chat; the message id as cause keeps a replay from sending it twice. */
  #reply(d: Delivery, text: string): void {
    const bot = this.#bots.get(d.account);
    if (bot === undefined || d.chat === undefined) return;
    const actions = createActions(actionBackend(bot), bot.actions, { plugin: WEBHOOK_PLUGIN, cause: d.messageId });
    actions.send(d.chat, text).catch((error: unknown) => {
      this.#log.warn({ err: error, delivery: d.id }, 'webhook reply could not be sent');
    });
  }

  /** Resolves once no delivery is pending (every one made, and marked in the journal). */
  idle(): Promise<void> {
    if (this.#journal.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #wakeIdle(): void {
    if (this.#journal.size > 0) return;
    for (const w of this.#idleWaiters.splice(0)) w();
  }

  /** Deliveries not yet made, and when the oldest was journaled. */
  stats(): { pending: number; oldestAt: number | undefined } {
    return { pending: this.#journal.size, oldestAt: this.#journal.oldestAt() };
  }

  /** Stops delivering: in-flight attempts are cancelled (retried on the next start) and the journal folded. */
  async close(): Promise<void> {
    this.#shutdown();
    await Promise.allSettled([...this.#settled]);
    await this.#journal.close();
  }

  /** As a kill -9 would leave it: nothing folded, nothing marked; for tests of the journal. */
  async crash(): Promise<void> {
    this.#crashed = true;
    this.#shutdown();
    await Promise.allSettled([...this.#settled]);
    await this.#journal.release();
  }

  #shutdown(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    for (const offs of this.#offs.values()) for (const off of offs) off();
    this.#offs.clear();
    for (const ctl of this.#inflight.values()) ctl.abort();
  }
}
