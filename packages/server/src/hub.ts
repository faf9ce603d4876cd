import type { Bot, ClientEvents, WxClient } from '@wxbot/core';

import type { EventBus } from './events.js';
import { actionView, idOf, messageView, nameOf, type MessageView } from './views.js';
import { clientOf } from './web-client.js';

/** Where the account's login stands, as the QR endpoint tells it. */
export type QrStatus = 'none' | 'waiting' | 'scanned' | 'logged-in';

/** The most chats whose recent messages are kept; the least recently active is forgotten first. */
const MAX_CHATS = 2000;

/**
 * One account as the control plane sees it: its bot, a bounded ring of recent messages per chat,
 * the current QR code (kept in memory only: it holds the login uuid), and its events on the bus.
 */
export class AccountHub {
  readonly id: string;
  readonly bot: Bot;
  readonly #recent = new Map<string, MessageView[]>();
  readonly #perChat: number;
  readonly #offs: Array<() => void> = [];
  #qrUrl: string | undefined;
  qrStatus: QrStatus = 'none';
  qrRefresh = 0;
  qrUpdatedAt: string | undefined;

  constructor(bot: Bot, bus: EventBus, perChat: number) {
    this.bot = bot;
    this.id = clientOf(bot).account;
    this.#perChat = perChat;
    const client = clientOf(bot);
    const account = this.id;
    // Made after the login (a bot the API is added to late): there is nothing left to scan.
    if (client.self !== undefined) this.qrStatus = 'logged-in';
    const on = <E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): void => {
      client.on(event, listener);
      this.#offs.push(() => client.off(event, listener));
    };
    const publish = (type: Parameters<EventBus['publish']>[0]['type'], data: Record<string, unknown>): void => {
      bus.publish({ type, account, chat: undefined, chatName: undefined, data });
    };
    on('qr', (e) => {
      this.#qrUrl = e.url;
      this.qrStatus = 'waiting';
      this.qrRefresh = e.refresh;
      this.qrUpdatedAt = new Date().toISOString();
      // Never the uuid or URL: whoever has them can log in as the account.
      publish('qr', { refresh: e.refresh });
    });
    on('scanned', () => {
      this.qrStatus = 'scanned';
      this.qrUpdatedAt = new Date().toISOString();
      publish('scanned', {});
    });
    on('login', (e) => {
      this.#qrUrl = undefined;
      this.qrStatus = 'logged-in';
      this.qrUpdatedAt = new Date().toISOString();
      publish('login', { via: e.via, self: { id: idOf(e.self), name: nameOf(e.self) } });
    });
    on('logout', (e) => {
      this.qrStatus = 'none';
      publish('logout', { reason: e.reason, ...(e.retcode === undefined ? {} : { retcode: e.retcode }) });
    });
    on('recovered', (e) => {
      publish('recovered', { via: e.via, attempt: e.attempt });
    });
    on('state', (e) => {
      publish('state', { from: e.from, to: e.to });
    });
    this.#offs.push(
      bot.onProcessed((p) => {
        const view = messageView(p.message, p.sentByBot);
        this.#remember(view);
        bus.publish({
          type: 'message',
          account,
          chat: view.chat.id,
          chatName: view.chat.name,
          data: { ...view },
        });
        bus.publish({
          type: 'processed',
          account,
          chat: view.chat.id,
          chatName: view.chat.name,
          data: { messageId: view.id, dispatched: p.dispatched, ms: p.ms ?? 0 },
        });
      }),
      bot.actions.subscribe((record) => {
        const view = actionView(record, this.#contacts());
        bus.publish({ type: 'action', account, chat: view.chat.id, chatName: view.chat.name, data: { ...view } });
      }),
      bot.onPluginFailure((f) => {
        publish('plugin-failure', { plugin: f.plugin, what: f.what });
      }),
    );
  }

  /** The contact store, once there is one (before login the client may have none to read). */
  #contacts(): WxClient['contacts'] | undefined {
    try {
      return clientOf(this.bot).self === undefined ? undefined : clientOf(this.bot).contacts;
    } catch {
      return undefined;
    }
  }

  /** The current QR code's content, only for drawing the PNG. */
  get qrContent(): string | undefined {
    return this.#qrUrl;
  }

  #remember(view: MessageView): void {
    const key = view.chat.id;
    let ring = this.#recent.get(key);
    if (ring === undefined) {
      ring = [];
      if (this.#recent.size >= MAX_CHATS) {
        const oldest = this.#recent.keys().next().value;
        if (oldest !== undefined) this.#recent.delete(oldest);
      }
    } else this.#recent.delete(key); // re-inserted below: the map's order is the chats' activity order
    this.#recent.set(key, ring);
    ring.push(view);
    if (ring.length > this.#perChat) ring.splice(0, ring.length - this.#perChat);
  }

  /** The latest messages of a chat (by its id), oldest first. */
  recent(chatId: string, limit: number): MessageView[] {
    const ring = this.#recent.get(chatId) ?? [];
    return ring.slice(Math.max(0, ring.length - limit));
  }

  close(): void {
    for (const off of this.#offs.splice(0)) off();
  }
}
