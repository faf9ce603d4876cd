import type { Bot, Contact, TransportContacts, TransportEvents } from '@wxbot/core';

import { accountOf, contactsOf, webClientOf } from './account-access.js';
import type { EventBus } from './events.js';
import { actionView, idOf, messageView, nameOf, type MessageView } from './views.js';

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
  /** The chats seen in messages, by id: the only contacts a transport without a contact list (iLink) knows. */
  readonly #seen = new Map<string, Contact>();
  readonly #perChat: number;
  readonly #offs: Array<() => void> = [];
  #qrUrl: string | undefined;
  qrStatus: QrStatus = 'none';
  qrRefresh = 0;
  qrUpdatedAt: string | undefined;

  /**
   * `previous`: the hub of the bot this one replaces (a restarted account): its recent messages and seen
   * chats carry over, so the chat view does not go blank at a restart. The caller closes it.
   */
  constructor(bot: Bot, bus: EventBus, perChat: number, previous?: AccountHub) {
    this.bot = bot;
    this.id = accountOf(bot);
    this.#perChat = perChat;
    if (previous !== undefined) {
      for (const [chat, ring] of previous.#recent) this.#recent.set(chat, [...ring]);
      for (const [chat, contact] of previous.#seen) this.#seen.set(chat, contact);
    }
    // Every transport's events (the seam's), so an iLink account's QR and login show as a Web one's do.
    const transport = bot.transport;
    const account = this.id;
    // Made after the login (a bot the API is added to late): there is nothing left to scan.
    if (transport.self !== undefined) this.qrStatus = 'logged-in';
    const on = <E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): void => {
      transport.on(event, listener);
      this.#offs.push(() => transport.off(event, listener));
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
    // Recoveries are the Web client's own event (iLink re-logs in through `state`).
    const client = webClientOf(bot);
    if (client !== undefined) {
      const recovered = (e: { via: string; attempt: number }): void => {
        publish('recovered', { via: e.via, attempt: e.attempt });
      };
      client.on('recovered', recovered);
      this.#offs.push(() => client.off('recovered', recovered));
    }
    on('state', (e) => {
      publish('state', { from: e.from, to: e.to });
    });
    this.#offs.push(
      bot.onProcessed((p) => {
        const view = messageView(p.message, p.sentByBot);
        this.#remember(view);
        this.#see(p.message.chat.userName, view);
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

  /** The contact store, once there is one (before login the transport may have none to read). */
  #contacts(): TransportContacts | undefined {
    return contactsOf(this.bot);
  }

  /** Keeps the chat a message came in (bounded like the rings): what an iLink account can list. */
  #see(userName: string, view: MessageView): void {
    if (this.#seen.has(view.chat.id)) return;
    if (this.#seen.size >= MAX_CHATS) {
      const oldest = this.#seen.keys().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    // The transport's own record of the chat (iLink keeps one per user who wrote); none: nothing to list.
    const known = this.#contacts()?.contact(userName);
    if (known !== undefined) this.#seen.set(view.chat.id, known);
  }

  /** The chats this account has had messages in, in the order first seen. */
  seenChats(): Contact[] {
    return [...this.#seen.values()];
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

/** One hub per bot, each subscribed to its bot's events from now on; two bots may not share an account name. */
export function createHubs(bots: readonly Bot[], bus: EventBus, perChat: number): Map<string, AccountHub> {
  const hubs = new Map<string, AccountHub>();
  for (const bot of bots) {
    const hub = new AccountHub(bot, bus, perChat);
    if (hubs.has(hub.id)) {
      hub.close();
      for (const made of hubs.values()) made.close();
      throw new Error(`two bots share the account name ${JSON.stringify(hub.id)}; give each its own account.name`);
    }
    hubs.set(hub.id, hub);
  }
  return hubs;
}

/**
 * Serves the account named `bot.transport.account` by `bot` (a restarted account's new bot): its hub is
 * replaced under the same id and the old one closed. Throws for an account not in `hubs`.
 */
export function replaceHub(hubs: Map<string, AccountHub>, bus: EventBus, perChat: number, bot: Bot): AccountHub {
  const account = accountOf(bot);
  const old = hubs.get(account);
  if (old === undefined)
    throw new Error(
      `replaceBot: the API serves no account ${JSON.stringify(account)} (accounts: ${[...hubs.keys()].map((k) => JSON.stringify(k)).join(', ') || 'none'}); a bot can only replace one it was started with`,
    );
  if (old.bot === bot) return old;
  const hub = new AccountHub(bot, bus, perChat, old);
  old.close();
  hubs.set(account, hub);
  return hub;
}
