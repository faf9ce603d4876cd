import { EventEmitter } from 'node:events';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { alignedPairs, parseStatusNotify } from '../message/status-notify.js';
import { replaceBreaks, unescapeHtml } from '../message/text.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { settledWithin } from '../util/settled-within.js';
import type { Logger } from 'pino';
import { isRoomUserName } from '../contact/classify.js';
import { MemoryContactStore } from '../contact/store.js';
import type { Contact, Room } from '../contact/types.js';
import { createAccountLogger } from '../log/logger.js';
import { DEFAULT_LOGIN_ORIGIN, DEFAULT_MAIN_ORIGIN } from '../protocol/hosts.js';
import { DEFAULT_USER_AGENT, UOS_CLIENT_VERSION, UOS_EXTSPAM } from '../protocol/constants.js';
import type { RawContact, RawMessage, SyncKey, SyncResponse } from '../protocol/wire.js';
import { FileSessionStore } from '../session/file-store.js';
import type { Hosts, PersistedSession, SessionStore } from '../session/types.js';
import { backoffDelay, sleep } from '../util/backoff.js';
import { newClientMsgId, newDeviceId } from '../util/ids.js';
import type { OutboundMsg, SendKind } from './api.js';
import { ContactFetcher } from './contact-fetcher.js';
import { restoreJar } from './cookies.js';
import { checkSync } from './sync-answer.js';
import { Credentials, isSyncKey } from './credentials.js';
import { DEFAULT_HISTORY_CUTOFF_SECONDS, HistoryCutoff } from './history-cutoff.js';
import { CursorKeeper } from './cursor-keeper.js';
import { keepHeldCursor, type CursorPolicy, type HeldCursor, type InitReason } from './cursor-policy.js';
import {
  ClientStopped,
  InvalidArgument,
  LoggedOut,
  LoginForbidden,
  NetworkError,
  NotLoggedIn,
  ProtocolError,
  PushLoginFailed,
  SendOutcomeUnknown,
  ServerError,
  WxError,
} from './errors.js';
import { Http } from './http.js';
import { Inbox } from './inbox.js';
import { BoundedSet, DocWriter } from './journal.js';
import {
  pushLogin,
  qrLogin,
  type DesktopIdentity,
  type LoginContext,
  type LoginOutcome,
  type QrLoginState,
} from './login.js';
import { fileAppMsg, planDownload, readSource, runDownload, Uploader, type UploadKind } from './media.js';
import { DEFAULT_BUCKETS, Outbox, type SendJournalEntry } from './outbox.js';
import { ObservedApi, SendReconciler, type EchoVerdict, type SendProbe } from './send-reconcile.js';
import { sendFingerprint, type RecoveredSends } from './send-causes.js';
import { printQrToTerminal, saveQrPng } from './qr-display.js';
import type {
  ActionClass,
  ClientEvents,
  ClientOptions,
  ClientState,
  ContactStore,
  DownloadOptions,
  DownloadResult,
  DownloadTarget,
  FriendRequestRef,
  LoginVia,
  LogoutReason,
  MediaSource,
  MessageHandler,
  SendCallOptions,
  SentMessage,
  WxClient,
} from './types.js';

const LOGOUT_CODES = new Set([1100, 1101, 1102]);

/** How many ids of the bot's own sent messages are remembered for echo detection. */
export const BOT_MSG_ID_MEMORY = 2000;

function logoutReason(ret: number | undefined): LogoutReason {
  if (ret === 1100) return 'not-logged-in';
  if (ret === 1101) return 'logged-out-elsewhere';
  if (ret === 1102) return 'cookie-invalid';
  return 'unknown';
}

/** Internal knobs beyond ClientOptions (tests shorten them). */
export interface ClientInternals {
  /** Minimum time between two synccheck calls that found nothing (guards against servers that do not hold). */
  minPollIntervalMs?: number;
  /** Delay before coalesced batchgetcontact calls. */
  contactBatchDelayMs?: number;
  /** Minimum gap between batchgetcontact calls. */
  contactBatchGapMs?: number;
  /** How long delivery in a chat waits for batchgetcontact of an unknown sender. Default 3,000. */
  lookupHoldMs?: number;
  /** How long stop() waits for the queue and handlers. */
  drainTimeoutMs?: number;
  /**
   * At most one session checkpoint (journal fsync + SyncKey save) per this
   * many ms while messages flow. A SyncKey that trails by one interval only
   * means the server re-sends those messages after a crash, and the inbox's
   * dedupe drops them. Default 1,000.
   */
  checkpointMs?: number;
  /** Which SyncKey recovery paths continue from; default `keepHeldCursor`. */
  cursorPolicy?: CursorPolicy;
}

type Resolved = {
  account: string;
  store: SessionStore;
  loginMode: NonNullable<ClientOptions['loginMode']>;
  desktop: DesktopIdentity | undefined;
  userAgent: string;
  hostOverrides: Partial<Hosts>;
  qrTerminal: boolean;
  qrPng: string | false;
  maxRefreshes: number;
  requestMs: number;
  longPollMs: number;
  loginMs: number;
  uploadMs: number;
  backoffBase: number;
  backoffMax: number;
  onLogout: ReadonlyArray<'reinit' | 'push' | 'qr'>;
  stuckThreshold: number;
  watchdogMs: number;
  keepAliveMs: number;
  rateLimitRetries: number;
  maxAgeMs: number;
  reconcileMs: number;
  dedupeSize: number;
  lang: string;
  jitterMs: number;
  buckets: Record<ActionClass, { burst: number; perSecond: number }>;
  concurrency: Partial<Record<ActionClass, number>>;
  minPollMs: number;
  batchDelayMs: number;
  batchGapMs: number;
  drainMs: number;
  lookupHoldMs: number;
  checkpointMs: number;
  spoolDir: string;
  cursor: CursorPolicy;
};

function resolveOptions(o: ClientOptions, i: ClientInternals): Resolved {
  if (!o || typeof o.dataDir !== 'string' || o.dataDir === '') {
    throw new InvalidArgument('createClient', 'options.dataDir is required (a directory for the session and journals)');
  }
  const account = o.account ?? 'default';
  if (!/^[\w.-]{1,64}$/.test(account))
    throw new InvalidArgument(
      'createClient',
      `options.account ${JSON.stringify(account)} must match [A-Za-z0-9_.-]{1,64}`,
    );
  const desktopOpt = o.desktop ?? true;
  const d = typeof desktopOpt === 'object' ? desktopOpt : {};
  const loginMode = o.loginMode ?? 'auto';
  const defaultOnLogout: Array<'reinit' | 'push' | 'qr'> =
    loginMode === 'hot' ? ['reinit'] : loginMode === 'push' ? ['reinit', 'push'] : ['reinit', 'push', 'qr'];
  const r = o.recovery ?? {};
  const cutoff = o.historyCutoffSeconds;
  if (cutoff !== undefined && cutoff !== false && !(Number.isInteger(cutoff) && cutoff >= 0))
    throw new InvalidArgument(
      'createClient',
      `options.historyCutoffSeconds must be an integer ≥ 0 or false (got ${String(cutoff)})`,
    );
  return {
    account,
    store: o.sessionStore ?? new FileSessionStore(o.dataDir),
    loginMode,
    desktop:
      desktopOpt === false
        ? undefined
        : { clientVersion: d.clientVersion ?? UOS_CLIENT_VERSION, extspam: d.extspam ?? UOS_EXTSPAM },
    userAgent: d.userAgent ?? DEFAULT_USER_AGENT,
    hostOverrides: o.hosts ?? {},
    qrTerminal: o.qr?.terminal ?? true,
    qrPng: o.qr?.pngPath === undefined ? join(o.dataDir, `${account}.qr.png`) : o.qr.pngPath,
    maxRefreshes: o.qr?.maxRefreshes ?? 5,
    requestMs: o.timeouts?.requestMs ?? 30_000,
    longPollMs: o.timeouts?.longPollMs ?? 40_000,
    loginMs: o.timeouts?.loginMs ?? 300_000,
    uploadMs: o.timeouts?.uploadMs ?? 120_000,
    backoffBase: r.backoff?.baseMs ?? 1_000,
    backoffMax: r.backoff?.maxMs ?? 60_000,
    onLogout: r.onLogout === false ? [] : (r.onLogout ?? defaultOnLogout),
    stuckThreshold: r.stuckSyncThreshold ?? 10,
    watchdogMs: r.watchdogMs ?? 180_000,
    keepAliveMs: r.keepAliveMs ?? 1_800_000,
    rateLimitRetries: r.rateLimitRetries ?? 3,
    maxAgeMs: positive(o.sends?.maxAgeMs, 'sends.maxAgeMs') ?? 600_000,
    reconcileMs: positive(o.sends?.reconcileMs, 'sends.reconcileMs') ?? 60_000,
    dedupeSize: o.dedupeSize ?? 5_000,
    lang: o.lang ?? 'zh_CN',
    jitterMs: o.sendJitterMs ?? 300,
    buckets: { ...DEFAULT_BUCKETS, ...o.rateLimits },
    concurrency: checkConcurrency(o.sendConcurrency),
    minPollMs: i.minPollIntervalMs ?? 500,
    batchDelayMs: i.contactBatchDelayMs ?? 50,
    batchGapMs: i.contactBatchGapMs ?? 250,
    drainMs: i.drainTimeoutMs ?? 10_000,
    lookupHoldMs: i.lookupHoldMs ?? 3_000,
    checkpointMs: i.checkpointMs ?? 1_000,
    cursor: i.cursorPolicy ?? keepHeldCursor,
    spoolDir: join(o.dataDir, 'outbox-media', account),
  };
}

function positive(v: number | undefined, name: string): number | undefined {
  if (v !== undefined && !(typeof v === 'number' && v > 0))
    throw new InvalidArgument(
      'createClient',
      `options.${name} must be a number of milliseconds > 0 (got ${String(v)})`,
    );
  return v;
}

function checkConcurrency(c: ClientOptions['sendConcurrency']): Partial<Record<ActionClass, number>> {
  for (const [cls, n] of Object.entries(c ?? {})) {
    if (!Number.isInteger(n) || n < 1)
      throw new InvalidArgument(
        'createClient',
        `options.sendConcurrency.${cls} must be an integer ≥ 1 (got ${String(n)})`,
      );
  }
  return { ...c };
}

/** The Web WeChat client of one account. */
export class WebWxClient implements WxClient {
  readonly account: string;
  private readonly o: Resolved;
  private readonly log: Logger;
  private readonly emitter = new EventEmitter();
  private readonly store: MemoryContactStore = new MemoryContactStore();
  private readonly http: Http;
  private readonly api: ObservedApi;
  private readonly reconciler: SendReconciler;
  private readonly uploader: Uploader;
  private readonly inbox: Inbox;
  private readonly outbox: Outbox;
  private readonly sessionWriter: DocWriter;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private loggedOut = false;
  private lastCheckpoint = 0;
  private readonly fetcher: ContactFetcher;
  private cred: Credentials | undefined;
  private _state: ClientState = 'idle';
  private stopCtl = new AbortController();
  private loopGen = 0;
  private loopDone: Promise<void> = Promise.resolve();
  private lastProgress = Date.now();
  private timers: NodeJS.Timeout[] = [];
  private readyWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private readonly inflightSends = new Map<string, number>();
  /** Sends an earlier process made for inbound messages; their handlers' second run joins them. */
  private recovered: RecoveredSends | undefined;
  /** Journaled sends replayed at start, by ClientMsgId: what a joining send settles with. */
  private readonly replays = new Map<string, Promise<SentMessage>>();
  /**
   * Ids of messages the bot sent, to mark their sync echoes `sentByBot`. An
   * echo arrives within a sync or two of the send, so only the latest ids matter;
   * bounded so a bot that runs for months does not keep every id it ever sent.
   */
  private readonly botMsgIds = new BoundedSet(BOT_MSG_ID_MEMORY);
  private recovering = false;
  private readonly cursor: CursorKeeper;
  private readonly history: HistoryCutoff;

  constructor(options: ClientOptions, internals: ClientInternals = {}) {
    this.o = resolveOptions(options, internals);
    this.account = this.o.account;
    this.log = createAccountLogger(options.logger, this.account);
    this.http = new Http({
      userAgent: this.o.userAgent,
      timeoutMs: this.o.requestMs,
      logger: this.log,
      proxy: options.proxy,
    });
    this.api = new ObservedApi(this.http, () => this.requireCred('api'), this.o.lang, this.o.longPollMs);
    this.uploader = new Uploader(this.http, () => this.requireCred('webwxuploadmedia'), this.o.uploadMs);
    this.inbox = new Inbox(this.o.store, this.key('inbox'), this.o.dedupeSize, this.log, (err, m) => {
      this.emitError(err, `message handler failed for MsgId ${m.raw.MsgId}`);
    });
    this.inbox.beforeDeliver = (msgs) => this.resolveUnknown(msgs.map((m) => m.raw));
    this.inbox.chatOf = (m) => chatOf(m.raw, this.store.selfOrUndefined?.userName);
    this.outbox = this.makeOutbox();
    this.reconciler = new SendReconciler({
      boundMs: this.o.reconcileMs,
      selfName: () => this.store.selfOrUndefined?.userName,
      session: () => this.sessionTag(),
      isAnswered: (id) => this.botMsgIds.has(id),
      onMatch: (clientMsgId, msgId) => {
        this.botMsgIds.add(msgId);
        this.outbox.settle(clientMsgId, msgId);
      },
      echoes: () => this.outbox.echoesSeen,
      onEchoesLearned: () => {
        this.outbox.noteEchoes();
      },
    });
    this.api.reconciler = this.reconciler;
    this.cursor = new CursorKeeper(this.o.cursor, () => this.inbox.durable(), this.log);
    this.history = new HistoryCutoff(options.historyCutoffSeconds ?? DEFAULT_HISTORY_CUTOFF_SECONDS);
    this.sessionWriter = new DocWriter(this.o.store, this.key('session'), () => this.sessionDoc());
    this.fetcher = new ContactFetcher(
      (names) => this.api.batchGetContact(names.map((UserName) => ({ UserName }))),
      (list) => {
        this.applyContacts(list);
      },
      (err) => {
        this.emitError(err, 'batchgetcontact');
      },
      { delayMs: this.o.batchDelayMs, gapMs: this.o.batchGapMs, batch: 50, signal: this.stopCtl.signal },
    );
  }

  private makeOutbox(): Outbox {
    return new Outbox(
      this.o.store,
      this.key('outbox'),
      {
        buckets: this.o.buckets,
        concurrency: this.o.concurrency,
        jitterMs: this.o.jitterMs,
        rateLimitRetries: this.o.rateLimitRetries,
        networkRetries: 3,
        maxAgeMs: this.o.maxAgeMs,
        backoffBaseMs: this.o.backoffBase,
        backoffMaxMs: this.o.backoffMax,
        ready: () => this.ready(),
        onRateLimited: (e) => {
          this.emit('rate-limited', e);
        },
        signal: this.stopCtl.signal,
      },
      this.log,
    );
  }

  private key(doc: string): string {
    return `${this.account}/${doc}`;
  }

  // ---- public surface -------------------------------------------------------

  get state(): ClientState {
    return this._state;
  }

  get contacts(): ContactStore {
    return this.store;
  }

  get self(): Contact | undefined {
    return this.store.selfOrUndefined;
  }

  get hosts(): Hosts | undefined {
    return this.cred?.hosts;
  }

  on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): this {
    this.emitter.on(event, listener as (...a: unknown[]) => void);
    return this;
  }

  off<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): this {
    this.emitter.off(event, listener as (...a: unknown[]) => void);
    return this;
  }

  once<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): this {
    this.emitter.once(event, listener as (...a: unknown[]) => void);
    return this;
  }

  setMessageHandler(handler: MessageHandler): void {
    this.inbox.setHandler(handler);
  }

  async start(): Promise<Contact> {
    if (this._state !== 'idle' && this._state !== 'stopped' && this._state !== 'logged-out') {
      throw new InvalidArgument('start', `cannot start in state ${this._state}`);
    }
    if (this.stopCtl.signal.aborted)
      throw new InvalidArgument('start', 'a stopped client cannot be restarted; create a new one');
    this.setState('logging-in');
    try {
      await this.inbox.load();
      const replay = await this.outbox.load();
      this.recovered = this.outbox.recoveredCauses();
      // Echoes the server sends again after a restart are of sends it answered, not of a lost one.
      for (const id of this.outbox.knownMsgIds()) if (id) this.botMsgIds.add(id);
      await this.sweepSpool(replay);
      const via = await this.login(this.o.loginMode);
      this.setState('syncing');
      this.startLoop();
      this.startTimers();
      const self = this.store.self;
      this.emit('login', { self, via });
      // Replays first: a handler run again joins its earlier sends (see SendCallOptions.cause).
      for (const e of replay) this.replaySend(e);
      this.inbox.deliverPending();
      return self;
    } catch (err) {
      if (!this.stopCtl.signal.aborted) this.setState('logged-out');
      throw err;
    }
  }

  async stop(): Promise<void> {
    if (this._state === 'stopped') return;
    this.setState('stopping');
    this.loopGen++;
    this.clearTimers();
    // stop() saves the session itself, after folding the journals.
    this.cancelCheckpoint();
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
        this.emitError(err, 'fold the inbox journal on stop');
        return false;
      },
    );
    // After the handlers: what they journaled while finishing is folded too.
    await this.outbox.close().catch((err: unknown) => {
      this.emitError(err, 'fold the outbox journal on stop');
    });
    // Folding made every accepted entry durable, so the latest keys are safe now.
    const c = this.cred;
    if (folded && c) c.markSafe(c.round, c.syncKey, c.syncCheckKey);
    await this.persistSession().catch((err: unknown) => {
      this.emitError(err, 'persist session on stop');
    });
    this.stopCtl.abort();
    // Sends still waiting for an echo stay journaled: the next start reconciles them.
    this.reconciler.abandon();
    for (const w of this.readyWaiters.splice(0)) w.reject(new ClientStopped('stop'));
    this.http.close();
    await this.loopDone;
    this.setState('stopped');
  }

  /**
   * @internal Simulates a crash for tests: everything stops at once, nothing
   * is drained or persisted beyond what already was.
   */
  halt(): void {
    this.loopGen++;
    this.clearTimers();
    this.cancelCheckpoint();
    this.stopCtl.abort();
    this.reconciler.abandon();
    for (const w of this.readyWaiters.splice(0)) w.reject(new ClientStopped('halt'));
    this.http.close();
    // The OS closes a dead process's files; here the handles are closed, never folded.
    void this.inbox.release().catch(() => undefined);
    void this.outbox.release().catch(() => undefined);
    this._state = 'stopped';
  }

  async logout(): Promise<void> {
    if (this.cred)
      await this.api.logout().catch((err: unknown) => {
        this.log.debug({ err: String(err) }, 'webwxlogout failed');
      });
    this.loggedOut = true;
    this.cancelCheckpoint();
    await this.o.store.delete(this.key('session'));
    this.emit('logout', { reason: 'user-logout', endpoint: 'webwxlogout' });
    await this.stop();
  }

  // ---- login ------------------------------------------------------------------

  private loginContext(): LoginContext {
    return {
      http: this.http,
      log: this.log,
      loginOrigin: (this.o.hostOverrides.login ?? DEFAULT_LOGIN_ORIGIN).replace(/\/+$/, ''),
      mainOrigin: (this.o.hostOverrides.main ?? DEFAULT_MAIN_ORIGIN).replace(/\/+$/, ''),
      hostOverrides: this.o.hostOverrides,
      desktop: this.o.desktop,
      lang: this.o.lang,
      loginTimeoutMs: this.o.loginMs,
      longPollMs: this.o.longPollMs,
      maxRefreshes: this.o.maxRefreshes,
      signal: this.stopCtl.signal,
      onState: (s) => {
        this.onQrState(s);
      },
      onQr: (uuid, url, refresh) => this.showQr(uuid, url, refresh),
    };
  }

  private onQrState(s: QrLoginState): void {
    this.log.debug({ state: s.kind }, 'login state');
    if (s.kind === 'scanned')
      this.emit('scanned', s.avatar === undefined ? { uuid: s.uuid } : { uuid: s.uuid, avatar: s.avatar });
  }

  private async showQr(uuid: string, url: string, refresh: number): Promise<void> {
    let pngPath: string | undefined;
    if (this.o.qrPng !== false) {
      try {
        await saveQrPng(url, this.o.qrPng);
        pngPath = this.o.qrPng;
      } catch (err) {
        this.emitError(err, 'saving the QR PNG');
      }
    }
    if (this.o.qrTerminal)
      await printQrToTerminal(url).catch((err: unknown) => {
        this.emitError(err, 'printing the QR code');
      });
    // A QR code shown nowhere (the simulator confirms by itself) is not for anyone to scan.
    if (pngPath !== undefined || this.o.qrTerminal) this.log.info({ url, refresh }, 'scan the QR code to log in');
    this.emit('qr', pngPath === undefined ? { uuid, url, refresh } : { uuid, url, pngPath, refresh });
  }

  private async loadSession(): Promise<PersistedSession | undefined> {
    const doc = (await this.o.store.get(this.key('session'))) as PersistedSession | undefined;
    if (!doc || doc.version !== 1 || typeof doc.sid !== 'string' || !isSyncKey(doc.syncKey) || !doc.hosts)
      return undefined;
    return doc;
  }

  /** Logs in per mode; on success credentials, contacts and SyncKey are set. */
  private async login(mode: ClientOptions['loginMode']): Promise<LoginVia> {
    // Loaded in 'qr' mode too: not to resume it, but for its SyncKey (a restart keeps its place).
    const saved = await this.loadSession();
    if (saved && (mode === 'auto' || mode === 'hot')) {
      try {
        await this.hotLogin(saved);
        return 'hot';
      } catch (err) {
        if (err instanceof ClientStopped || mode === 'hot') throw err;
        this.log.info({ err: (err as Error).message }, 'hot login failed; trying push login');
      }
    }
    if (mode === 'hot') throw new WxError('HOT_LOGIN_FAILED', 'login', 'no saved session to resume');
    if (saved && (mode === 'auto' || mode === 'push')) {
      try {
        await this.adopt(await pushLogin(this.loginContext(), saved.uin, saved.hosts.main), heldOf(saved));
        return 'push';
      } catch (err) {
        if (err instanceof ClientStopped || err instanceof LoginForbidden || mode === 'push') throw err;
        this.emitError(err, 'push login failed; falling back to QR');
      }
    }
    if (mode === 'push') throw new PushLoginFailed('no saved session (push login needs a previous login)');
    await this.adopt(await qrLogin(this.loginContext()), this.cred || !saved ? undefined : heldOf(saved));
    return 'qr';
  }

  private async hotLogin(saved: PersistedSession): Promise<void> {
    this.http.jar = restoreJar(saved.cookies as string);
    const hosts: Hosts = { ...saved.hosts, ...this.o.hostOverrides };
    const cred = new Credentials(saved.uin, saved.sid, saved.skey, saved.passTicket, saved.deviceId, hosts);
    cred.resetKeys(saved.syncKey, saved.syncCheckKey);
    this.cred = cred;
    this.setState('initializing');
    // The saved SyncKey is where we stopped; the server's would skip what arrived while we were down.
    await this.initSession('hot', heldOf(saved));
  }

  /** Takes a login's credentials; `held` is the cursor to keep (default: the session being replaced). */
  private async adopt(outcome: LoginOutcome, held?: HeldCursor): Promise<void> {
    const { page, hosts } = outcome;
    const prev = this.cred;
    const cursor =
      held ?? (prev ? { syncKey: prev.syncKey, syncCheckKey: prev.syncCheckKey, uin: prev.uin } : undefined);
    const deviceId = newDeviceId();
    this.cred = new Credentials(page.uin, page.sid, page.skey, page.passTicket, deviceId, hosts);
    if (prev && prev.uin !== page.uin) this.log.warn('logged in as a different account than the saved session');
    this.uploader.reset();
    this.setState('initializing');
    await this.initSession('login', cursor);
  }

  /** webwxinit, statusnotify, contacts; the CursorPolicy picks the held key or the server's. */
  private async initSession(reason: InitReason, held: HeldCursor | undefined): Promise<void> {
    const cred = this.requireCred('webwxinit');
    const init = await this.api.init();
    await this.chooseCursor(reason, held, init.SyncKey);
    if (init.SKey) cred.skey = init.SKey;
    this.store.clear();
    this.store.setSelf(init.User);
    for (const c of init.ContactList ?? []) this.store.upsert(c);
    await this.api.statusNotify(3, init.User.UserName, init.User.UserName).catch((err: unknown) => {
      this.emitError(err, 'webwxstatusnotify after init');
    });
    await this.loadContacts();
    const rooms = [...this.store.rooms()].filter((r) => r.members.size === 0).map((r) => r.userName);
    if (rooms.length > 0) await this.fetcher.request(rooms);
    await this.persistSession();
    this.emit('contacts-updated', { updated: [...this.store.all()].map((c) => c.userName), removed: [] });
  }

  /** Continues from the held key or the one webwxinit offered (CursorPolicy); a fresh login arms the history cutoff. */
  private async chooseCursor(reason: InitReason, held: HeldCursor | undefined, offered: SyncKey): Promise<void> {
    const choice = await this.cursor.afterInit(this.requireCred('webwxinit'), reason, held, offered);
    // A login with no cursor of this account: what the first syncs bring includes offline history.
    if (choice === 'adopt' && reason === 'login') this.history.freshLogin(Date.now());
  }

  private async loadContacts(): Promise<void> {
    let seq = 0;
    for (let page = 0; page < 200; page++) {
      const res = await this.api.getContact(seq);
      for (const c of res.MemberList) this.store.upsert(c);
      // Servers send Seq as a number or a numeric string.
      seq = Number(res.Seq) || 0;
      if (!seq) return;
    }
    this.log.warn('webwxgetcontact: stopped after 200 pages');
  }

  // ---- session persistence --------------------------------------------------

  /** Saves the session; concurrent calls coalesce, and each write takes the state at write time. */
  private persistSession(): Promise<void> {
    // After logout() the session is gone on purpose: nothing may write it back.
    if (!this.cred || this.loggedOut) return Promise.resolve();
    return this.sessionWriter.save();
  }

  private sessionDoc(): PersistedSession {
    const c = this.requireCred('persist session');
    return {
      version: 1,
      uin: c.uin,
      sid: c.sid,
      skey: c.skey,
      deviceId: c.deviceId,
      passTicket: c.passTicket,
      hosts: c.hosts,
      cookies: this.http.jar.serializeSync(),
      syncKey: c.safe.syncKey,
      ...(c.safe.syncCheckKey ? { syncCheckKey: c.safe.syncCheckKey } : {}),
      ...(this.store.selfOrUndefined ? { self: this.store.selfOrUndefined.raw } : {}),
      savedAt: Date.now(),
    };
  }

  // ---- sync loop ------------------------------------------------------------

  private startLoop(): void {
    const gen = ++this.loopGen;
    this.lastProgress = Date.now();
    this.loopDone = this.syncLoop(gen).catch((err: unknown) => {
      this.emitError(err, 'sync loop crashed');
    });
  }

  private running(gen: number): boolean {
    return this.loopGen === gen && !this.stopCtl.signal.aborted && this._state === 'syncing';
  }

  private async syncLoop(gen: number): Promise<void> {
    let failures = 0;
    let empty = 0;
    while (this.running(gen)) {
      const started = Date.now();
      try {
        const sc = await this.api.syncCheck();
        this.lastProgress = Date.now();
        if (!this.running(gen)) return;
        if (LOGOUT_CODES.has(sc.retcode)) {
          void this.handleLogout('synccheck', sc.retcode);
          return;
        }
        if (sc.retcode !== 0) throw new ServerError('synccheck', sc.retcode, 'unexpected retcode');
        failures = 0;
        if (sc.selector === 0) {
          const rest = this.o.minPollMs - (Date.now() - started);
          if (rest > 0) await sleep(rest, this.stopCtl.signal);
          continue;
        }
        const got = await this.syncOnce(gen);
        if (got > 0) {
          empty = 0;
          // Let the handlers just started run up to their replies' requests before the next long
          // poll is built: the poll can wait a turn, a reply waiting behind it is latency.
          await new Promise<void>((resolve) => setImmediate(resolve));
          continue;
        }
        empty++;
        if (empty >= this.o.stuckThreshold) {
          empty = 0;
          await this.tripBreaker(gen);
        }
      } catch (err) {
        if (!this.running(gen)) return;
        if (err instanceof LoggedOut) {
          void this.handleLogout(err.endpoint, err.ret);
          return;
        }
        failures++;
        if (this.cred) await this.cursor.failed(this.cred, err);
        const delay = backoffDelay(failures, this.o.backoffBase, this.o.backoffMax);
        this.emitError(err, `sync loop (attempt ${failures}, retrying in ${delay} ms)`);
        await sleep(delay, this.stopCtl.signal);
      }
    }
  }

  /** webwxsync until ContinueFlag is 0; returns how many things it brought. */
  private async syncOnce(gen: number): Promise<number> {
    let total = 0;
    for (let round = 0; round < 50; round++) {
      const res = await this.api.sync();
      this.lastProgress = Date.now();
      if (this.loopGen !== gen) return total;
      total += await this.applySync(res);
      if (!res.ContinueFlag) break;
    }
    return total;
  }

  /**
   * Applies one webwxsync answer in the order that keeps the delivery promise:
   * contacts, then journal the messages durably, then persist the SyncKey.
   */
  private async applySync(res: SyncResponse): Promise<number> {
    const cred = this.requireCred('webwxsync');
    let count = 0;
    const updated: string[] = [];
    const removed: string[] = [];
    const sync = checkSync(res);
    let bad = sync.skipped;
    // A contact change the store cannot take costs only itself (see checkSync).
    const apply = (f: () => void): void => {
      count++;
      try {
        f();
      } catch {
        bad++;
      }
    };
    for (const c of sync.contacts)
      apply(() => {
        this.store.upsert(c);
        updated.push(c.UserName);
      });
    for (const d of sync.deleted)
      apply(() => {
        if (this.store.remove(d.UserName)) removed.push(d.UserName);
      });
    for (const m of sync.members)
      apply(() => {
        this.store.setMembers(m.UserName, m.MemberList, m.MemberCount);
        updated.push(m.UserName);
      });
    const entries: Array<{ raw: RawMessage; sentByBot: boolean }> = [];
    const selfName = this.store.selfOrUndefined?.userName;
    for (const raw of sync.messages) {
      if (raw.MsgType === 51) {
        apply(() => {
          const sn = raw.StatusNotifyCode === 4 ? parseStatusNotify(raw) : undefined;
          if (sn?.truncated) this.log.warn('a status notification listed more chats than are read; none of it paired');
          if (sn) updated.push(...this.store.applyPairs(alignedPairs(sn)));
        });
        continue;
      }
      let sentByBot = false;
      try {
        sentByBot = raw.FromUserName === selfName && this.isBotMessage(raw);
      } catch {
        bad++; // still delivered: the normaliser reads what it can of any entry
      }
      entries.push({ raw, sentByBot });
      count++;
    }
    if (bad > 0)
      this.emitError(new ProtocolError('webwxsync', `${bad} malformed entries skipped or read in part`), 'webwxsync');
    if (updated.length > 0 || removed.length > 0) this.emit('contacts-updated', { updated, removed });
    const { deliver, history } = this.history.split(entries);
    if (history.length > 0) {
      const n = await this.inbox.skip(history);
      if (n > 0) this.log.info({ skipped: n }, 'messages from before the login not handed over (historyCutoffSeconds)');
    }
    await this.inbox.accept(deliver);
    cred.syncKey = isSyncKey(res.SyncKey) && res.SyncKey.List.length > 0 ? res.SyncKey : cred.syncKey;
    this.cursor.accepted();
    if (isSyncKey(res.SyncCheckKey) && res.SyncCheckKey.List.length > 0) cred.syncCheckKey = res.SyncCheckKey;
    if (typeof res.SKey === 'string' && res.SKey) cred.skey = res.SKey;
    cred.round++;
    // Entries are written (a process crash keeps them), so handlers can start now; the SyncKey
    // covering them is persisted by the next checkpoint, once the journal is synced, off the reply path.
    this.inbox.deliverPending();
    this.scheduleCheckpoint();
    return count;
  }

  private scheduleCheckpoint(): void {
    if (this.checkpointTimer) return;
    const wait = Math.max(0, this.lastCheckpoint + this.o.checkpointMs - Date.now());
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = undefined;
      this.lastCheckpoint = Date.now();
      void this.checkpoint();
    }, wait);
    this.checkpointTimer.unref();
  }

  /**
   * Syncs both journals (the outbox's so journaled sends survive a machine crash too), then saves
   * the SyncKey that every synced inbox entry is covered by.
   */
  private async checkpoint(): Promise<void> {
    const cred = this.cred;
    if (!cred) return;
    const { round, syncKey, syncCheckKey } = cred;
    try {
      await Promise.all([this.inbox.durable(), this.outbox.durable()]);
      cred.markSafe(round, syncKey, syncCheckKey);
      await this.persistSession();
    } catch (err) {
      this.emitError(err, 'session checkpoint');
    }
  }

  private isBotMessage(raw: RawMessage): boolean {
    if (this.botMsgIds.has(raw.MsgId)) return true;
    const k = this.sendKey(raw.ToUserName, raw.MsgType, raw.Content);
    const n = this.inflightSends.get(k) ?? 0;
    if (n > 0) {
      this.botMsgIds.add(raw.MsgId);
      return true;
    }
    return false;
  }

  private sendKey(to: string, type: number, content: string | undefined): string {
    const t = type === 49 ? 6 : type;
    return `${to}\u0000${t}\u0000${t === 1 ? (content ?? '') : ''}`;
  }

  /**
   * Unknown rooms, room members and private senders are fetched before their messages are delivered;
   * undefined when nothing needs fetching. Asked per chat by the inbox, so only that chat waits, and for
   * at most `lookupHoldMs`: a slow batchgetcontact delays a message, it never holds it.
   */
  private resolveUnknown(msgs: readonly RawMessage[]): Promise<void> | undefined {
    if (!this.cred) return undefined;
    const want = new Set<string>();
    for (const m of msgs) {
      const from = m.FromUserName;
      if (isRoomUserName(from)) {
        const room = this.store.room(from);
        const sender = /^(@[0-9a-f]+|[\w-]+):<br\/>/.exec(m.Content)?.[1];
        if (!room || (sender !== undefined && !room.members.has(sender))) want.add(from);
      } else if (!this.store.contact(from) && from !== '') {
        want.add(from);
      }
    }
    if (want.size === 0) return undefined;
    return settledWithin((settle) => {
      void this.fetcher.request(want).then(settle);
    }, this.o.lookupHoldMs).then(() => undefined);
  }

  private applyContacts(list: RawContact[]): void {
    const updated: string[] = [];
    for (const c of list) {
      this.store.upsert(c);
      updated.push(c.UserName);
    }
    if (updated.length) this.emit('contacts-updated', { updated, removed: [] });
  }

  private async tripBreaker(gen: number): Promise<void> {
    const delay = backoffDelay(2, this.o.backoffBase, this.o.backoffMax);
    this.log.warn({ delay }, 'sync breaker: selector keeps signalling but syncs are empty; backing off, then re-init');
    this.emitError(new ServerError('webwxsync', 0, 'stuck selector (empty syncs)'), 'sync breaker tripped');
    await sleep(delay, this.stopCtl.signal);
    if (!this.running(gen)) return;
    try {
      await this.reinit();
      this.emit('recovered', { via: 'reinit', attempt: 1 });
    } catch (err) {
      if (err instanceof LoggedOut) {
        void this.handleLogout(err.endpoint, err.ret);
        this.loopGen++;
        return;
      }
      this.emitError(err, 'sync breaker: re-init failed');
    }
  }

  /** Re-runs webwxinit with the current credentials; the CursorPolicy decides whether its SyncKey is taken. */
  private async reinit(): Promise<void> {
    const cred = this.requireCred('webwxinit');
    const init = await this.api.init();
    await this.chooseCursor(
      'reinit',
      { syncKey: cred.syncKey, syncCheckKey: cred.syncCheckKey, uin: cred.uin },
      init.SyncKey,
    );
    if (init.SKey) cred.skey = init.SKey;
    this.store.setSelf(init.User);
    for (const c of init.ContactList ?? []) this.store.upsert(c);
    await this.persistSession();
  }

  // ---- recovery ---------------------------------------------------------------

  private async handleLogout(endpoint: string, ret: number | undefined): Promise<void> {
    if (this.recovering || this.stopCtl.signal.aborted || this._state === 'stopping') return;
    this.recovering = true;
    this.loopGen++;
    try {
      const reason = logoutReason(ret);
      this.log.warn({ endpoint, ret, reason }, 'session logged out');
      this.emit('logout', ret === undefined ? { reason, endpoint } : { reason, retcode: ret, endpoint });
      this.setState('recovering');
      let attempt = 0;
      for (const step of this.o.onLogout) {
        if (this.stopCtl.signal.aborted) return;
        attempt++;
        try {
          if (step === 'reinit') {
            await this.reinit();
          } else if (step === 'push') {
            const c = this.requireCred('webwxpushloginurl');
            await this.adopt(await pushLogin(this.loginContext(), c.uin, c.hosts.main));
          } else {
            await this.adopt(await qrLogin(this.loginContext()));
          }
          this.setState('syncing');
          this.startLoop();
          this.emit('recovered', { via: step === 'reinit' ? 'reinit' : step, attempt });
          if (step !== 'reinit') this.emit('login', { self: this.store.self, via: step });
          this.inbox.deliverPending();
          return;
        } catch (err) {
          if (this.stopCtl.signal.aborted) return;
          this.emitError(err, `recovery step ${step} failed`);
          if (err instanceof LoginForbidden) break;
        }
      }
      this.setState('logged-out');
      for (const w of this.readyWaiters.splice(0))
        w.reject(new LoggedOut(endpoint, ret, 'the session is logged out and recovery failed'));
    } finally {
      this.recovering = false;
    }
  }

  /** Resolves when actions can run; rejects when the client stops or recovery gave up. */
  private ready(): Promise<void> {
    if (this._state === 'syncing') return Promise.resolve();
    if (this.stopCtl.signal.aborted || this._state === 'stopped') return Promise.reject(new ClientStopped('queue'));
    if (this._state === 'logged-out' && !this.recovering) return Promise.reject(new LoggedOut('queue'));
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  private setState(to: ClientState): void {
    const from = this._state;
    if (from === to) return;
    this._state = to;
    this.emit('state', { from, to });
    if (to === 'syncing') for (const w of this.readyWaiters.splice(0)) w.resolve();
  }

  private startTimers(): void {
    this.clearTimers();
    const wd = this.o.watchdogMs;
    if (wd > 0) {
      const t = setInterval(
        () => {
          if (this._state !== 'syncing') return;
          if (Date.now() - this.lastProgress > wd) {
            this.emitError(new Error(`no sync progress for ${wd} ms`), 'watchdog: aborting the stuck poll');
            this.lastProgress = Date.now();
            this.http.abortInflight();
          }
        },
        Math.max(50, Math.floor(wd / 4)),
      );
      t.unref();
      this.timers.push(t);
    }
    if (this.o.keepAliveMs > 0) {
      const t = setInterval(() => {
        if (this._state !== 'syncing') return;
        const self = this.store.selfOrUndefined?.userName;
        if (!self) return;
        // Invisible: the init-time status notification to ourselves, never a chat message.
        this.api.statusNotify(3, self, self).catch((err: unknown) => {
          this.emitError(err, 'keep-alive');
        });
      }, this.o.keepAliveMs);
      t.unref();
      this.timers.push(t);
    }
  }

  private clearTimers(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  private cancelCheckpoint(): void {
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = undefined;
  }

  // ---- events ---------------------------------------------------------------

  private emit<E extends keyof ClientEvents>(event: E, payload: Parameters<ClientEvents[E]>[0]): void {
    // rawListeners: a once() listener is its wrapper here, which removes itself when called.
    for (const l of this.emitter.rawListeners(event)) {
      try {
        (l as (p: unknown) => void)(payload);
      } catch (err) {
        this.log.error({ err: String(err), event }, 'event listener threw');
      }
    }
  }

  private emitError(err: unknown, context: string): void {
    const error = err instanceof Error ? err : new Error(String(err));
    this.log.warn({ err: error.message, code: (error as Partial<WxError>).code, context }, 'client error');
    this.emit('error', { error, context });
  }

  private requireCred(endpoint: string): Credentials {
    if (!this.cred) throw new NotLoggedIn(endpoint);
    return this.cred;
  }

  private sessionTag(): string {
    const c = this.cred;
    return c ? `${c.uin}:${c.sid}` : '';
  }

  // ---- actions --------------------------------------------------------------

  private checkTarget(endpoint: string, to: string): void {
    if (typeof to !== 'string' || to.trim() === '') throw new InvalidArgument(endpoint, 'recipient UserName is empty');
    if (!this.cred) throw new NotLoggedIn(endpoint);
  }

  private async send(
    kind: SendKind,
    cls: ActionClass,
    to: string,
    fields: Omit<OutboundMsg, 'FromUserName' | 'ToUserName' | 'LocalID' | 'ClientMsgId'>,
    media?: { clientMsgId: string; upload: NonNullable<SendJournalEntry['upload']> },
    cause?: string,
  ): Promise<SentMessage> {
    const stable = this.store.contact(to)?.stableId;
    const entry: SendJournalEntry = {
      clientMsgId: media?.clientMsgId ?? newClientMsgId(),
      ...(media ? { upload: media.upload } : {}),
      kind,
      msgType: fields.Type,
      to,
      ...(stable !== undefined ? { toStableId: stable } : {}),
      ...(fields.Content !== undefined ? { content: fields.Content } : {}),
      ...(fields.MediaId !== undefined ? { mediaId: fields.MediaId } : {}),
      ...(fields.EMoticonMd5 !== undefined ? { emoticonMd5: fields.EMoticonMd5 } : {}),
      session: this.sessionTag(),
      createdAt: Date.now(),
      ...(cause !== undefined ? { cause } : {}),
    };
    const earlier = cause !== undefined ? this.recovered?.claim(cause, sendFingerprint(entry)) : undefined;
    const joined = earlier !== undefined ? this.joinEarlier(earlier, entry) : undefined;
    if (joined) {
      this.dropSpool(entry);
      return joined;
    }
    await this.outbox.journal(entry);
    this.scheduleCheckpoint();
    return this.runJournaled(entry, cls);
  }

  private runJournaled(entry: SendJournalEntry, cls: ActionClass): Promise<SentMessage> {
    const endpoint = entry.kind === 'text' ? 'webwxsendmsg' : `send:${entry.kind}`;
    let lost: { probe: SendProbe; entry: SendJournalEntry } | undefined;
    return this.outbox
      .enqueue(
        cls,
        endpoint,
        () => {
          // A probe from an earlier try (refused, so discarded) must not stand for this one.
          lost = undefined;
          return this.performSend(entry, (probe, e) => {
            lost = { probe, entry: e };
          });
        },
        {
          orderKey: entry.to,
          journaled: true,
          createdAt: entry.createdAt,
          clientMsgId: entry.clientMsgId,
          reconcile: async (err) => {
            const l = lost;
            lost = undefined;
            // No probe: the failed request was an upload, the send itself never went out.
            if (!l) return 'retry';
            return this.settleLost(await l.probe.lost(), l.entry, endpoint, err);
          },
        },
      )
      .catch((err: unknown) => {
        // Definitive failures leave the journal; a stop keeps the entry for the next start.
        if (!(err instanceof ClientStopped)) {
          this.outbox.settle(entry.clientMsgId, undefined, err instanceof SendOutcomeUnknown);
          this.dropSpool(entry);
        }
        throw err;
      });
  }

  /**
   * A handler run again after a crash asks for a send its first run journaled
   * (same cause, recipient and content): it gets that send's outcome, never a
   * second copy. Undefined when that send provably did not arrive (or is
   * forgotten): then it is made anew.
   */
  private joinEarlier(clientMsgId: string, entry: SendJournalEntry): Promise<SentMessage> | undefined {
    const msgId = this.outbox.msgIdOf(clientMsgId);
    if (msgId !== undefined) return Promise.resolve(sentMessage({ ...entry, clientMsgId }, msgId));
    const replay = this.replays.get(clientMsgId);
    if (replay) {
      this.replays.delete(clientMsgId); // claimed once: a second identical send of this run is a new one
      return replay;
    }
    if (!this.outbox.outcomeUnknown(clientMsgId)) return undefined;
    const endpoint = entry.kind === 'text' ? 'webwxsendmsg' : `send:${entry.kind}`;
    return Promise.reject(
      new SendOutcomeUnknown(endpoint, clientMsgId, 'made before a restart and whether it arrived is unknown'),
    );
  }

  /** What a send whose answer was lost comes to, once the sync echoes said so (or could not). */
  private settleLost(
    v: EchoVerdict,
    e: SendJournalEntry,
    endpoint: string,
    cause: unknown,
  ): { done: SentMessage } | 'retry' {
    if (this.stopCtl.signal.aborted || this._state === 'stopping') throw new ClientStopped(endpoint);
    const fields = { clientMsgId: e.clientMsgId, endpoint };
    if (v === 'absent') {
      this.log.info(fields, 'lost send answer: no echo came back, so it did not arrive; sending again');
      return 'retry';
    }
    if (v === 'unknown') {
      this.log.warn(fields, 'lost send answer: whether it arrived is unknown; not sent again (at most once)');
      throw new SendOutcomeUnknown(
        endpoint,
        e.clientMsgId,
        `no echo, and no proof it did not arrive, within sends.reconcileMs (${this.o.reconcileMs} ms)`,
        { cause },
      );
    }
    this.log.info({ ...fields, msgId: v.arrived }, 'lost send answer: its echo came back, so it arrived');
    this.outbox.settle(e.clientMsgId, v.arrived);
    this.dropSpool(e);
    return { done: sentMessage(e, v.arrived) };
  }

  private async performSend(
    queued: SendJournalEntry,
    tracked: (probe: SendProbe, entry: SendJournalEntry) => void,
  ): Promise<SentMessage> {
    // A re-login between enqueue and now changed every UserName: re-address through the stable id.
    let entry = this.readdress(queued) ?? queued;
    const self = this.store.self.userName;
    if (entry.upload && entry.mediaId === undefined) entry = await this.uploadJournaled(entry, self);
    const msg: OutboundMsg = {
      Type: entry.msgType,
      FromUserName: self,
      ToUserName: entry.to,
      LocalID: entry.clientMsgId,
      ClientMsgId: entry.clientMsgId,
      ...(entry.content !== undefined ? { Content: entry.content } : {}),
      ...(entry.mediaId !== undefined ? { MediaId: entry.mediaId } : {}),
      ...(entry.msgType === 47 ? { EmojiFlag: 2 } : {}),
      ...(entry.emoticonMd5 !== undefined ? { EMoticonMd5: entry.emoticonMd5 } : {}),
    };
    // From here the server may act on it: a crash or a lost answer is reconciled, not re-sent blindly.
    await this.outbox.markAttempted(entry.clientMsgId);
    const probe = this.reconciler.track({
      clientMsgId: entry.clientMsgId,
      to: entry.to,
      msgType: entry.msgType,
      content: entry.msgType === 1 ? entry.content : undefined,
      sentAt: this.outbox.attemptedAt(entry.clientMsgId) ?? Date.now(),
    });
    tracked(probe, entry);
    const k = this.sendKey(entry.to, entry.msgType, entry.content);
    this.inflightSends.set(k, (this.inflightSends.get(k) ?? 0) + 1);
    try {
      const res = await this.api.send(entry.kind, msg);
      const msgId = res.MsgID === undefined ? '' : `${res.MsgID as unknown as string | number}`;
      if (msgId) this.botMsgIds.add(msgId);
      probe.answered(msgId);
      this.outbox.settle(entry.clientMsgId, msgId);
      this.dropSpool(entry);
      return sentMessage(entry, msgId);
    } catch (err) {
      // Only a lost answer leaves the outcome open; any answer (1204, 1205...) says it was not taken.
      if (!(err instanceof NetworkError)) probe.discard();
      throw err;
    } finally {
      // Keep the marker briefly: the sync echo can arrive after the HTTP answer.
      setTimeout(() => {
        const cur = this.inflightSends.get(k) ?? 0;
        if (cur <= 1) this.inflightSends.delete(k);
        else this.inflightSends.set(k, cur - 1);
      }, 30_000).unref();
    }
  }

  /** Uploads a journaled media send's spooled data; the MediaId stays in memory (a crash re-uploads). */
  private async uploadJournaled(entry: SendJournalEntry, self: string): Promise<SendJournalEntry> {
    const up = entry.upload!;
    let data: Buffer;
    try {
      data = await readFile(up.file);
    } catch (err) {
      throw new InvalidArgument(
        `send:${entry.kind}`,
        `the spooled data of journaled send ${entry.clientMsgId} is gone (${(err as Error).message})`,
      );
    }
    const mediaId = await this.uploader.upload(data, up.name, up.kind, self, entry.to);
    const content = entry.kind === 'file' ? fileAppMsg(up.name, up.size, mediaId) : entry.content;
    return { ...entry, mediaId, ...(content !== undefined ? { content } : {}) };
  }

  /**
   * Removes this account's spooled media that no journaled send refers to: a
   * crash between spooling and journaling, or between sending and removing.
   */
  private async sweepSpool(pending: readonly SendJournalEntry[]): Promise<void> {
    const keep = new Set(pending.flatMap((e) => (e.upload ? [e.upload.file] : [])));
    let names: string[];
    try {
      names = await readdir(this.o.spoolDir);
    } catch {
      return; // no spool dir yet
    }
    for (const name of names) {
      const file = join(this.o.spoolDir, name);
      if (keep.has(file)) continue;
      await rm(file, { force: true }).catch((err: unknown) => {
        this.log.warn({ err: String(err) }, 'could not remove an orphaned spooled media file');
      });
    }
  }

  /** Removes the spool file of a media send that left the journal. */
  private dropSpool(entry: SendJournalEntry): void {
    if (entry.upload)
      void rm(entry.upload.file, { force: true }).catch((err: unknown) => {
        this.log.warn({ err: String(err) }, 'could not remove a spooled media file');
      });
  }

  /** Re-sends a journaled entry after a restart (same ClientMsgId), re-addressing it if the session changed. */
  private replaySend(entry: SendJournalEntry): void {
    let settle!: { resolve: (m: SentMessage) => void; reject: (err: unknown) => void };
    const outcome = new Promise<SentMessage>((resolve, reject) => (settle = { resolve, reject }));
    outcome.catch(() => undefined); // reported below; a joining handler gets it too
    this.replays.set(entry.clientMsgId, outcome);
    this.replayJournaled(entry, settle);
  }

  private replayJournaled(
    entry: SendJournalEntry,
    settle: { resolve: (m: SentMessage) => void; reject: (err: unknown) => void },
  ): void {
    const e = this.readdress(entry);
    if (!e) {
      this.outbox.settle(entry.clientMsgId, undefined);
      this.dropSpool(entry);
      const err = new InvalidArgument(
        'replay',
        `cannot re-address journaled send ${entry.clientMsgId}: recipient unknown in the new session`,
      );
      settle.reject(err);
      this.emitError(err, 'outbox replay');
      return;
    }
    const cls: ActionClass = e.kind === 'text' ? 'text' : 'media';
    const replay = (): void => {
      this.log.info({ clientMsgId: e.clientMsgId, kind: e.kind }, 'replaying a journaled send');
      this.runJournaled(e, cls).then(settle.resolve, (err: unknown) => {
        settle.reject(err);
        this.emitError(err, `replayed send ${e.clientMsgId} failed`);
      });
    };
    if (e.attemptedAt === undefined) {
      replay();
      return;
    }
    // Its request may have reached the server before the crash: ask the echoes first.
    const endpoint = e.kind === 'text' ? 'webwxsendmsg' : `send:${e.kind}`;
    const sameSession = entry.session === this.sessionTag();
    const verdict: Promise<EchoVerdict> = sameSession
      ? this.reconciler
          .track({
            clientMsgId: e.clientMsgId,
            to: e.to,
            msgType: e.msgType,
            content: e.msgType === 1 ? e.content : undefined,
            sentAt: e.attemptedAt,
          })
          .lost()
      : Promise.resolve('unknown'); // a new session never echoes what the old one sent
    void verdict
      .then((v) => {
        const lost = this.settleLost(v, e, endpoint, undefined);
        if (lost === 'retry') replay();
        else settle.resolve(lost.done);
      })
      .catch((err: unknown) => {
        settle.reject(err);
        if (err instanceof ClientStopped) return;
        this.outbox.settle(e.clientMsgId, undefined, err instanceof SendOutcomeUnknown);
        this.dropSpool(e);
        this.emitError(err, `journaled send ${e.clientMsgId} not replayed`);
      });
  }

  private readdress(entry: SendJournalEntry): SendJournalEntry | undefined {
    if (entry.session === this.sessionTag() || this.store.contact(entry.to)) return entry;
    const c = entry.toStableId !== undefined ? this.store.byStableId(entry.toStableId) : undefined;
    if (!c) return undefined;
    return { ...entry, to: c.userName, session: this.sessionTag() };
  }

  sendText(to: string, text: string, opts?: SendCallOptions): Promise<SentMessage> {
    try {
      this.checkTarget('webwxsendmsg', to);
      if (typeof text !== 'string' || text === '') throw new InvalidArgument('webwxsendmsg', 'text is empty');
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return this.send('text', 'text', to, { Type: 1, Content: text }, undefined, opts?.cause);
  }

  async sendEmoticon(to: string, emoticon: string | Buffer, opts?: SendCallOptions): Promise<SentMessage> {
    this.checkTarget('webwxsendemoticon', to);
    if (typeof emoticon === 'string') {
      if (!/^[0-9a-f]{32}$/i.test(emoticon))
        throw new InvalidArgument('webwxsendemoticon', 'emoticon must be a 32-hex md5 or a Buffer');
      return this.send(
        'emoticon',
        'media',
        to,
        { Type: 47, EMoticonMd5: emoticon.toLowerCase() },
        undefined,
        opts?.cause,
      );
    }
    return this.sendMedia('emoticon', to, emoticon, 'emoticon.gif', 'pic', 47, opts?.cause);
  }

  /**
   * Journals a media send before its upload: the data goes to a spool file
   * first, so a crash during the upload (or before the send) uploads and
   * sends it again on the next start instead of losing it.
   */
  private async sendMedia(
    kind: SendKind,
    to: string,
    data: Buffer,
    name: string,
    uploadKind: UploadKind,
    msgType: number,
    cause: string | undefined,
  ): Promise<SentMessage> {
    const clientMsgId = newClientMsgId();
    const file = join(this.o.spoolDir, clientMsgId);
    await writeFileAtomic(file, data);
    const upload = { file, name, kind: uploadKind, size: data.length };
    return this.send(
      kind,
      'media',
      to,
      { Type: msgType, ...(kind === 'file' || kind === 'emoticon' ? {} : { Content: '' }) },
      { clientMsgId, upload },
      cause,
    );
  }

  async sendImage(to: string, file: MediaSource, name?: string, opts?: SendCallOptions): Promise<SentMessage> {
    this.checkTarget('webwxsendmsgimg', to);
    const src = await readSource(file, 'webwxsendmsgimg');
    return this.sendMedia('image', to, src.data, name ?? src.name, 'pic', 3, opts?.cause);
  }

  async sendVideo(to: string, file: MediaSource, name?: string, opts?: SendCallOptions): Promise<SentMessage> {
    this.checkTarget('webwxsendvideomsg', to);
    const src = await readSource(file, 'webwxsendvideomsg');
    return this.sendMedia('video', to, src.data, name ?? src.name, 'video', 43, opts?.cause);
  }

  async sendFile(to: string, file: MediaSource, name?: string, opts?: SendCallOptions): Promise<SentMessage> {
    this.checkTarget('webwxsendappmsg', to);
    const src = await readSource(file, 'webwxsendappmsg');
    return this.sendMedia('file', to, src.data, name ?? src.name, 'doc', 6, opts?.cause);
  }

  async revoke(sent: SentMessage): Promise<void> {
    this.checkTarget('webwxrevokemsg', sent.toUserName);
    if (!sent.msgId) throw new InvalidArgument('webwxrevokemsg', 'the message has no server MsgID');
    await this.outbox.enqueue('misc', 'webwxrevokemsg', () =>
      this.api.revoke(sent.msgId, sent.toUserName, sent.localId),
    );
  }

  async forward(msg: RawMessage, to: string): Promise<SentMessage> {
    this.checkTarget('forward', to);
    const content = isRoomUserName(msg.FromUserName) ? msg.Content.replace(/^[^:<]+:<br\/>/, '') : msg.Content;
    switch (msg.MsgType) {
      case 1:
        return this.send('text', 'text', to, { Type: 1, Content: decodeText(content) });
      case 3:
        return this.send('image', 'media', to, { Type: 3, MediaId: msg.MediaId ?? '', Content: decodeText(content) });
      case 43:
      case 62:
        return this.send('video', 'media', to, { Type: 43, MediaId: msg.MediaId ?? '', Content: decodeText(content) });
      case 47:
        return this.send('emoticon', 'media', to, {
          Type: 47,
          Content: decodeText(content),
          ...(msg.MediaId ? { MediaId: msg.MediaId } : {}),
        });
      case 49:
        if (msg.AppMsgType === 6) return this.send('file', 'media', to, { Type: 6, Content: decodeText(content) });
        return this.send('file', 'media', to, { Type: msg.AppMsgType ?? 5, Content: decodeText(content) });
      default:
        throw new InvalidArgument('forward', `MsgType ${msg.MsgType} cannot be forwarded`);
    }
  }

  async addFriend(userName: string, verifyText: string): Promise<void> {
    this.checkTarget('webwxverifyuser', userName);
    // A second request would be a second friend request: at most once.
    await this.outbox.enqueue('friend', 'webwxverifyuser', () => this.api.verifyUser(2, userName, '', verifyText), {
      atMostOnce: true,
    });
  }

  async acceptFriend(request: FriendRequestRef): Promise<void> {
    this.checkTarget('webwxverifyuser', request.userName);
    if (!request.ticket) throw new InvalidArgument('webwxverifyuser', 'accepting a friend request needs its ticket');
    await this.outbox.enqueue('friend', 'webwxverifyuser', () =>
      this.api.verifyUser(3, request.userName, request.ticket, ''),
    );
    // The next sync's ModContactList would bring the new friend, but a welcome sent right after
    // accepting must already find them by name (and logs show who it went to): fetch them now.
    // The accept itself succeeded, so a failed fetch is only reported.
    await this.fetcher.request([request.userName]).catch((err: unknown) => {
      this.emitError(err, 'batchgetcontact of a just-accepted friend');
    });
  }

  async createRoom(members: readonly string[], topic = ''): Promise<Room> {
    if (!this.cred) throw new NotLoggedIn('webwxcreatechatroom');
    if (members.length < 2) throw new InvalidArgument('webwxcreatechatroom', 'a room needs at least 2 other members');
    // Room operations have no echo to reconcile against: a lost answer is SendOutcomeUnknown, never a second room.
    const res = await this.outbox.enqueue('room', 'webwxcreatechatroom', () => this.api.createRoom(members, topic), {
      atMostOnce: true,
    });
    const name = res.ChatRoomName!;
    this.store.upsert({
      UserName: name,
      NickName: res.Topic ?? topic,
      MemberList: res.MemberList ?? [],
      MemberCount: res.MemberCount ?? 0,
    });
    await this.fetcher.request([name]);
    const room = this.store.room(name);
    if (!room) throw new ServerError('webwxcreatechatroom', 0, 'the new room is not in the contact store');
    return room;
  }

  private async updateRoom(
    fun: 'addmember' | 'delmember' | 'invitemember',
    room: string,
    members: readonly string[],
  ): Promise<void> {
    this.checkTarget('webwxupdatechatroom', room);
    if (members.length === 0) throw new InvalidArgument(`webwxupdatechatroom?fun=${fun}`, 'no members given');
    await this.outbox.enqueue(
      'room',
      `webwxupdatechatroom?fun=${fun}`,
      () => this.api.updateRoom(fun, room, members.join(',')),
      { atMostOnce: true },
    );
  }

  addMembers(room: string, members: readonly string[]): Promise<void> {
    return this.updateRoom('addmember', room, members);
  }

  removeMembers(room: string, members: readonly string[]): Promise<void> {
    return this.updateRoom('delmember', room, members);
  }

  inviteMembers(room: string, members: readonly string[]): Promise<void> {
    return this.updateRoom('invitemember', room, members);
  }

  async setTopic(room: string, topic: string): Promise<void> {
    this.checkTarget('webwxupdatechatroom', room);
    await this.outbox.enqueue(
      'room',
      'webwxupdatechatroom?fun=modtopic',
      () => this.api.updateRoom('modtopic', room, topic),
      { atMostOnce: true },
    );
  }

  async setRemark(userName: string, remark: string): Promise<void> {
    this.checkTarget('webwxoplog', userName);
    await this.outbox.enqueue('misc', 'webwxoplog', () =>
      this.api.opLog({ UserName: userName, CmdId: 2, RemarkName: remark }),
    );
  }

  async pin(userName: string, on: boolean): Promise<void> {
    this.checkTarget('webwxoplog', userName);
    await this.outbox.enqueue('misc', 'webwxoplog', () =>
      this.api.opLog({ UserName: userName, CmdId: 3, OP: on ? 1 : 0 }),
    );
  }

  async markRead(userName: string): Promise<void> {
    this.checkTarget('webwxstatusnotify', userName);
    const self = this.store.self.userName;
    await this.outbox.enqueue('misc', 'webwxstatusnotify', () => this.api.statusNotify(1, self, userName));
  }

  async download(msg: RawMessage, target: DownloadTarget, opts: DownloadOptions = {}): Promise<DownloadResult> {
    const c = this.requireCred('download');
    const plan = planDownload(c, msg, opts, await this.uploader.dataTicket());
    return runDownload(this.http, plan, target, opts.fileName, join(this.o.spoolDir, '..', '..')); // spoolDir = <dataDir>/outbox-media/<account>
  }
}

/** The cursor a saved session holds. */
function heldOf(saved: PersistedSession): HeldCursor {
  return { syncKey: saved.syncKey, syncCheckKey: saved.syncCheckKey, uin: saved.uin };
}

/** The chat of a sync entry: the peer or room, whichever side is not the bot. */
function chatOf(raw: RawMessage, self: string | undefined): string {
  return raw.FromUserName === self ? raw.ToUserName : raw.FromUserName;
}

function sentMessage(e: SendJournalEntry, msgId: string): SentMessage {
  return { msgId, localId: e.clientMsgId, toUserName: e.to, type: e.msgType, endpoint: `webwx${e.kind}` };
}

/** Wire Content (HTML-escaped, `<br/>` for newlines) back to the text to send again. */
function decodeText(s: string): string {
  return unescapeHtml(replaceBreaks(s));
}

/** Creates the client of one account. No global state: call it once per account. */
export function createClient(options: ClientOptions, internals?: ClientInternals): WxClient {
  return new WebWxClient(options, internals);
}
