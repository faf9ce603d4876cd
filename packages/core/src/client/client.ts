import type { SentMessage } from '../message/sent.js';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { MemoryContactStore } from '../contact/store.js';
import { IdentityKeeper } from './identity-keeper.js';
import type { Contact, Room } from '../contact/types.js';
import { createAccountLogger } from '../log/logger.js';
import type { RawMessage } from '../wire/types.js';
import type { Hosts } from '../session/types.js';
import { Actions } from './actions.js';
import { contactFetcher, lookupGate } from './contact-lookup.js';
import { CredentialSlot } from './cred-slot.js';
import { CursorKeeper } from './cursor-keeper.js';
import { EchoTracker } from './echo.js';
import { ClientStopped, InvalidArgument } from './errors.js';
import { ClientEmitter } from './events.js';
import { DEFAULT_HISTORY_CUTOFF_SECONDS, HistoryCutoff } from './history-cutoff.js';
import { Http } from './http.js';
import { observeRequests, queueStats, type QueueStats } from './request-observer.js';
import type { Inbox } from './inbox.js';
import { clientInbox } from './inbox-wiring.js';
import { Lifecycle } from './lifecycle.js';
import { LoginChain } from './login-chain.js';
import { Uploader } from './media.js';
import { outboxOptions, resolveOptions, type ClientInternals, type ResolvedOptions } from './options.js';
import { Outbox } from './outbox.js';
import { Recovery } from './recovery.js';
import { ObservedApi, type SendReconciler } from './send-reconcile.js';
import { SendPath, sendReconciler } from './send-path.js';
import { SessionKeeper } from './session-keeper.js';
import { SessionTimers } from './session-timers.js';
import { MediaSpool } from './spool.js';
import { SyncLoop } from './sync-loop.js';
import type {
  ClientEvents,
  ClientOptions,
  ClientState,
  ContactStore,
  DownloadOptions,
  DownloadResult,
  DownloadTarget,
  FriendRequestRef,
  MediaSource,
  MessageHandler,
  MessageHandlerOptions,
  SendCallOptions,
  WxClient,
} from './types.js';

export { BOT_MSG_ID_MEMORY } from './echo.js';
export type { ClientInternals } from './options.js';

/**
 * The Web WeChat client of one account: the first implementation of the
 * transport seam (`WxClient`). This class is the supervisor — it owns the
 * state machine (Lifecycle), builds the parts and wires what they report:
 *
 * - LoginChain (login-chain.ts): hot → push → QR login, webwxinit, re-logins;
 * - SyncLoop (sync-loop.ts): synccheck → webwxsync → inbox; reports "logged out" and "stuck", never recovers;
 * - Recovery (recovery.ts): the `recovery.onLogout` chain and the stuck-selector breaker;
 * - SessionKeeper (session-keeper.ts): the saved session and its checkpoints;
 * - Inbox / Outbox: the durable journals and the send queue;
 * - SendPath (send-path.ts): journaled sends, reconciliation, replay, media spool;
 * - Actions (actions.ts): argument checks and the calls of every action.
 *
 * Ordering per chat is one policy with two halves (written down in the core
 * README, "Ordering per chat"): the Bot's chains order handling, the Outbox's
 * `orderKey` queue orders sends; neither repeats the other.
 */
export class WebWxClient implements WxClient {
  readonly account: string;
  private readonly o: ResolvedOptions;
  private readonly log: Logger;
  private readonly stopCtl = new AbortController();
  private readonly events: ClientEmitter;
  private readonly lifecycle: Lifecycle;
  private readonly store = new MemoryContactStore();
  private readonly cred = new CredentialSlot();
  private readonly echo = new EchoTracker();
  private readonly http: Http;
  private readonly api: ObservedApi;
  private readonly reconciler: SendReconciler;
  private readonly inbox: Inbox;
  private readonly outbox: Outbox;
  private readonly session: SessionKeeper;
  private readonly login: LoginChain;
  private readonly loop: SyncLoop;
  private readonly timers: SessionTimers;
  private readonly spool: MediaSpool;
  private readonly sender: SendPath;
  private readonly actions: Actions;

  constructor(options: ClientOptions, internals: ClientInternals = {}) {
    const o = resolveOptions(options, internals);
    this.o = o;
    this.account = o.account;
    const log = createAccountLogger(options.logger, this.account);
    this.log = log;
    const { store, cred, echo } = this;
    const signal = this.stopCtl.signal;
    const events = new ClientEmitter(log);
    this.events = events;
    const lifecycle = new Lifecycle(signal, (e) => {
      events.emit('state', e);
    });
    this.lifecycle = lifecycle;
    const onError = (err: unknown, context: string): void => {
      events.error(err, context);
    };
    const http = new Http({
      userAgent: o.userAgent,
      timeoutMs: o.requestMs,
      logger: log,
      ...(options.proxy === undefined ? {} : { proxy: options.proxy }),
    });
    this.http = http;
    observeRequests(http, (e) => {
      events.emit('request', e);
    });
    const outbox = new Outbox(
      o.store,
      this.key('outbox'),
      outboxOptions(o, {
        ready: () => lifecycle.ready(),
        onRateLimited: (e) => {
          events.emit('rate-limited', e);
        },
        signal,
      }),
      log,
    );
    this.outbox = outbox;
    const reconciler = sendReconciler({ boundMs: o.reconcileMs, contacts: store, cred, echo, outbox });
    this.reconciler = reconciler;
    // Every sync answer goes to the reconciler, which matches the echoes of sends whose answer was lost.
    const api = new ObservedApi(http, () => cred.require('api'), o.lang, o.longPollMs, reconciler);
    this.api = api;
    const uploader = new Uploader(http, () => cred.require('webwxuploadmedia'), o.uploadMs, o.checkUploadMinBytes);
    const fetcher = contactFetcher(api, store, events, o, signal);
    const inbox = clientInbox({
      store: o.store,
      key: this.key('inbox'),
      dedupeSize: o.dedupeSize,
      log,
      contacts: store,
      gate: lookupGate({ contacts: store, fetcher, loggedIn: () => !!cred.current, holdMs: o.lookupHoldMs }),
      onError,
    });
    this.inbox = inbox;
    const cursor = new CursorKeeper(o.cursor, () => inbox.durable(), log);
    const history = new HistoryCutoff(options.historyCutoffSeconds ?? DEFAULT_HISTORY_CUTOFF_SECONDS);
    const session = new SessionKeeper({
      store: o.store,
      key: this.key('session'),
      cred,
      http,
      contacts: store,
      durable: () => Promise.all([inbox.durable(), outbox.durable()]),
      checkpointMs: o.checkpointMs,
      onError,
    });
    this.session = session;
    const checkpoint = (): void => {
      session.schedule();
    };
    const ids = new IdentityKeeper({ store: o.store, key: this.key('identity'), contacts: store, events, onError });
    const login = new LoginChain({
      o,
      log,
      http,
      api,
      cred,
      contacts: store,
      fetcher,
      cursor,
      history,
      session,
      identity: ids,
      events,
      setState: (s: ClientState) => {
        lifecycle.set(s);
      },
      onNewCredentials: () => {
        uploader.reset();
      },
      signal,
    });
    this.login = login;
    const recovery = new Recovery({
      o,
      log,
      events,
      lifecycle,
      login,
      loop: {
        start: () => {
          this.loop.start();
        },
        stop: () => {
          this.loop.stop();
        },
      },
      deliverPending: () => {
        inbox.deliverPending();
      },
      self: () => store.self,
      signal,
    });
    const loop = new SyncLoop({
      o,
      log,
      api,
      cred,
      contacts: store,
      cursor,
      echo,
      history,
      inbox,
      events,
      checkpoint,
      syncing: () => lifecycle.state === 'syncing',
      signal,
      reports: {
        loggedOut: (endpoint, ret) => void recovery.onLogout(endpoint, ret),
        stuck: (running) => recovery.breaker(running),
      },
    });
    this.loop = loop;
    this.timers = new SessionTimers({
      o,
      events,
      api,
      syncing: () => lifecycle.state === 'syncing',
      lastProgress: () => loop.lastProgress,
      abortStuckPoll: () => {
        loop.lastProgress = Date.now();
        http.abortInflight();
      },
      selfName: () => store.selfOrUndefined?.userName,
    });
    this.spool = new MediaSpool(o.spoolDir, log);
    this.sender = new SendPath({
      log,
      contacts: store,
      cred,
      api,
      uploader,
      outbox,
      reconciler,
      echo,
      spool: this.spool,
      events,
      checkpoint,
      stopping: () => lifecycle.stopping,
      reconcileMs: o.reconcileMs,
    });
    this.actions = new Actions({
      cred,
      contacts: store,
      api,
      http,
      outbox,
      sender: this.sender,
      fetcher,
      uploader,
      events,
      // spoolDir = <dataDir>/outbox-media/<account>
      downloadDir: join(o.spoolDir, '..', '..'),
      largeRoomAdd: o.largeRoomAdd,
    });
  }

  private key(doc: string): string {
    return `${this.account}/${doc}`;
  }

  // ---- public surface -------------------------------------------------------

  get state(): ClientState {
    return this.lifecycle.state;
  }

  get contacts(): ContactStore {
    return this.store;
  }

  get self(): Contact | undefined {
    return this.store.selfOrUndefined;
  }

  get hosts(): Hosts | undefined {
    return this.cred.current?.hosts;
  }

  on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): this {
    this.events.on(event, listener);
    return this;
  }

  off<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): this {
    this.events.off(event, listener);
    return this;
  }

  once<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): this {
    this.events.once(event, listener);
    return this;
  }

  /** Queue and journal sizes, for metrics. */
  queueStats(): QueueStats {
    return queueStats(this.outbox, this.inbox);
  }

  setMessageHandler(handler: MessageHandler, options?: MessageHandlerOptions): void {
    this.inbox.setHandler(handler, options?.journalOwn);
  }

  async start(): Promise<Contact> {
    const state = this.lifecycle.state;
    if (state !== 'idle' && state !== 'stopped' && state !== 'logged-out') {
      throw new InvalidArgument('start', `cannot start in state ${state}`);
    }
    if (this.stopCtl.signal.aborted)
      throw new InvalidArgument('start', 'a stopped client cannot be restarted; create a new one');
    this.lifecycle.set('logging-in');
    try {
      await this.inbox.load();
      const replay = await this.outbox.load();
      // Echoes the server sends again after a restart are of sends it answered, not of a lost one.
      for (const id of this.outbox.knownMsgIds()) if (id) this.echo.ids.add(id);
      this.sender.recover(this.outbox.recoveredCauses());
      await this.spool.sweep(replay);
      const via = await this.login.login(this.o.loginMode);
      this.lifecycle.set('syncing');
      this.loop.start();
      this.timers.start();
      const self = this.store.self;
      this.events.emit('login', { self, via });
      // Replays first: a handler run again joins its earlier sends (see SendCallOptions.cause).
      for (const e of replay) this.sender.replay(e);
      this.inbox.deliverPending();
      return self;
    } catch (err) {
      if (!this.stopCtl.signal.aborted) this.lifecycle.set('logged-out');
      throw err;
    }
  }

  async stop(): Promise<void> {
    if (this.lifecycle.state === 'stopped') return;
    this.lifecycle.set('stopping');
    this.loop.stop();
    this.timers.clear();
    // stop() saves the session itself, after folding the journals.
    this.session.cancel();
    this.http.abortInflight();
    const drained = await this.outbox.drain(this.o.drainMs);
    if (!drained)
      this.log.warn(
        { pending: this.outbox.pendingSends },
        'stop: outbound queue not drained in time; journaled sends will be replayed',
      );
    const folded = await this.inbox.idle(this.o.drainMs).then(
      () => true,
      (err: unknown) => {
        this.events.error(err, 'fold the inbox journal on stop');
        return false;
      },
    );
    // After the handlers: what they journaled while finishing is folded too.
    await this.outbox.close().catch((err: unknown) => {
      this.events.error(err, 'fold the outbox journal on stop');
    });
    // Folding made every accepted entry durable, so the latest keys are safe now.
    const c = this.cred.current;
    if (folded && c) c.markSafe(c.round, c.syncKey, c.syncCheckKey);
    await this.session.persist().catch((err: unknown) => {
      this.events.error(err, 'persist session on stop');
    });
    this.stopCtl.abort();
    // Sends still waiting for an echo stay journaled: the next start reconciles them.
    this.reconciler.abandon();
    this.lifecycle.rejectWaiters(new ClientStopped('stop'));
    this.http.close();
    await this.loop.done;
    this.lifecycle.set('stopped');
  }

  /**
   * @internal Simulates a crash for tests: everything stops at once, nothing
   * is drained or persisted beyond what already was.
   */
  halt(): void {
    this.loop.stop();
    this.timers.clear();
    this.session.cancel();
    this.stopCtl.abort();
    this.reconciler.abandon();
    this.lifecycle.rejectWaiters(new ClientStopped('halt'));
    this.http.close();
    // The OS closes a dead process's files; here the handles are closed, never folded.
    void this.inbox.release().catch(() => undefined);
    void this.outbox.release().catch(() => undefined);
    this.lifecycle.halted();
  }

  async logout(): Promise<void> {
    if (this.cred.current)
      await this.api.logout().catch((err: unknown) => {
        this.log.debug({ err: String(err) }, 'webwxlogout failed');
      });
    await this.session.forget();
    this.events.emit('logout', { reason: 'user-logout', endpoint: 'webwxlogout' });
    await this.stop();
  }

  // ---- actions (see actions.ts) ---------------------------------------------

  sendText(to: string, text: string, opts?: SendCallOptions): Promise<SentMessage> {
    return this.actions.sendText(to, text, opts);
  }

  sendEmoticon(to: string, emoticon: string | Buffer, opts?: SendCallOptions): Promise<SentMessage> {
    return this.actions.sendEmoticon(to, emoticon, opts);
  }

  sendImage(to: string, file: MediaSource, name?: string, opts?: SendCallOptions): Promise<SentMessage> {
    return this.actions.sendImage(to, file, name, opts);
  }

  sendVideo(to: string, file: MediaSource, name?: string, opts?: SendCallOptions): Promise<SentMessage> {
    return this.actions.sendVideo(to, file, name, opts);
  }

  sendFile(to: string, file: MediaSource, name?: string, opts?: SendCallOptions): Promise<SentMessage> {
    return this.actions.sendFile(to, file, name, opts);
  }

  revoke(sent: SentMessage): Promise<void> {
    return this.actions.revoke(sent);
  }

  forward(msg: RawMessage, to: string): Promise<SentMessage> {
    return this.actions.forward(msg, to);
  }

  addFriend(userName: string, verifyText: string): Promise<void> {
    return this.actions.addFriend(userName, verifyText);
  }

  acceptFriend(request: FriendRequestRef): Promise<void> {
    return this.actions.acceptFriend(request);
  }

  createRoom(members: readonly string[], topic = ''): Promise<Room> {
    return this.actions.createRoom(members, topic);
  }

  addMembers(room: string, members: readonly string[]): Promise<void> {
    return this.actions.addMembers(room, members);
  }

  removeMembers(room: string, members: readonly string[]): Promise<void> {
    return this.actions.updateRoom('delmember', room, members);
  }

  inviteMembers(room: string, members: readonly string[]): Promise<void> {
    return this.actions.updateRoom('invitemember', room, members);
  }

  setTopic(room: string, topic: string): Promise<void> {
    return this.actions.setTopic(room, topic);
  }

  setRemark(userName: string, remark: string): Promise<void> {
    return this.actions.setRemark(userName, remark);
  }

  pin(userName: string, on: boolean): Promise<void> {
    return this.actions.pin(userName, on);
  }

  markRead(userName: string): Promise<void> {
    return this.actions.markRead(userName);
  }

  download(msg: RawMessage, target: DownloadTarget, opts: DownloadOptions = {}): Promise<DownloadResult> {
    return this.actions.download(msg, target, opts);
  }

  avatar(userName: string, target: DownloadTarget, opts?: Pick<DownloadOptions, 'fileName'>): Promise<DownloadResult> {
    return this.actions.avatar(userName, target, opts);
  }
}

/** Creates the client of one account. No global state: call it once per account. */
export function createClient(options: ClientOptions, internals?: ClientInternals): WxClient {
  return new WebWxClient(options, internals);
}
