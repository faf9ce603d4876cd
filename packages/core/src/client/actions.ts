import type { SentMessage } from '../message/sent.js';
import { isRoomUserName } from '../contact/classify.js';
import type { MemoryContactStore } from '../contact/store.js';
import type { Room } from '../contact/types.js';
import { replaceBreaks, unescapeHtml } from '../wire/text.js';
import { AppMsgType, MsgType, StatusNotifyCode } from '../wire/msg-type.js';
import { splitSenderPrefix } from '../wire/sender-prefix.js';
import type { RawMessage } from '../wire/types.js';
import type { ContactFetcher } from './contact-fetcher.js';
import type { CredentialSlot } from './cred-slot.js';
import {
  ActionRefused,
  InvalidArgument,
  NotLoggedIn,
  RecallWindowPassed,
  REVOKE_WINDOW_MS,
  RoomNeedsInvite,
  ServerError,
  WxError,
} from './errors.js';
import type { ClientEmitter } from './events.js';
import type { Http } from './http.js';
import { avatarPlan, planDownload, readSource, runDownload, type Uploader } from './media.js';
import type { Outbox } from './outbox.js';
import type { ObservedApi } from './send-reconcile.js';
import type { SendPath } from './send-path.js';
import type {
  DownloadOptions,
  DownloadResult,
  DownloadTarget,
  FriendRequestRef,
  MediaSource,
  SendCallOptions,
} from './types.js';

export interface ActionsDeps {
  readonly cred: CredentialSlot;
  readonly contacts: MemoryContactStore;
  readonly api: ObservedApi;
  readonly http: Http;
  readonly outbox: Pick<Outbox, 'enqueue'>;
  readonly sender: Pick<SendPath, 'send' | 'sendMedia'>;
  readonly fetcher: Pick<ContactFetcher, 'request'>;
  readonly uploader: Pick<Uploader, 'dataTicket'>;
  readonly events: ClientEmitter;
  /** Where downloads land when the target names no directory (the data dir). */
  readonly downloadDir: string;
  /** `rooms.largeRoomAdd`: what adding to a room of InviteStartCount or more members does. */
  readonly largeRoomAdd?: 'invite' | 'refuse';
}

/**
 * Every action of the WxClient interface: arguments checked here, then a
 * journaled send (SendPath) or one rate-limited call through the outbox.
 */
export class Actions {
  constructor(private readonly d: ActionsDeps) {}

  private checkTarget(endpoint: string, to: string): void {
    if (typeof to !== 'string' || to.trim() === '') throw new InvalidArgument(endpoint, 'recipient UserName is empty');
    if (!this.d.cred.current) throw new NotLoggedIn(endpoint);
  }

  sendText(to: string, text: string, opts?: SendCallOptions): Promise<SentMessage> {
    try {
      this.checkTarget('webwxsendmsg', to);
      if (typeof text !== 'string' || text === '') throw new InvalidArgument('webwxsendmsg', 'text is empty');
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return this.d.sender.send('text', 'text', to, { Type: MsgType.Text, Content: text }, undefined, opts);
  }

  async sendEmoticon(to: string, emoticon: string | Buffer, opts?: SendCallOptions): Promise<SentMessage> {
    this.checkTarget('webwxsendemoticon', to);
    if (typeof emoticon === 'string') {
      if (!/^[0-9a-f]{32}$/i.test(emoticon))
        throw new InvalidArgument('webwxsendemoticon', 'emoticon must be a 32-hex md5 or a Buffer');
      return this.d.sender.send(
        'emoticon',
        'media',
        to,
        { Type: MsgType.Emoticon, EMoticonMd5: emoticon.toLowerCase() },
        undefined,
        opts,
      );
    }
    return this.d.sender.sendMedia('emoticon', to, emoticon, 'emoticon.gif', 'pic', MsgType.Emoticon, opts);
  }

  async sendImage(to: string, file: MediaSource, name?: string, opts?: SendCallOptions): Promise<SentMessage> {
    this.checkTarget('webwxsendmsgimg', to);
    const src = await readSource(file, 'webwxsendmsgimg');
    return this.d.sender.sendMedia('image', to, src.data, name ?? src.name, 'pic', MsgType.Image, opts);
  }

  async sendVideo(to: string, file: MediaSource, name?: string, opts?: SendCallOptions): Promise<SentMessage> {
    this.checkTarget('webwxsendvideomsg', to);
    const src = await readSource(file, 'webwxsendvideomsg');
    return this.d.sender.sendMedia('video', to, src.data, name ?? src.name, 'video', MsgType.Video, opts);
  }

  async sendFile(to: string, file: MediaSource, name?: string, opts?: SendCallOptions): Promise<SentMessage> {
    this.checkTarget('webwxsendappmsg', to);
    const src = await readSource(file, 'webwxsendappmsg');
    return this.d.sender.sendMedia('file', to, src.data, name ?? src.name, 'doc', AppMsgType.file, opts);
  }

  async revoke(sent: SentMessage): Promise<void> {
    this.checkTarget('webwxrevokemsg', sent.toUserName);
    if (!sent.msgId) throw new InvalidArgument('webwxrevokemsg', 'the message has no server MsgID');
    // Checked here so a late revoke costs no call (and no rate-limit token); the server checks again.
    const ageMs = sent.sentAt === undefined ? undefined : Date.now() - sent.sentAt;
    if (ageMs !== undefined && ageMs >= REVOKE_WINDOW_MS) throw new RecallWindowPassed(ageMs, REVOKE_WINDOW_MS);
    try {
      await this.d.outbox.enqueue('misc', 'webwxrevokemsg', () =>
        this.d.api.revoke(sent.msgId, sent.toUserName, sent.localId),
      );
    } catch (err) {
      // The server's Ret -1 here means "sent more than 2 minutes ago" (SysWording says so).
      if (err instanceof WxError && err.ret === -1) throw new RecallWindowPassed(ageMs, REVOKE_WINDOW_MS);
      throw err;
    }
  }

  async forward(msg: RawMessage, to: string): Promise<SentMessage> {
    this.checkTarget('forward', to);
    const content = isRoomUserName(msg.FromUserName)
      ? (splitSenderPrefix(msg.Content)?.body ?? msg.Content)
      : msg.Content;
    const text = decodeText(content);
    const send = this.d.sender.send.bind(this.d.sender);
    switch (msg.MsgType) {
      case MsgType.Text:
        return send('text', 'text', to, { Type: MsgType.Text, Content: text });
      case MsgType.Image:
        return send('image', 'media', to, { Type: MsgType.Image, MediaId: msg.MediaId ?? '', Content: text });
      case MsgType.Video:
      case MsgType.ShortVideo:
        return send('video', 'media', to, { Type: MsgType.Video, MediaId: msg.MediaId ?? '', Content: text });
      case MsgType.Emoticon:
        return send('emoticon', 'media', to, {
          Type: MsgType.Emoticon,
          Content: text,
          ...(msg.MediaId ? { MediaId: msg.MediaId } : {}),
        });
      case MsgType.App:
        // An app message is re-sent as its AppMsgType (a file as 6, a link as 5 when the type is missing).
        return send('file', 'media', to, { Type: msg.AppMsgType ?? AppMsgType.link, Content: text });
      default:
        throw new InvalidArgument('forward', `MsgType ${msg.MsgType} cannot be forwarded`);
    }
  }

  async addFriend(userName: string, verifyText: string): Promise<void> {
    this.checkTarget('webwxverifyuser', userName);
    // A second request would be a second friend request: at most once.
    await this.d.outbox.enqueue('friend', 'webwxverifyuser', () => this.d.api.verifyUser(2, userName, '', verifyText), {
      atMostOnce: true,
    });
  }

  async acceptFriend(request: FriendRequestRef): Promise<void> {
    this.checkTarget('webwxverifyuser', request.userName);
    if (!request.ticket) throw new InvalidArgument('webwxverifyuser', 'accepting a friend request needs its ticket');
    await this.d.outbox.enqueue('friend', 'webwxverifyuser', () =>
      this.d.api.verifyUser(3, request.userName, request.ticket, ''),
    );
    // The next sync's ModContactList would bring the new friend, but a welcome sent right after
    // accepting must already find them by name (and logs show who it went to): fetch them now.
    // The accept itself succeeded, so a failed fetch is only reported.
    await this.d.fetcher.request([request.userName]).catch((err: unknown) => {
      this.d.events.error(err, 'batchgetcontact of a just-accepted friend');
    });
  }

  async createRoom(members: readonly string[], topic = ''): Promise<Room> {
    if (!this.d.cred.current) throw new NotLoggedIn('webwxcreatechatroom');
    if (members.length < 2) throw new InvalidArgument('webwxcreatechatroom', 'a room needs at least 2 other members');
    // Room operations have no echo to reconcile against: a lost answer is SendOutcomeUnknown, never a second room.
    const res = await this.d.outbox.enqueue(
      'room',
      'webwxcreatechatroom',
      () => this.d.api.createRoom(members, topic),
      { atMostOnce: true },
    );
    const name = res.ChatRoomName!;
    this.d.contacts.upsert({
      UserName: name,
      NickName: res.Topic ?? topic,
      MemberList: res.MemberList ?? [],
      MemberCount: res.MemberCount ?? 0,
    });
    await this.d.fetcher.request([name]);
    const room = this.d.contacts.room(name);
    if (!room) throw new ServerError('webwxcreatechatroom', 0, 'the new room is not in the contact store');
    return room;
  }

  async updateRoom(
    fun: 'addmember' | 'delmember' | 'invitemember',
    room: string,
    members: readonly string[],
  ): Promise<void> {
    this.checkTarget('webwxupdatechatroom', room);
    if (members.length === 0) throw new InvalidArgument(`webwxupdatechatroom?fun=${fun}`, 'no members given');
    await this.d.outbox.enqueue(
      'room',
      `webwxupdatechatroom?fun=${fun}`,
      () => this.d.api.updateRoom(fun, room, members.join(',')),
      { atMostOnce: true },
    );
  }

  /** addmember, or invitemember for a room the server takes invitations only for (see `largeRoomAdd`). */
  async addMembers(room: string, members: readonly string[]): Promise<void> {
    this.checkTarget('webwxupdatechatroom', room);
    const known = this.d.contacts.room(room);
    const threshold = this.d.cred.inviteStartCount;
    const size = known?.members.size ?? 0;
    if (size >= threshold) return this.inviteInstead(room, members, size, threshold);
    try {
      await this.updateRoom('addmember', room, members);
    } catch (err) {
      if (!(err instanceof ActionRefused)) throw err;
      // The roster held here may be behind the server's (a missed update): the server's bare Ret 1 is then its
      // large-room refusal. Ask for the room again and decide on what it says.
      await this.d.fetcher.request([room]);
      const now = this.d.contacts.room(room)?.members.size ?? 0;
      if (now < threshold) throw err;
      return this.inviteInstead(room, members, now, threshold);
    }
  }

  private inviteInstead(room: string, members: readonly string[], size: number, threshold: number): Promise<void> {
    if (this.d.largeRoomAdd === 'refuse') return Promise.reject(new RoomNeedsInvite(room, size, threshold));
    return this.updateRoom('invitemember', room, members);
  }

  async avatar(
    userName: string,
    target: DownloadTarget,
    opts: Pick<DownloadOptions, 'fileName'> = {},
  ): Promise<DownloadResult> {
    if (typeof userName !== 'string' || userName === '')
      throw new InvalidArgument('webwxgeticon', 'avatar: the UserName is empty');
    const c = this.d.cred.require(isRoomUserName(userName) ? 'webwxgetheadimg' : 'webwxgeticon');
    return runDownload(this.d.http, avatarPlan(c, userName), target, opts.fileName, this.d.downloadDir);
  }

  async setTopic(room: string, topic: string): Promise<void> {
    this.checkTarget('webwxupdatechatroom', room);
    await this.d.outbox.enqueue(
      'room',
      'webwxupdatechatroom?fun=modtopic',
      () => this.d.api.updateRoom('modtopic', room, topic),
      { atMostOnce: true },
    );
  }

  async setRemark(userName: string, remark: string): Promise<void> {
    this.checkTarget('webwxoplog', userName);
    await this.d.outbox.enqueue('misc', 'webwxoplog', () =>
      this.d.api.opLog({ UserName: userName, CmdId: 2, RemarkName: remark }),
    );
  }

  async pin(userName: string, on: boolean): Promise<void> {
    this.checkTarget('webwxoplog', userName);
    await this.d.outbox.enqueue('misc', 'webwxoplog', () =>
      this.d.api.opLog({ UserName: userName, CmdId: 3, OP: on ? 1 : 0 }),
    );
  }

  async markRead(userName: string): Promise<void> {
    this.checkTarget('webwxstatusnotify', userName);
    const self = this.d.contacts.self.userName;
    await this.d.outbox.enqueue('misc', 'webwxstatusnotify', () =>
      this.d.api.statusNotify(StatusNotifyCode.Read, self, userName),
    );
  }

  async download(msg: RawMessage, target: DownloadTarget, opts: DownloadOptions = {}): Promise<DownloadResult> {
    const c = this.d.cred.require('download');
    const plan = planDownload(c, msg, opts, await this.d.uploader.dataTicket());
    return runDownload(this.d.http, plan, target, opts.fileName, this.d.downloadDir);
  }
}

/** Wire Content (HTML-escaped, `<br/>` for newlines) back to the text to send again. */
function decodeText(s: string): string {
  return unescapeHtml(replaceBreaks(s));
}
