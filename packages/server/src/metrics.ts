import type { ActionRecord, Bot, ClientEvents, QueueStats, TransportEvents, WxClient } from '@wxbot/core';
import { createRequire } from 'node:module';

import type * as Prom from 'prom-client';

import { accountOf, webClientOf } from './account-access.js';

// The four classes from their own files: prom-client's index also loads the default collectors (which load
// @opentelemetry/api), the Pushgateway (http, https) and the cluster aggregator — about 55 ms of CPU on each
// `wxbot start` (issue 20, cold start) for code the bot never runs. The same classes the index exports.
const require = createRequire(import.meta.url);
const Registry = require('prom-client/lib/registry') as typeof Prom.Registry;
const Counter = require('prom-client/lib/counter') as typeof Prom.Counter;
const Gauge = require('prom-client/lib/gauge') as typeof Prom.Gauge;
const Histogram = require('prom-client/lib/histogram') as typeof Prom.Histogram;

/** Endpoints whose successful answer means the account is in sync with the server. */
const SYNC_ENDPOINTS = new Set(['synccheck', 'webwxsync']);
/** Endpoints that send a message (what counts as a message out). */
const SEND_ENDPOINTS = new Set([
  'webwxsendmsg',
  'webwxsendmsgimg',
  'webwxsendvideomsg',
  'webwxsendemoticon',
  'webwxsendappmsg',
]);

/** Extra gauges the owner of the metrics fills at scrape time (the webhook journal). */
export interface MetricsSources {
  webhookJournal?: () => { pending: number; oldestAt: number | undefined };
}

/**
 * The bot's Prometheus metrics, one `account` label per bot, fed by the client's events and the
 * bot's hooks (nothing polls the client between scrapes; queue and journal sizes are read at scrape time).
 * A registry of its own: two bots in one process never share (or double-register) series.
 */
export class BotMetrics {
  readonly registry = new Registry();
  /** Each watched bot's unsubscribes: `unwatch` disposes one bot's, `close` every one's. */
  readonly #offs = new Map<Bot, Array<() => void>>();
  readonly #lastSync = new Map<string, number>();
  readonly #bots: Bot[] = [];
  /** Sends of non-Web accounts not yet settled at the last scrape (bounded by the outbox: they settle). */
  readonly #unsettled = new Set<{ readonly bot: Bot; readonly account: string; readonly record: ActionRecord }>();
  readonly requests: Prom.Counter<'account' | 'endpoint' | 'retcode'>;
  readonly requestSeconds: Prom.Histogram<'account' | 'endpoint'>;
  readonly messagesIn: Prom.Counter<'account' | 'kind'>;
  readonly messagesOut: Prom.Counter<'account' | 'endpoint'>;
  readonly rateLimited: Prom.Counter<'account' | 'action_class'>;
  readonly backoffSeconds: Prom.Histogram<'account' | 'action_class'>;
  readonly logins: Prom.Counter<'account' | 'via'>;
  readonly logouts: Prom.Counter<'account' | 'reason'>;
  readonly reconnects: Prom.Counter<'account' | 'via'>;
  readonly pluginErrors: Prom.Counter<'account' | 'plugin'>;
  readonly handlerSeconds: Prom.Histogram<'account'>;
  readonly pluginHandlerSeconds: Prom.Histogram<'account' | 'plugin'>;
  readonly webhookDeliveries: Prom.Counter<'hook' | 'outcome'>;

  constructor(sources: MetricsSources = {}) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'wxbot_requests_total',
      help: 'Requests to the WeChat server by endpoint and retcode (0 = ok; http_<status>; network)',
      labelNames: ['account', 'endpoint', 'retcode'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'wxbot_request_duration_seconds',
      help: 'Time of requests to the WeChat server (long polls included)',
      labelNames: ['account', 'endpoint'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.messagesIn = new Counter({
      name: 'wxbot_messages_in_total',
      help: 'Messages received (not sent by the bot), by kind',
      labelNames: ['account', 'kind'],
      registers,
    });
    this.messagesOut = new Counter({
      name: 'wxbot_messages_out_total',
      help: 'Messages the server accepted from the bot, by send endpoint (iLink: by content type)',
      labelNames: ['account', 'endpoint'],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'wxbot_rate_limited_total',
      help: 'Actions the server refused with 1205 (or that waited after one), by action class',
      labelNames: ['account', 'action_class'],
      registers,
    });
    this.backoffSeconds = new Histogram({
      name: 'wxbot_rate_limit_backoff_seconds',
      help: 'Backoff before retrying a rate-limited action',
      labelNames: ['account', 'action_class'],
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300],
      registers,
    });
    this.logins = new Counter({
      name: 'wxbot_logins_total',
      help: 'Logins by how (hot = saved session, push = phone confirm, qr)',
      labelNames: ['account', 'via'],
      registers,
    });
    this.logouts = new Counter({
      name: 'wxbot_logouts_total',
      help: 'Sessions ended, by cause',
      labelNames: ['account', 'reason'],
      registers,
    });
    this.reconnects = new Counter({
      name: 'wxbot_reconnects_total',
      help: 'Recoveries after a logout, stuck sync or watchdog trip, by how',
      labelNames: ['account', 'via'],
      registers,
    });
    this.pluginErrors = new Counter({
      name: 'wxbot_plugin_errors_total',
      help: 'Counted plugin failures (throws, rejections, timeouts), by plugin',
      labelNames: ['account', 'plugin'],
      registers,
    });
    this.handlerSeconds = new Histogram({
      name: 'wxbot_handler_duration_seconds',
      help: 'Time every plugin together took over one message',
      labelNames: ['account'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
      registers,
    });
    this.pluginHandlerSeconds = new Histogram({
      name: 'wxbot_plugin_handler_seconds',
      help: "One plugin's handler time over one message or event (its own time, not the plugins after it)",
      labelNames: ['account', 'plugin'],
      buckets: [0.0001, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
      registers,
    });
    this.webhookDeliveries = new Counter({
      name: 'wxbot_webhook_deliveries_total',
      help: 'Webhook delivery attempts by hook and outcome (delivered, failed, dropped)',
      labelNames: ['hook', 'outcome'],
      registers,
    });
    const bots = this.#bots;
    const lastSync = this.#lastSync;
    const stats = (bot: Bot): QueueStats | undefined => {
      // Queue and journal stats are the Web client's; other transports report none (no series, not zeros).
      const client = webClientOf(bot) as (WxClient & { queueStats?: () => QueueStats }) | undefined;
      return typeof client?.queueStats === 'function' ? client.queueStats() : undefined;
    };
    new Gauge({
      name: 'wxbot_sync_lag_seconds',
      help: 'Seconds since the last successful synccheck or webwxsync answer',
      labelNames: ['account'],
      registers,
      collect() {
        this.reset();
        const now = Date.now();
        for (const [account, at] of lastSync) this.set({ account }, (now - at) / 1000);
      },
    });
    new Gauge({
      name: 'wxbot_outbox_queue_depth',
      help: 'Outbound actions queued or in flight',
      labelNames: ['account'],
      registers,
      collect() {
        this.reset();
        for (const bot of bots) {
          const s = stats(bot);
          if (s !== undefined) this.set({ account: accountOf(bot) }, s.outboxActive);
        }
      },
    });
    new Gauge({
      name: 'wxbot_outbox_oldest_age_seconds',
      help: 'Age of the oldest journaled send not yet answered (0 when none)',
      labelNames: ['account'],
      registers,
      collect() {
        this.reset();
        const now = Date.now();
        for (const bot of bots) {
          const s = stats(bot);
          if (s !== undefined)
            this.set({ account: accountOf(bot) }, s.outboxOldestAt === undefined ? 0 : (now - s.outboxOldestAt) / 1000);
        }
      },
    });
    new Gauge({
      name: 'wxbot_journal_entries',
      help: 'Entries in the durable journals (inbox: messages not yet handled; outbox: sends not yet answered; webhooks: deliveries not yet made)',
      labelNames: ['account', 'journal'],
      registers,
      collect() {
        this.reset();
        for (const bot of bots) {
          const s = stats(bot);
          if (s === undefined) continue;
          this.set({ account: accountOf(bot), journal: 'inbox' }, s.inboxPending);
          this.set({ account: accountOf(bot), journal: 'outbox' }, s.outboxJournaled);
        }
        const hooks = sources.webhookJournal?.();
        if (hooks !== undefined) this.set({ account: '', journal: 'webhooks' }, hooks.pending);
      },
    });
    new Gauge({
      name: 'wxbot_account_up',
      help: '1 while the account is logged in and syncing',
      labelNames: ['account'],
      registers,
      collect() {
        this.reset();
        for (const bot of bots) this.set({ account: accountOf(bot) }, bot.transport.state === 'syncing' ? 1 : 0);
      },
    });
  }

  /**
   * Starts counting for `bot` (its transport's `account` is the label). Watching a bot already watched does
   * nothing: its events would be counted twice. A restarted account's new bot is watched after `unwatch`ing
   * the old one: the account's counters go on under the same label.
   */
  watch(bot: Bot): void {
    if (this.#offs.has(bot)) return;
    const offs: Array<() => void> = [];
    this.#offs.set(bot, offs);
    this.#bots.push(bot);
    const transport = bot.transport;
    const account = accountOf(bot);
    const onTransport = <E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): void => {
      transport.on(event, listener);
      offs.push(() => transport.off(event, listener));
    };
    onTransport('login', (e) => {
      this.logins.inc({ account, via: e.via });
    });
    onTransport('logout', (e) => {
      this.logouts.inc({ account, reason: e.reason });
    });
    offs.push(
      bot.onProcessed((p) => {
        if (!p.sentByBot) this.messagesIn.inc({ account, kind: p.message.kind });
        if (p.ms !== undefined) this.handlerSeconds.observe({ account }, p.ms / 1000);
      }),
      bot.onPluginFailure((f) => {
        this.pluginErrors.inc({ account, plugin: f.plugin });
      }),
      bot.onPluginTime((t) => {
        this.pluginHandlerSeconds.observe({ account, plugin: t.plugin }, t.ms / 1000);
      }),
    );
    const client = webClientOf(bot);
    if (client === undefined) {
      this.#countSends(bot, account, offs);
      return;
    }
    // What only the Web client reports: every request with its retcode, rate-limit classes, recoveries.
    const on = <E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): void => {
      client.on(event, listener);
      offs.push(() => client.off(event, listener));
    };
    on('request', (e) => {
      this.requests.inc({ account, endpoint: e.endpoint, retcode: e.retcode });
      this.requestSeconds.observe({ account, endpoint: e.endpoint }, e.ms / 1000);
      if (e.retcode === '0' && SYNC_ENDPOINTS.has(e.endpoint)) this.#lastSync.set(account, Date.now());
      if (e.retcode === '0' && SEND_ENDPOINTS.has(e.endpoint)) this.messagesOut.inc({ account, endpoint: e.endpoint });
    });
    on('rate-limited', (e) => {
      this.rateLimited.inc({ account, action_class: e.actionClass });
      this.backoffSeconds.observe({ account, action_class: e.actionClass }, e.retryInMs / 1000);
    });
    on('recovered', (e) => {
      this.reconnects.inc({ account, via: e.via });
    });
  }

  /**
   * Messages out for a transport without per-request events (iLink): every send in the action log that the
   * server accepted, labelled by the action (`sendText`, ...). Read when the send settles, not when it is asked.
   */
  #countSends(bot: Bot, account: string, offs: Array<() => void>): void {
    offs.push(
      bot.actions.subscribe((record) => {
        if (record.action !== 'send') return;
        // Without scrapes the set would only grow: settled entries are counted every 1,000 sends too.
        if (this.#unsettled.size >= 1000) this.#sweep();
        this.#unsettled.add({ bot, account, record });
      }),
    );
  }

  /** Counts the sends (of transports without request events) that settled since the last scrape. */
  #sweep(): void {
    for (const entry of this.#unsettled) {
      const { record, account } = entry;
      if (record.status === 'pending') continue;
      this.#unsettled.delete(entry);
      if (record.status === 'done') this.messagesOut.inc({ account, endpoint: record.content?.type ?? 'send' });
    }
  }

  /** The Prometheus text exposition. */
  async text(): Promise<string> {
    this.#sweep();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * Stops counting for `bot` (a restarted account's old bot): its listeners are removed, its gauges go, and
   * its sends that settled are counted now; one still pending is dropped uncounted (the stopped bot would
   * keep it in the set for ever). Unknown bots are ignored.
   */
  unwatch(bot: Bot): void {
    const offs = this.#offs.get(bot);
    if (offs === undefined) return;
    this.#offs.delete(bot);
    for (const off of offs) off();
    this.#bots.splice(this.#bots.indexOf(bot), 1);
    this.#sweep();
    for (const entry of this.#unsettled) if (entry.bot === bot) this.#unsettled.delete(entry);
  }

  close(): void {
    for (const offs of this.#offs.values()) for (const off of offs) off();
    this.#offs.clear();
  }
}
