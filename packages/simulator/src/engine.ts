/**
 * The simulator's state and the world changes every action causes. Routes
 * and the control surfaces both call in here; nothing in this file knows HTTP.
 */

import { ActionLog } from './actions.js';
import { Faults, type FaultRule } from './faults.js';
import { Ids, Rng } from './ids.js';
import { keepNewest } from './keep-newest.js';
import { fakeJpeg, type StoredMedia } from './media.js';
import { OfflineQueue } from './offline.js';
import { Session, type EndCode } from './session.js';
import { encodeChatText, escapeHtml } from './wire/content.js';
import { personContact, personModContact, roomContact, roomMemberChange, roomModContact } from './wire/contact.js';
import type { WireObject } from './wire/json.js';
import { messageEntry } from './wire/message.js';
import { friendRequestWire } from './wire/friend-request.js';
import { systemText } from './wire/system.js';
import type { WorldSpec } from './world/types.js';
import { World, type Person, type Room } from './world/world.js';

export * from './engine-types.js';
import {
  DEFAULT_LOGIN_REDIRECT,
  type EmitSpec,
  type EngineOptions,
  type LoginAttempt,
  type LoginRedirect,
  type SharedState,
  type StoredMessage,
} from './engine-types.js';

export class Engine {
  readonly rng: Rng;
  readonly ids: Ids;
  readonly mediaRng: Rng;
  readonly world: World;
  readonly faults: Faults;
  readonly actions: ActionLog;
  /** Shared by every account of the simulator (see SharedState). */
  readonly logins: Map<string, LoginAttempt>;
  readonly tickets: Map<string, LoginAttempt>;
  readonly media = new Map<string, StoredMedia>();
  readonly messages = new Map<string, StoredMessage>();
  /** Incoming friend requests by wxid, with the ticket the bot must present to accept. */
  readonly friendRequests = new Map<string, { ticket: string; text: string }>();
  /** People the bot asked to add (Opcode 2), by wxid. */
  readonly outgoingRequests = new Map<string, string>();
  /** Invitations sent with fun=invitemember, by room id. */
  readonly roomInvites = new Map<string, Set<string>>();
  session: Session | undefined;
  readonly offline: OfflineQueue;
  closing = false;
  readonly urls: SharedState['urls'];
  /** Which account's phone confirms a login when autoConfirm is on (another account's with several; see accounts.ts). */
  autoConfirmer: (a: LoginAttempt) => Engine | undefined = () => this;
  private readonly timers = new Set<NodeJS.Timeout>();
  private sendTimes: number[] = [];
  private sessionCount = 0;

  constructor(
    readonly opts: EngineOptions,
    spec: WorldSpec,
    seed: number,
    faultRules: FaultRule[],
    /** This account's id (`default` alone) and what it shares with the simulator's other accounts. */
    readonly id = 'default',
    shared: SharedState = { logins: new Map(), tickets: new Map(), urls: { main: '', login: '', push: '', file: '' } },
  ) {
    this.actions = new ActionLog((err) => {
      this.log('warn', `onAction listener threw: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }, opts.retain);
    this.logins = shared.logins;
    this.tickets = shared.tickets;
    this.urls = shared.urls;
    this.rng = new Rng(seed);
    this.ids = new Ids(this.rng.fork());
    this.mediaRng = this.rng.fork();
    this.world = new World(spec);
    this.faults = new Faults(seed, faultRules);
    this.offline = new OfflineQueue(opts.offlineMessages);
  }

  log(level: 'debug' | 'info' | 'warn', msg: string): void {
    this.opts.logger?.[level]?.(msg);
  }

  later(ms: number, fn: () => void): void {
    if (this.closing) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closing) fn();
    }, ms);
    this.timers.add(t);
  }

  shutdown(): void {
    this.closing = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const a of this.logins.values()) for (const w of [...a.waiters]) w();
    this.session?.wake();
    this.actions.cancelAll();
  }

  // ---- login ---------------------------------------------------------------

  newLogin(viaPush: boolean, redirect: LoginRedirect = DEFAULT_LOGIN_REDIRECT): LoginAttempt {
    let uuid = this.ids.uuid();
    // Accounts draw uuids from their own streams into one shared map.
    while (this.logins.has(uuid)) uuid = this.ids.uuid();
    const attempt: LoginAttempt = {
      uuid,
      state: viaPush ? 'scanned' : 'pending',
      createdAt: Date.now(),
      scanReported: false,
      ticket: '',
      scanTime: 0,
      viaPush,
      redirect,
      waiters: new Set(),
      // A push login goes to the phone of the account it names.
      ...(viaPush ? { account: this.id } : {}),
    };
    this.logins.set(attempt.uuid, attempt);
    const auto = this.opts.autoConfirm;
    if (auto) {
      this.later(Math.floor(auto.delayMs / 2), () => this.autoConfirmer(attempt)?.scan(attempt.uuid, true));
      this.later(auto.delayMs, () => this.autoConfirmer(attempt)?.confirm(attempt.uuid, true));
    }
    return attempt;
  }

  isExpired(a: LoginAttempt): boolean {
    return a.state !== 'confirmed' && a.state !== 'used' && Date.now() - a.createdAt > this.opts.uuidTtlMs;
  }

  /** The latest attempt still waiting for the phone, that this account's phone may take. */
  latestPending(): LoginAttempt | undefined {
    let found: LoginAttempt | undefined;
    for (const a of this.logins.values())
      if (this.mayClaim(a) && (a.state === 'pending' || a.state === 'scanned') && !this.isExpired(a)) found = a;
    return found;
  }

  mayClaim(a: LoginAttempt): boolean {
    return a.account === undefined || a.account === this.id;
  }

  private attempt(uuid: string | undefined, what: string): LoginAttempt {
    const a = uuid === undefined ? this.latestPending() : this.logins.get(uuid);
    if (!a)
      throw new Error(
        uuid === undefined ? `${what}: no login is waiting for the phone` : `${what}: unknown uuid "${uuid}"`,
      );
    if (!this.mayClaim(a)) throw new Error(`${what}: login ${a.uuid} belongs to account "${a.account ?? ''}"`);
    // The phone that scans (or confirms) a uuid is the account it logs in.
    a.account = this.id;
    return a;
  }

  scan(uuid?: string, quiet = false): string {
    const a = this.attempt(uuid, 'scan');
    if (a.state === 'pending') {
      a.state = 'scanned';
      this.wakeLogin(a);
    } else if (!quiet && a.state !== 'scanned') throw new Error(`scan: login ${a.uuid} is ${a.state}`);
    return a.uuid;
  }

  confirm(uuid?: string, quiet = false): string {
    const a = this.attempt(uuid, 'confirm');
    if (a.state === 'pending') a.state = 'scanned';
    if (a.state !== 'scanned') {
      if (quiet) return a.uuid;
      throw new Error(`confirm: login ${a.uuid} is ${a.state}`);
    }
    a.state = 'confirmed';
    a.ticket = this.ids.loginTicket();
    a.scanTime = Math.floor(Date.now() / 1000);
    this.tickets.set(a.ticket, a);
    this.wakeLogin(a);
    return a.uuid;
  }

  cancelLogin(uuid?: string): string {
    const a = this.attempt(uuid, 'cancelLogin');
    a.state = 'cancelled';
    this.wakeLogin(a);
    return a.uuid;
  }

  private wakeLogin(a: LoginAttempt): void {
    for (const w of [...a.waiters]) w();
  }

  startSession(desktop: boolean): Session {
    const old = this.session;
    old?.end(1101, 'logged in again elsewhere');
    // What the old session never got to the client is still owed to the account.
    if (old) for (const queue of old.unsynced()) this.offline.add(queue);
    this.sessionCount++;
    const s = new Session(
      this.ids,
      this.world,
      {
        uin: this.world.self.uin,
        sid: this.ids.wxsid(),
        skey: this.ids.skey(),
        passTicket: this.ids.passTicket(),
        dataTicket: this.ids.dataTicket(),
        authTicket: this.ids.authTicket(),
      },
      desktop,
    );
    this.session = s;
    this.log('info', `session ${this.sessionCount} started for uin ${s.uin}`);
    return s;
  }

  endSession(code: EndCode, reason: string): void {
    this.session?.end(code, reason);
  }

  /** The live session, if any. */
  live(): Session | undefined {
    return this.session && !this.session.ended ? this.session : undefined;
  }

  // ---- rate limiting -------------------------------------------------------

  /** True when this send exceeds the configured rate (the real server answers Ret 1205). */
  overRate(): boolean {
    const rl = this.opts.rateLimit;
    if (!rl) return false;
    const now = Date.now();
    this.sendTimes = this.sendTimes.filter((t) => now - t < rl.windowMs);
    if (this.sendTimes.length >= rl.max) return true;
    this.sendTimes.push(now);
    return false;
  }

  // ---- sync stream ---------------------------------------------------------

  contactOpts(): { people: ReadonlyMap<string, Person>; selfUin: number; selfWxid: string; withMembers: boolean } {
    return {
      people: this.world.people,
      selfUin: this.world.self.uin,
      selfWxid: this.world.self.wxid,
      withMembers: true,
    };
  }

  contactJson(stableId: string, s: Session, withMembers: boolean): WireObject | undefined {
    const room = this.world.room(stableId);
    if (room) return roomContact(room, s, { ...this.contactOpts(), withMembers });
    const p = this.world.person(stableId);
    return p ? personContact(p, s) : undefined;
  }

  /**
   * Stores media (an upload, an incoming file) under `mediaId`, keeping the newest `retain` as messages are
   * kept: a forgotten upload is refused when sent, as an expired one is by the real server.
   */
  keepMedia(mediaId: string, media: StoredMedia): void {
    this.media.set(mediaId, media);
    keepNewest(this.media, this.opts.retain);
  }

  /** Deliver a message: store it and, when a session is live, queue it for webwxsync. */
  emit(spec: EmitSpec): string {
    const msgId = spec.msgId ?? this.ids.msgId();
    const createTime = Math.floor(Date.now() / 1000);
    const selfWxid = this.world.self.wxid;
    const isRoom = spec.to.endsWith('@chatroom');
    const selfSent = spec.from === selfWxid;
    const stored: StoredMessage = {
      msgId,
      msgType: spec.msgType,
      from: spec.from,
      to: spec.to,
      room: isRoom ? spec.to : undefined,
      createTime,
      selfSent,
      ...(spec.media ? { media: spec.media } : {}),
      ...(spec.thumb ? { thumb: spec.thumb } : {}),
    };
    const cdnKey =
      spec.msgType === 3 || spec.msgType === 43 ? /\baeskey="([0-9a-f]{16,})"/.exec(spec.content ?? '') : null;
    if (cdnKey) stored.cdnKey = cdnKey[1]!;
    this.messages.set(msgId, stored);
    // The newest `retain` messages are kept: a forgotten one is one the real server no longer serves either
    // (its media and its revocation are refused as for an unknown MsgId).
    keepNewest(this.messages, this.opts.retain);
    const queue = (s: Session): void => {
      const { roomSender, media: _m, thumb: _t, msgId: _id, from, to, recommendWxid, ...fields } = spec;
      if (recommendWxid !== undefined && fields.recommendInfo)
        fields.recommendInfo = { ...fields.recommendInfo, UserName: s.userNameOf(recommendWxid) };
      let fromName: string;
      let toName: string;
      let content = fields.content;
      if (isRoom && !selfSent) {
        fromName = s.userNameOf(to);
        toName = s.selfUserName;
        if (roomSender !== undefined) content = `${s.userNameOf(roomSender)}:<br/>${content}`;
      } else {
        fromName = s.userNameOf(from);
        toName = s.userNameOf(to);
      }
      s.push(
        {
          kind: 'msg',
          entry: messageEntry({ ...fields, content, msgId, from: fromName, to: toName, createTime }),
        },
        queue,
      );
    };
    const s = this.live();
    if (s) queue(s);
    else this.offline.add(queue);
    return msgId;
  }

  emitModContact(stableId: string): void {
    const s = this.live();
    if (!s) return;
    const room = this.world.room(stableId);
    if (room) s.push({ kind: 'mod', entry: roomModContact(room, s, this.contactOpts()) });
    else {
      const p = this.world.person(stableId);
      if (p) s.push({ kind: 'mod', entry: personModContact(p, s) });
    }
  }

  /** A room's roster changed while self stays in it. */
  emitRosterChange(roomId: string): void {
    const mode = this.opts.roomMemberUpdates;
    if (mode !== 'mod-chatroom-member') this.emitModContact(roomId);
    if (mode === 'mod-contact') return;
    const s = this.live();
    const room = this.world.room(roomId);
    if (s && room) s.push({ kind: 'modmember', entry: roomMemberChange(room, s, this.contactOpts()) });
  }

  emitDelContact(stableId: string): void {
    const s = this.live();
    if (s) s.push({ kind: 'del', userName: s.userNameOf(stableId) });
  }

  system(room: string | undefined, peer: string, text: string, status = 3): string {
    // System notices come "from" the room (or the peer) to self.
    return this.emit({
      from: room ?? peer,
      to: room ?? this.world.self.wxid,
      msgType: 10000,
      content: escapeHtml(text).replace(/&quot;/g, '"'),
      status,
    });
  }

  // ---- things other people do ----------------------------------------------

  say(from: string, text: string, room?: string, to?: string): string {
    const self = this.world.self.wxid;
    this.world.requirePerson(from, 'say.from');
    if (room !== undefined) {
      const r = this.world.requireRoom(room, 'say.room');
      if (!r.members.has(from)) throw new Error(`say: "${from}" is not a member of room "${room}"`);
      if (from === self) return this.emit({ from: self, to: room, msgType: 1, content: encodeChatText(text) });
      return this.emit({ from, to: room, roomSender: from, msgType: 1, content: encodeChatText(text) });
    }
    if (from === self) {
      // Typed on the phone: the web session sees it as self-sent.
      const peer = to ?? 'filehelper';
      this.world.requirePerson(peer, 'say.to');
      return this.emit({ from: self, to: peer, msgType: 1, content: encodeChatText(text) });
    }
    if (to !== undefined && to !== self) throw new Error(`say.to: "${to}": only self can receive a private message`);
    return this.emit({ from, to: self, msgType: 1, content: encodeChatText(text) });
  }

  friendRequest(wxid: string, text: string, scene = 14): string {
    const p = this.world.requirePerson(wxid, 'friendRequest.from');
    const ticket = this.ids.verifyTicket();
    this.friendRequests.set(wxid, { ticket, text });
    const s = this.live();
    // Drawn before the XML's ids, as before: the same seed keeps giving the same ids.
    const userName = s ? s.userNameOf(wxid) : '';
    const wire = friendRequestWire(p, {
      text,
      scene,
      ticket,
      encryptUserName: this.ids.encryptUserName(),
      brandVer: 600000000 + this.rng.int(99999999),
    });
    this.emit({
      from: 'fmessage',
      to: this.world.self.wxid,
      msgType: 37,
      content: wire.content,
      ticket,
      recommendWxid: wxid,
      recommendInfo: { ...wire.recommendInfo, UserName: userName },
    });
    return ticket;
  }

  /** A friend request became a friendship (accepted by the bot, or the other side accepted the bot's). */
  makeFriend(wxid: string): void {
    const p = this.world.requirePerson(wxid, 'makeFriend');
    p.kind = 'friend';
    this.friendRequests.delete(wxid);
    this.outgoingRequests.delete(wxid);
    this.emitModContact(wxid);
    this.system(undefined, wxid, systemText.friendAdded(p.nickName, this.world.lang), 4);
  }

  roomJoin(roomId: string, members: string[], inviter: string | undefined, via: 'invite' | 'qrcode'): void {
    const room = this.world.requireRoom(roomId, 'roomJoin.room');
    const self = this.world.self.wxid;
    const by = inviter ?? room.owner;
    for (const m of members) this.world.requirePerson(m, 'roomJoin.members');
    for (const m of members) room.members.set(m, { wxid: m, displayName: '' });
    this.roomInvites.get(roomId)?.forEach((w) => members.includes(w) && this.roomInvites.get(roomId)?.delete(w));
    const lang = this.world.lang;
    const name = (w: string): string => this.world.displayName(w);
    // Self joining makes the room a new contact; anyone else joining changes a known room's roster.
    if (members.includes(self)) this.emitModContact(roomId);
    else this.emitRosterChange(roomId);
    if (members.includes(self)) {
      const others = [...room.members.keys()].filter((w) => w !== self && w !== by).map(name);
      this.system(roomId, by, systemText.invitedSelf(name(by), others, lang));
      return;
    }
    if (via === 'qrcode') {
      for (const m of members)
        this.system(roomId, m, systemText.joinedViaQr(name(m), by === self ? null : name(by), lang));
    } else if (by === self) this.system(roomId, self, systemText.selfInvited(members.map(name), lang));
    else this.system(roomId, by, systemText.otherInvited(name(by), members.map(name), lang));
  }

  /** Someone leaves on their own: the real server tells nobody, the roster just changes. */
  roomLeave(roomId: string, member: string): void {
    const room = this.world.requireRoom(roomId, 'roomLeave.room');
    if (!room.members.delete(member)) throw new Error(`roomLeave: "${member}" is not a member of "${roomId}"`);
    if (member === this.world.self.wxid) this.emitDelContact(roomId);
    else this.emitRosterChange(roomId);
  }

  roomKick(roomId: string, member: string, by: string | undefined): void {
    const room = this.world.requireRoom(roomId, 'roomKick.room');
    const self = this.world.self.wxid;
    const kicker = by ?? room.owner;
    if (!room.members.delete(member)) throw new Error(`roomKick: "${member}" is not a member of "${roomId}"`);
    // Removed self still learns the room's new state (Statues 0), not a roster update of a room it left.
    if (member === self) this.emitModContact(roomId);
    else this.emitRosterChange(roomId);
    if (member === self)
      this.system(roomId, kicker, systemText.removedSelf(this.world.displayName(kicker), this.world.lang));
    else if (kicker === self)
      this.system(roomId, self, systemText.selfRemoved(this.world.displayName(member), this.world.lang));
  }

  roomRename(roomId: string, topic: string, by: string | undefined): void {
    const room = this.world.requireRoom(roomId, 'roomRename.room');
    const self = this.world.self.wxid;
    const who = by ?? room.owner;
    room.topic = topic;
    this.emitModContact(roomId);
    const lang = this.world.lang;
    this.system(
      roomId,
      who,
      who === self
        ? systemText.selfRenamed(topic, lang)
        : systemText.otherRenamed(this.world.displayName(who), topic, lang),
    );
  }

  createRoom(members: string[], topic: string): Room {
    const self = this.world.self.wxid;
    const room = this.world.addRoomFromSpec({
      id: this.world.newRoomId(),
      topic,
      owner: self,
      members: [self, ...members],
      saved: false,
    });
    return room;
  }

  defaultImage(): StoredMedia {
    return { data: fakeJpeg(this.mediaRng, 4096), contentType: 'image/jpeg', fileName: 'image.jpg' };
  }
}
