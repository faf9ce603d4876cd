/** The Simulator class: the TypeScript control surface (created and started by create.ts). */

import type { ActionListener, ActionPredicate, BotAction } from './actions.js';
import { AccountRegistry, type AccountSpec } from './accounts.js';
import type { Engine, Logger, RoomMemberUpdates } from './engine.js';
import type { FaultRule, FaultRuleState } from './faults.js';
import { sendIncoming, type SendSpec } from './incoming.js';
import * as login from './routes/login.js';
import * as media from './routes/media.js';
import * as room from './routes/room.js';
import * as send from './routes/send.js';
import * as session from './routes/session.js';
import * as sync from './routes/sync.js';
import type { Handler } from './routes/types.js';
import { webwxuploadmedia } from './routes/upload.js';
import { webwxcheckupload } from './routes/check-upload.js';
import { Listeners, type Route, type RouteTable } from './server.js';
import type { EndCode } from './session.js';
import type { HostRole } from './http.js';
import type { PersonSpec, WorldSpec } from './world/types.js';
import { defaultWorld } from './world/generate.js';
import type { World } from './world/world.js';
import { WEB_LOGIN_ENVIRONMENT_MESSAGE, WEB_LOGIN_REAL_NAME_MESSAGE } from './wire/xml.js';

export interface SimulatorOptions {
  /** Main (wx) host port; 0 or absent = a free port. */
  port?: number;
  /** The one account's world (default `defaultWorld()`); not together with `accounts`. */
  world?: WorldSpec;
  /**
   * Several accounts behind the same ports, as the real servers host them (see accounts.ts for how requests
   * are told apart); `generateAccounts` makes many. The top-level API and control paths address the first;
   * `account(id)` and `/__sim/accounts/<id>/...` any of them.
   */
  accounts?: AccountSpec[];
  /** The "phone" scans and confirms every new login by itself (after delayMs, default 0). */
  autoConfirm?: boolean | { delayMs: number };
  /** How long the login poll is held before `window.code=408;` (default 25000). */
  loginPollHoldMs?: number;
  /** How long synccheck is held before selector 0 (default 25000). */
  synccheckHoldMs?: number;
  /** A QR uuid expires after this (then the poll answers 400; default 300000). */
  uuidTtlMs?: number;
  /** webwxgetcontact page size; Seq != 0 means more (default 1000). */
  contactPageSize?: number;
  /** webwxbatchgetcontact accepts at most this many names (default 50). */
  batchGetLimit?: number;
  /** webwxsync returns at most this many entries, with ContinueFlag set when more wait (default 100). */
  syncBatchSize?: number;
  /** Echo the bot's own sends back through webwxsync, as the real server does (default true). */
  echoSelfMessages?: boolean;
  /** Revocation window (default 120000). */
  revokeWindowMs?: number;
  seed?: number;
  faults?: FaultRule[];
  /** More than `max` sends per `windowMs` get Ret 1205. */
  rateLimit?: { max: number; windowMs: number };
  /** webwxinit's InviteStartCount (default 40): rooms with at least this many members refuse `addmember` (Ret 1). */
  inviteStartCount?: number;
  /**
   * Messages arriving while no web session is live, and those a session that ended never got to its client,
   * are kept (at most this many, default 1000) and handed to the next login's first webwxsync with their
   * original CreateTime, as the real server does; 0 drops them.
   */
  offlineMessages?: number;
  /**
   * How many of the newest messages (for media downloads, revocations and forwards), uploaded or received
   * files, and recorded bot actions (`actions()`, `waitForAction`) the simulator keeps; the oldest are
   * forgotten first, so a simulator that runs for days stays bounded. Default 100,000 of each; a positive
   * whole number.
   */
  retain?: number;
  /** Which webwxsync lists carry roster changes (default 'both': ModContactList and ModChatRoomMemberList). */
  roomMemberUpdates?: RoomMemberUpdates;
  /** Serve login, push (synccheck) and file (upload/getmedia) endpoints on their own ports. */
  separateHosts?: boolean | { loginPort?: number; pushPort?: number; filePort?: number };
  logger?: Logger;
}

export interface SessionInfo {
  uin: number;
  sid: string;
  skey: string;
  passTicket: string;
  dataTicket: string;
  selfUserName: string;
  ended: { code: EndCode; reason: string } | undefined;
}

const R = (role: HostRole, handler: Handler): Route => ({ role, handler });
const CGI = '/cgi-bin/mmwebwx-bin/';

function routeTable(control: RouteTable['control']): RouteTable {
  const entries: [string, Route][] = [
    ['/jslogin', R('login', login.jslogin)],
    [CGI + 'login', R('login', login.loginPoll)],
    [CGI + 'webwxnewloginpage', R('main', login.newLoginPage)],
    [CGI + 'webwxpushloginurl', R('main', login.pushLogin)],
    [CGI + 'webwxinit', R('main', session.webwxinit)],
    [CGI + 'webwxstatusnotify', R('main', session.webwxstatusnotify)],
    [CGI + 'webwxgetcontact', R('main', session.webwxgetcontact)],
    [CGI + 'webwxbatchgetcontact', R('main', session.webwxbatchgetcontact)],
    [CGI + 'webwxlogout', R('main', session.webwxlogout)],
    [CGI + 'synccheck', R('push', sync.synccheck)],
    [CGI + 'webwxsync', R('main', sync.webwxsync)],
    [CGI + 'webwxsendmsg', R('main', send.webwxsendmsg)],
    [CGI + 'webwxsendemoticon', R('main', send.webwxsendemoticon)],
    [CGI + 'webwxsendmsgimg', R('main', send.webwxsendmsgimg)],
    [CGI + 'webwxsendvideomsg', R('main', send.webwxsendvideomsg)],
    [CGI + 'webwxsendappmsg', R('main', send.webwxsendappmsg)],
    [CGI + 'webwxuploadmedia', R('file', webwxuploadmedia)],
    [CGI + 'webwxrevokemsg', R('main', room.webwxrevokemsg)],
    [CGI + 'webwxverifyuser', R('main', room.webwxverifyuser)],
    [CGI + 'webwxcreatechatroom', R('main', room.webwxcreatechatroom)],
    [CGI + 'webwxupdatechatroom', R('main', room.webwxupdatechatroom)],
    [CGI + 'webwxoplog', R('main', room.webwxoplog)],
    [CGI + 'webwxgetmsgimg', R('main', media.webwxgetmsgimg)],
    [CGI + 'webwxgetvoice', R('main', media.webwxgetvoice)],
    [CGI + 'webwxgetvideo', R('main', media.webwxgetvideo)],
    [CGI + 'webwxgetmedia', R('file', media.webwxgetmedia)],
    [CGI + 'webwxgeticon', R('main', media.webwxgeticon)],
    [CGI + 'webwxgetheadimg', R('main', media.webwxgetheadimg)],
    [CGI + 'webwxcheckupload', R('main', webwxcheckupload)],
  ];
  return {
    exact: new Map(entries),
    prefix: [
      { prefix: '/qrcode/', endpoint: 'qrcode', route: R('login', login.qrcode) },
      { prefix: '/l/', endpoint: 'l', route: R('login', login.qrTarget) },
    ],
    control,
  };
}

export class Simulator {
  /** @internal */
  readonly engine: Engine;
  /** @internal */
  readonly registry: AccountRegistry;
  private listeners: Listeners | undefined;
  private closed = false;
  /** Set on the handle of one account (`account(id)`): the simulator it belongs to. */
  private readonly root: Simulator | undefined;
  private readonly handles = new Map<string, Simulator>();

  /** @internal use createSimulator */
  constructor(
    private readonly options: SimulatorOptions,
    of?: { root: Simulator; engine: Engine },
  ) {
    if (of) {
      this.root = of.root;
      this.registry = of.root.registry;
      this.engine = of.engine;
      return;
    }
    this.root = undefined;
    const auto = options.autoConfirm;
    const seed = options.seed ?? 1;
    this.registry = new AccountRegistry(
      {
        autoConfirm: auto === true ? { delayMs: 0 } : auto ? auto : false,
        loginPollHoldMs: options.loginPollHoldMs ?? 25_000,
        synccheckHoldMs: options.synccheckHoldMs ?? 25_000,
        uuidTtlMs: options.uuidTtlMs ?? 300_000,
        contactPageSize: options.contactPageSize ?? 1000,
        batchGetLimit: options.batchGetLimit ?? 50,
        syncBatchSize: options.syncBatchSize ?? 100,
        echoSelfMessages: options.echoSelfMessages ?? true,
        revokeWindowMs: options.revokeWindowMs ?? 120_000,
        rateLimit: options.rateLimit,
        inviteStartCount: options.inviteStartCount ?? 40,
        offlineMessages: options.offlineMessages ?? 1000,
        retain: retainOption(options.retain),
        roomMemberUpdates: options.roomMemberUpdates ?? 'both',
        logger: options.logger,
      },
      seed,
      options.faults ?? [],
    );
    if (options.accounts !== undefined) {
      if (options.world !== undefined)
        throw new Error('createSimulator: give `world` (one account) or `accounts` (several), not both');
      if (options.accounts.length === 0) throw new Error('createSimulator: `accounts` is empty');
      options.accounts.forEach((spec, i) => this.registry.add(spec, i === 0 ? seed : undefined));
    } else this.registry.add({ id: 'default', world: options.world ?? defaultWorld() }, seed);
    this.engine = this.registry.front;
  }

  /** This account's id (`default` for a simulator made with `world`). */
  get id(): string {
    return this.engine.id;
  }

  /** Every account's id, in order. */
  accountIds(): string[] {
    return this.registry.engines.map((e) => e.id);
  }

  /**
   * The same API for one account: its world, phone, session, actions and faults. The origins are the
   * simulator's; `close()` belongs to the simulator.
   */
  account(id: string): Simulator {
    const root = this.root ?? this;
    const engine = root.registry.get(id);
    if (!engine) throw new Error(`account: no account "${id}" (there: ${root.accountIds().join(', ')})`);
    let handle = root.handles.get(id);
    if (!handle) {
      handle = engine === root.engine ? root : new Simulator(root.options, { root, engine });
      root.handles.set(id, handle);
    }
    return handle;
  }

  /** Adds an account while the simulator runs (its phone confirms the next login it is shown). */
  addAccount(spec: AccountSpec): Simulator {
    const root = this.root ?? this;
    root.registry.add(spec);
    return root.account(spec.id);
  }

  /**
   * @internal `control` serves `/__sim/*`; it is passed in (see create.ts) so that this
   * file and the control API, which drives a Simulator, do not import each other.
   */
  async start(control: RouteTable['control']): Promise<void> {
    const sep = this.options.separateHosts;
    if (this.root) throw new Error('start: an account handle is started with its simulator');
    this.listeners = new Listeners(this.registry, routeTable(control), Boolean(sep));
    const urls = this.engine.urls;
    urls.main = await this.listeners.listen('main', this.options.port ?? 0);
    if (sep) {
      const ports = typeof sep === 'object' ? sep : {};
      urls.login = await this.listeners.listen('login', ports.loginPort ?? 0);
      urls.push = await this.listeners.listen('push', ports.pushPort ?? 0);
      urls.file = await this.listeners.listen('file', ports.filePort ?? 0);
    } else urls.login = urls.push = urls.file = urls.main;
  }

  /** Main host (wx host); redirect_uri points here. */
  get url(): string {
    return this.engine.urls.main;
  }
  /** Origin serving jslogin, the login poll and QR codes (== url unless separateHosts). */
  get loginUrl(): string {
    return this.engine.urls.login;
  }
  /** Origin serving synccheck (== url unless separateHosts). */
  get pushUrl(): string {
    return this.engine.urls.push;
  }
  /** Origin serving webwxuploadmedia and webwxgetmedia (== url unless separateHosts). */
  get fileUrl(): string {
    return this.engine.urls.file;
  }
  get controlUrl(): string {
    return `${this.engine.urls.main}/__sim`;
  }
  get world(): World {
    return this.engine.world;
  }

  /** The current (or last) login session, as the bot sees it. */
  get session(): SessionInfo | undefined {
    const s = this.engine.session;
    if (!s) return undefined;
    return {
      uin: s.uin,
      sid: s.sid,
      skey: s.skey,
      passTicket: s.passTicket,
      dataTicket: s.dataTicket,
      selfUserName: s.selfUserName,
      ended: s.ended,
    };
  }

  /** The session UserName this login uses for a stable id. */
  userNameOf(stableId: string): string {
    const s = this.engine.session;
    if (!s) throw new Error('userNameOf: nobody is logged in');
    return s.userNameOf(stableId);
  }

  stableIdOf(userName: string): string | undefined {
    return this.engine.session?.resolve(userName);
  }

  /** Pending login uuids (the phone has not confirmed yet), oldest first. */
  pendingLogins(): string[] {
    return [...this.engine.logins.values()]
      .filter(
        (a) => this.engine.mayClaim(a) && (a.state === 'pending' || a.state === 'scanned') && !this.engine.isExpired(a),
      )
      .map((a) => a.uuid);
  }

  scan(uuid?: string): string {
    return this.engine.scan(uuid);
  }
  confirm(uuid?: string): string {
    return this.engine.confirm(uuid);
  }
  cancelLogin(uuid?: string): string {
    return this.engine.cancelLogin(uuid);
  }

  /** Resolves with the uuid of the next login the bot starts (or the one already waiting). */
  async waitForLogin(opts: { timeoutMs: number }): Promise<string> {
    const deadline = Date.now() + opts.timeoutMs;
    for (;;) {
      const a = this.engine.latestPending();
      if (a) return a.uuid;
      if (Date.now() > deadline || (this.root ?? this).closed)
        throw new Error(`waitForLogin: no login within ${opts.timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  say(spec: { from: string; text: string; room?: string; to?: string }): { msgId: string } {
    return { msgId: this.engine.say(spec.from, spec.text, spec.room, spec.to) };
  }

  send(spec: SendSpec): { msgId: string } {
    return { msgId: sendIncoming(this.engine, spec) };
  }

  /** A friend request to the account; `from` may be a new person (added as a stranger). */
  friendRequest(spec: { from: string | PersonSpec; text?: string; scene?: number }): { ticket: string } {
    const from = spec.from;
    const wxid = typeof from === 'string' ? from : from.wxid;
    if (typeof from !== 'string' && !this.engine.world.person(wxid)) this.engine.world.addStranger(from);
    return { ticket: this.engine.friendRequest(wxid, spec.text ?? '', spec.scene ?? 14) };
  }

  /** The other side accepts a request the bot sent (Opcode 2). */
  acceptBotRequest(wxid: string): void {
    if (!this.engine.outgoingRequests.has(wxid))
      throw new Error(`acceptBotRequest: the bot never asked to add "${wxid}"`);
    this.engine.makeFriend(wxid);
  }

  roomJoin(spec: { room: string; members: string | string[]; inviter?: string; via?: 'invite' | 'qrcode' }): void {
    const members = Array.isArray(spec.members) ? spec.members : [spec.members];
    this.engine.roomJoin(spec.room, members, spec.inviter, spec.via ?? 'invite');
  }
  roomLeave(spec: { room: string; member: string }): void {
    this.engine.roomLeave(spec.room, spec.member);
  }
  roomKick(spec: { room: string; member: string; by?: string }): void {
    this.engine.roomKick(spec.room, spec.member, spec.by);
  }
  roomRename(spec: { room: string; topic: string; by?: string }): void {
    this.engine.roomRename(spec.room, spec.topic, spec.by);
  }

  /** The user logs the web session out from the phone: synccheck answers 1100, every call Ret 1100. */
  logoutFromPhone(): void {
    this.engine.endSession(1100, 'logged out from phone');
  }

  /** The session dies (default 1101, as when the server drops it). */
  expireSession(code: EndCode = 1101): void {
    this.engine.endSession(code, 'expired');
  }

  /**
   * Ban the account from web login (next newloginpage: ret 1203); `endSession` also kills the live one.
   * `reason` picks the 1203 text: 'blocked' (default: no longer allowed on the web), 'environment'
   * (当前登录环境异常, the environment check) or 'real-name' (asks for real-name verification).
   */
  ban(opts: { webLogin?: boolean; endSession?: boolean; reason?: 'blocked' | 'environment' | 'real-name' } = {}): void {
    this.engine.world.webLoginForbidden = opts.webLogin ?? true;
    this.engine.world.webLoginForbiddenMessage =
      opts.reason === 'environment'
        ? WEB_LOGIN_ENVIRONMENT_MESSAGE
        : opts.reason === 'real-name'
          ? WEB_LOGIN_REAL_NAME_MESSAGE
          : undefined;
    if (opts.endSession ?? true) this.engine.endSession(1101, 'banned');
  }

  loadWorld(spec: WorldSpec): void {
    this.engine.world.load(spec);
  }

  addFault(rule: FaultRule): void {
    this.engine.faults.add(rule);
  }
  clearFaults(): void {
    this.engine.faults.clear();
  }
  faults(): FaultRuleState[] {
    return this.engine.faults.list();
  }

  actions(): BotAction[] {
    return this.engine.actions.all();
  }
  clearActions(): void {
    this.engine.actions.clear();
  }
  waitForAction(predicate: ActionPredicate, opts: { timeoutMs: number; sinceSeq?: number }): Promise<BotAction> {
    return this.engine.actions.wait(predicate, opts.timeoutMs, opts.sinceSeq ?? 0);
  }
  /**
   * Calls `listener` synchronously as each action is recorded: after the request was read and checked, before
   * the bot gets its answer. `action.hrAt` is `performance.now()` at the request's arrival, so an injection
   * stamped with `performance.now()` in this process and the arrival share one clock. A throwing listener is
   * logged (logger.warn) and never disturbs the answer. Returns the unsubscribe function; `close()` drops all.
   */
  onAction(listener: ActionListener): () => void {
    return this.engine.actions.subscribe(listener);
  }

  /** Closes every listener and pending long poll promptly. */
  async close(): Promise<void> {
    if (this.root) throw new Error(`close: "${this.id}" is one account; close the simulator it belongs to`);
    if (this.closed) return;
    this.closed = true;
    for (const e of this.registry.engines) e.shutdown();
    await this.listeners?.close();
  }
}

/** `retain`, checked: a positive whole number (default 100,000). */
function retainOption(retain: number | undefined): number {
  if (retain === undefined) return 100_000;
  if (!Number.isSafeInteger(retain) || retain < 1)
    throw new RangeError(`createSimulator: \`retain\` must be a positive whole number (got ${String(retain)})`);
  return retain;
}
