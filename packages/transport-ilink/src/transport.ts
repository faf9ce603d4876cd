/**
 * WeChat's official bot API (iLink) as a core `Transport`: log in by QR (or resume the saved token),
 * receive through the journaled long-poll loop, answer through the outbox with each user's
 * `context_token`. What it cannot do (rooms, friend requests, recall, writing first) is declared in
 * `ILINK_CAPABILITIES`, so plugins needing it are refused at load.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';

import type {
  Contact,
  DownloadOptions,
  DownloadResult,
  DownloadTarget,
  InboundHandler,
  LoginVia,
  LogoutReason,
  MediaSource,
  Message,
  Room,
  RoomMember,
  SendCallOptions,
  SentMessage,
  SessionStore,
  Transport,
  TransportCapabilities,
  TransportContacts,
  TransportEvents,
  TransportState,
} from '@wxbot/core';

import { DEFAULT_API_BASE, DEFAULT_CDN_BASE, IlinkApi } from './api.js';
import { DeadLetters } from './dead-letter.js';
import { IlinkProtocolError, MessageDeadLettered, SessionTimeout, TransportStopped } from './errors.js';
import { qrLogin } from './login.js';
import { ReceiveLoop } from './loop.js';
import { poisonPolicy, type PoisonPolicy } from './poison.js';
import { downloadMedia, mediaItem, uploadMedia, type OutgoingMediaKind } from './media.js';
import { readSource, writeTarget } from './files.js';
import { ilinkContact, ilinkOriginal, normalizeIlink } from './normalize.js';
import { DEFAULT_REPLY_WINDOW_MS, ilinkCapabilities, type IlinkTransportOptions } from './options.js';
import { DEFAULT_RETRY, Outbox, type SendCause } from './outbox.js';
import { SendJournal } from './sends.js';
import {
  DefaultFileStore,
  IlinkInbox,
  emptySession,
  loadSession,
  messageKey,
  type IlinkSessionDoc,
  type InboxEntry,
} from './state.js';
import { ItemType, MessageType, TypingStatus, type WeixinMessage } from './wire.js';

export class IlinkTransport extends EventEmitter implements Transport {
  readonly name = 'ilink';
  readonly account: string;
  readonly capabilities: TransportCapabilities;
  private readonly store: SessionStore;
  private readonly sessionKey: string;
  private readonly inbox: IlinkInbox;
  private readonly fixedApi: IlinkApi;
  private botApi: IlinkApi | undefined;
  private session: IlinkSessionDoc = emptySession();
  private readonly saveSession: () => Promise<void>;
  private loop: ReceiveLoop | undefined;
  private outbox: Outbox;
  private handler: InboundHandler | undefined;
  private readonly delivering = new Set<string>();
  private readonly handling = new Set<Promise<void>>();
  private readonly known = new Map<string, Contact>();
  private readonly typingTickets = new Map<string, string>();
  private currentState: TransportState = 'idle';
  private selfContact: Contact | undefined;
  private stopSignal = new AbortController();
  private readonly now: () => number;
  private readonly journal: SendJournal;
  private readonly deadLetters: DeadLetters;
  private readonly poison: PoisonPolicy;

  constructor(private readonly options: IlinkTransportOptions = {}) {
    super();
    this.account = options.account ?? 'default';
    this.now = options.now ?? Date.now;
    this.poison = poisonPolicy(options.poison);
    const dataDir = options.dataDir ?? join(process.cwd(), '.wxbot');
    this.store = options.sessionStore ?? new DefaultFileStore(dataDir);
    this.deadLetters = new DeadLetters(
      options.deadLetterDir ?? join(dataDir, 'ilink-dead-letter', this.account),
      this.account,
      this.now,
    );
    this.sessionKey = `${this.account}/ilink-session`;
    this.inbox = new IlinkInbox(this.store, `${this.account}/ilink-inbox`, options.dedupeSize ?? 5_000);
    this.fixedApi = new IlinkApi({
      baseUrl: options.apiBaseUrl ?? DEFAULT_API_BASE,
      cdnBaseUrl: options.cdnBaseUrl ?? DEFAULT_CDN_BASE,
      botAgent: options.botAgent,
      routeTag: options.routeTag,
      timeoutMs: options.requestTimeoutMs,
    });
    const window = options.replyWindowMs === undefined ? DEFAULT_REPLY_WINDOW_MS : (options.replyWindowMs ?? undefined);
    this.capabilities = ilinkCapabilities(window);
    let chain: Promise<void> = Promise.resolve();
    this.saveSession = () => {
      // Writes in call order; each writes the session as it is when its turn comes.
      chain = chain
        .catch(() => undefined)
        .then(() => this.store.set(this.sessionKey, { ...this.session, savedAt: Date.now() }));
      return chain;
    };
    this.journal = new SendJournal({
      records: () => this.session.sends,
      write: (sends) => {
        this.session = { ...this.session, sends };
        return this.saveSession();
      },
    });
    this.outbox = this.newOutbox();
  }

  private newOutbox(): Outbox {
    return new Outbox({
      api: () => this.api(),
      context: (userId) => this.session.contexts[userId],
      replyWindowMs: this.capabilities.replyWindowMs,
      now: this.now,
      retry: { ...DEFAULT_RETRY, ...this.options.sendRetry },
      onRetry: (error, attempt) => {
        this.emitError(error, `send retry ${attempt}`);
      },
      journal: this.journal,
    });
  }

  /** Received messages moved to dead-letter files (never journaled, skipped) since this transport was made. */
  get deadLettered(): number {
    return this.deadLetters.count;
  }

  get state(): TransportState {
    return this.currentState;
  }

  get self(): Contact | undefined {
    return this.selfContact;
  }

  /** The iLink API the bot talks to (for what only iLink has); throws before login. */
  api(): IlinkApi {
    if (!this.botApi) throw new IlinkProtocolError('iLink: not logged in yet; call start() first');
    return this.botApi;
  }

  readonly contacts: TransportContacts = {
    get self(): Contact {
      throw new IlinkProtocolError('iLink: not logged in yet');
    },
    contact: (userName: string): Contact | undefined =>
      userName === this.selfContact?.userName ? this.selfContact : this.known.get(userName),
    room: (): Room | undefined => undefined,
    member: (): RoomMember | undefined => undefined,
    byStableId: (stableId: string): Contact | undefined => this.contacts.contact(stableId),
  };

  private setState(to: TransportState): void {
    const from = this.currentState;
    if (from === to) return;
    this.currentState = to;
    this.emit('state', { from, to });
  }

  private emitError(error: Error, context: string): void {
    if (this.listenerCount('error') > 0) this.emit('error', { error, context });
  }

  override on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  override off<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }

  async start(): Promise<Contact> {
    if (this.currentState !== 'idle' && this.currentState !== 'stopped' && this.currentState !== 'logged-out') {
      throw new IlinkProtocolError(`iLink: start() called while ${this.currentState}`);
    }
    this.stopSignal = new AbortController();
    this.outbox = this.newOutbox();
    this.setState('logging-in');
    try {
      this.session = (await loadSession(this.store, this.sessionKey)) ?? emptySession();
      await this.inbox.load();
      for (const userId of Object.keys(this.session.contexts)) this.known.set(userId, ilinkContact(userId, 'friend'));
      const via = await this.login();
      this.setState('syncing');
      this.startLoop();
      this.deliverPending();
      const self = this.selfContact;
      if (!self) throw new IlinkProtocolError('iLink: login ended without a bot id');
      this.emit('login', { self, via });
      return self;
    } catch (err) {
      this.setState('stopped');
      throw err;
    }
  }

  /** Resumes the saved token when the server still takes it (`notifystart`), else logs in by QR. */
  private async login(): Promise<LoginVia> {
    const s = this.session;
    if (s.botToken && s.botId) {
      const api = this.fixedApi.withBase(s.baseUrl ?? this.fixedApi.baseUrl, s.botToken);
      try {
        await api.notifyStart();
        this.useLogin(api, s.botId);
        return 'hot';
      } catch (err) {
        if (!(err instanceof SessionTimeout)) throw err;
        await this.forgetToken();
      }
    }
    await this.qrLogin();
    return 'qr';
  }

  private async qrLogin(): Promise<void> {
    const result = await qrLogin(this.fixedApi, {
      ...this.options.login,
      localTokens: this.session.tokenHistory,
      onQr: (url, refresh) => this.emit('qr', { url, refresh }),
      onScanned: () => this.emit('scanned', {}),
      verifyCode: this.options.verifyCode,
      signal: this.stopSignal.signal,
    });
    const sameBot = result.botId === this.session.botId;
    this.session = {
      ...this.session,
      botToken: result.botToken,
      botId: result.botId,
      ownerId: result.ownerId,
      baseUrl: result.baseUrl,
      tokenHistory: [...this.session.tokenHistory.filter((t) => t !== result.botToken), result.botToken].slice(-10),
      // Another bot's cursor and contexts mean nothing to this one.
      ...(sameBot ? {} : { cursor: '', contexts: {} }),
    };
    await this.saveSession();
    const api = this.fixedApi.withBase(result.baseUrl ?? this.fixedApi.baseUrl, result.botToken);
    await api.notifyStart();
    this.useLogin(api, result.botId);
  }

  private useLogin(api: IlinkApi, botId: string): void {
    this.botApi = api;
    this.selfContact = ilinkContact(botId, 'self');
    const self = this.selfContact;
    Object.defineProperty(this.contacts, 'self', { get: () => self, configurable: true });
  }

  private async forgetToken(): Promise<void> {
    this.session = { ...this.session, botToken: undefined };
    this.botApi = undefined;
    await this.saveSession();
  }

  private startLoop(): void {
    this.loop = new ReceiveLoop({
      api: () => this.api(),
      inbox: this.inbox,
      cursor: () => this.session.cursor,
      commit: (cursor, batch) => this.commit(cursor, batch),
      deliver: (entries) => {
        this.deliver(entries);
      },
      onError: (error) => {
        this.emitError(error, 'getupdates');
      },
      onSessionTimeout: (error) => void this.onSessionTimeout(error),
      backoffMs: this.options.backoffMs ?? 1_000,
      maxBackoffMs: this.options.maxBackoffMs ?? 30_000,
      holdMs: this.options.pollHoldMs,
      poison: this.poison,
      now: this.options.loopClock?.now,
      sleep: this.options.loopClock?.sleep,
      deadLetter: async (msg, error, attempts) => {
        const file = await this.deadLetters.put(msg, error, attempts);
        const dead = new MessageDeadLettered(messageKey(msg), file, attempts, error);
        this.options.logger?.error({ messageId: dead.messageId, file, attempts }, dead.message);
        this.emitError(dead, 'dead-letter');
      },
    });
    this.loop.start();
  }

  /** Saves the cursor with the reply contexts the batch brings (each user's newest token). */
  private async commit(cursor: string, batch: readonly WeixinMessage[]): Promise<void> {
    const contexts = { ...this.session.contexts };
    for (const m of batch) {
      const from = m.from_user_id;
      if (!from || m.message_type === MessageType.BOT || !m.context_token) continue;
      const at = m.create_time_ms ?? this.now();
      const prev = contexts[from];
      if (!prev || prev.lastAt <= at) contexts[from] = { token: m.context_token, lastAt: at };
      if (!this.known.has(from)) this.known.set(from, ilinkContact(from, 'friend'));
    }
    this.session = { ...this.session, cursor, contexts };
    await this.saveSession();
  }

  private async onSessionTimeout(error: SessionTimeout): Promise<void> {
    this.emitError(error, 'getupdates');
    this.emit('logout', { reason: 'cookie-invalid' satisfies LogoutReason });
    this.loop = undefined;
    try {
      await this.forgetToken();
      if (this.options.reloginOnTimeout === false || this.stopSignal.signal.aborted) {
        this.setState('logged-out');
        return;
      }
      this.setState('recovering');
      await this.qrLogin();
      const self = this.selfContact;
      if (self) this.emit('login', { self, via: 'qr' });
      this.setState('syncing');
      this.startLoop();
    } catch (err) {
      this.emitError(err instanceof Error ? err : new Error(String(err)), 'relogin');
      this.setState('logged-out');
    }
  }

  setHandler(handler: InboundHandler): void {
    this.handler = handler;
    this.deliverPending();
  }

  private deliverPending(): void {
    if (this.currentState === 'syncing') this.deliver(this.inbox.pendingEntries());
  }

  private deliver(entries: readonly InboxEntry[]): void {
    const handler = this.handler;
    if (!handler) return;
    const botId = this.session.botId ?? '';
    for (const entry of entries) {
      if (this.delivering.has(entry.id)) continue;
      if (entry.msg.message_type === MessageType.BOT) {
        void this.inbox.markDone(entry.id);
        continue;
      }
      this.delivering.add(entry.id);
      const message = normalizeIlink(entry.msg, {
        id: entry.id,
        botId,
        contact: (userId) => this.known.get(userId) ?? ilinkContact(userId, 'friend'),
      });
      const run = (async () => {
        try {
          await handler({ message, events: [], sentByBot: false, receivedAt: entry.receivedAt });
        } catch (err) {
          this.emitError(err instanceof Error ? err : new Error(String(err)), 'message handler');
        }
        try {
          await this.inbox.markDone(entry.id);
        } catch (err) {
          this.emitError(err instanceof Error ? err : new Error(String(err)), 'inbox');
        } finally {
          this.delivering.delete(entry.id);
        }
      })();
      this.handling.add(run);
      void run.finally(() => this.handling.delete(run));
    }
  }

  async stop(): Promise<void> {
    if (this.currentState === 'stopped' || this.currentState === 'idle') return;
    this.setState('stopping');
    this.stopSignal.abort();
    await this.loop?.stop();
    this.loop = undefined;
    await Promise.allSettled([...this.handling]);
    await this.outbox.close(true);
    if (this.botApi)
      await this.botApi.notifyStop().catch((err: unknown) => {
        this.emitError(err as Error, 'notifystop');
      });
    await this.inbox.flush();
    await this.saveSession();
    this.setState('stopped');
  }

  async logout(): Promise<void> {
    await this.stop();
    this.session = emptySession();
    this.botApi = undefined;
    await this.store.delete(this.sessionKey);
    this.emit('logout', { reason: 'user-logout' satisfies LogoutReason });
    this.setState('logged-out');
  }

  // ---- actions -----------------------------------------------------------------------------

  sendText(to: string, text: string, opts?: SendCallOptions): Promise<SentMessage> {
    return this.outbox.send(
      'sendText',
      to,
      () => Promise.resolve([{ type: ItemType.TEXT, text_item: { text } }]),
      ItemType.TEXT,
      causeOf(opts, `text:${text}`),
    );
  }

  private async sendMedia(
    kind: OutgoingMediaKind,
    to: string,
    file: MediaSource,
    name: string | undefined,
    opts: SendCallOptions | undefined,
  ): Promise<SentMessage> {
    const type = { image: ItemType.IMAGE, video: ItemType.VIDEO, file: ItemType.FILE, voice: ItemType.VOICE }[kind];
    const { data, fileName } = await readSource(file, name);
    const digest = createHash('sha256').update(data).digest('hex');
    return this.outbox.send(
      `send ${kind}`,
      to,
      async () => [mediaItem(kind, await uploadMedia(this.api(), data, kind, to), fileName)],
      type,
      causeOf(opts, `${kind}:${digest}:${fileName ?? ''}`),
    );
  }

  sendImage(to: string, file: MediaSource, name?: string, opts?: SendCallOptions): Promise<SentMessage> {
    return this.sendMedia('image', to, file, name, opts);
  }
  sendVideo(to: string, file: MediaSource, name?: string, opts?: SendCallOptions): Promise<SentMessage> {
    return this.sendMedia('video', to, file, name, opts);
  }
  sendFile(to: string, file: MediaSource, name?: string, opts?: SendCallOptions): Promise<SentMessage> {
    return this.sendMedia('file', to, file, name, opts);
  }
  sendVoice(to: string, file: MediaSource, name?: string, opts?: SendCallOptions): Promise<SentMessage> {
    return this.sendMedia('voice', to, file, name, opts);
  }

  /** The decrypted bytes of a received image, voice, file or video. */
  async downloadBytes(message: Message): Promise<Buffer> {
    const original = ilinkOriginal(message);
    const item = original?.item_list?.find(
      (i) => i.type !== undefined && i.type >= ItemType.IMAGE && i.type <= ItemType.VIDEO,
    );
    if (!item) throw new IlinkProtocolError(`download: message ${message.id} carries no iLink media`);
    return downloadMedia(this.api(), item);
  }

  async download(message: Message, target: DownloadTarget, opts: DownloadOptions = {}): Promise<DownloadResult> {
    const bytes = await this.downloadBytes(message);
    const fallback = message.kind === 'file' ? message.fileName : `${message.id}.${extFor(message.kind)}`;
    return writeTarget(bytes, target, opts.fileName ?? fallback);
  }

  /** Shows (or clears) "typing…" to a user who wrote to the bot (getconfig's ticket, cached per user). */
  async setTyping(to: string, on: boolean): Promise<void> {
    if (this.stopSignal.signal.aborted) throw new TransportStopped('setTyping');
    let ticket = this.typingTickets.get(to);
    if (!ticket) {
      ticket = await this.api().getConfig(to, this.session.contexts[to]?.token);
      this.typingTickets.set(to, ticket);
    }
    await this.api().sendTyping(to, ticket, on ? TypingStatus.TYPING : TypingStatus.CANCEL);
  }
}

/** The journal key of a send made while handling a message; undefined for sends without a cause. */
function causeOf(opts: SendCallOptions | undefined, content: string): SendCause | undefined {
  return opts?.cause === undefined ? undefined : { cause: opts.cause, content };
}

function extFor(kind: Message['kind']): string {
  return kind === 'image' ? 'jpg' : kind === 'voice' ? 'silk' : kind === 'video' ? 'mp4' : 'bin';
}

/** Builds the iLink transport (the config's `transport: 'ilink'`). */
export function ilinkTransport(options: IlinkTransportOptions = {}): IlinkTransport {
  return new IlinkTransport(options);
}
