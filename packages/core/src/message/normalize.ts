import { isRoomUserName } from '../contact/classify.js';
import type { Contact, ContactDirectory, Room } from '../contact/types.js';
import { MsgType } from '../wire/msg-type.js';
import { splitSenderPrefix } from '../wire/sender-prefix.js';
import type { RawMessage } from '../wire/types.js';
import { buildAppMessage } from './app.js';
import { num, plainBase, optNum, optStr, record, str, type Envelope } from './envelope.js';
import { NO_MENTIONS, findMentions } from './mentions.js';
import type { RecentMessageCache } from './recent-cache.js';
import { alignedPairs, parseStatusNotify } from '../wire/status-notify.js';
import { buildSystemMessage, buildRecallMessage } from './system-message.js';
import { cleanName, cleanText } from './text.js';
import type {
  CardMessage,
  ChatRef,
  EmoticonMessage,
  FriendRequestInfo,
  FriendRequestMessage,
  ImageMessage,
  LocationMessage,
  Message,
  NormalizeResult,
  NormalizedEvent,
  PossibleFriendMessage,
  SenderRef,
  StatusNotifyMessage,
  TextMessage,
  UnknownMessage,
  UnsupportedMessage,
  VideoMessage,
  VoiceMessage,
  VoipMessage,
} from './types.js';
import { attr, child, parseContentXml, toFloat, toInt } from './xml.js';

export interface NormalizeContext {
  /** Self, contact and room lookups (the client's contact store, or a fixture directory). */
  readonly directory: ContactDirectory;
  /**
   * Recent messages, for recalls. When given, every normalised chat message is
   * added to it (O(1)) and recalls look their original up in it.
   */
  readonly recent?: RecentMessageCache | undefined;
}

function chatRef(userName: string, directory: ContactDirectory): ChatRef {
  const isRoom = isRoomUserName(userName);
  const room = isRoom ? directory.room(userName) : undefined;
  let contact: Contact | undefined = room ?? directory.contact(userName);
  if (contact === undefined && userName === directory.self.userName) contact = directory.self;
  let name: string | undefined;
  if (room !== undefined) name = room.topic || undefined;
  else if (contact !== undefined) name = contact.remarkName || contact.nickName || undefined;
  return { userName, isRoom, contact, room, stableId: contact?.stableId, name };
}

function senderRef(userName: string, room: Room | undefined, directory: ContactDirectory): SenderRef {
  const selfUserName = directory.self.userName;
  const member = room !== undefined && userName !== '' ? directory.member(room.userName, userName) : undefined;
  let contact = userName !== '' ? directory.contact(userName) : undefined;
  if (contact === undefined && userName === selfUserName) contact = directory.self;
  // A room alias first; the contact record's NickName beats the roster's (rosters can hold placeholders).
  const name = (member?.displayName ?? '') || (contact?.nickName ?? '') || (member?.nickName ?? '') || undefined;
  return { userName, contact, member, stableId: contact?.stableId, name, isSelf: userName === selfUserName };
}

function roomSenderRef(chat: ChatRef): SenderRef {
  return {
    userName: chat.userName,
    contact: chat.contact,
    member: undefined,
    stableId: chat.stableId,
    name: chat.name,
    isSelf: false,
  };
}

function decodeEnvelope(input: unknown, directory: ContactDirectory): Envelope {
  const rec = record(input);
  const raw = input as RawMessage;
  const selfUserName = directory.self.userName;
  const msgId = rec.MsgId;
  const id = str(msgId) || (typeof rec.NewMsgId === 'string' ? rec.NewMsgId : '');
  const from = str(rec.FromUserName);
  const to = str(rec.ToUserName);
  const content = str(rec.Content);
  const seconds = num(rec.CreateTime);
  const createdAt = new Date(Number.isFinite(seconds * 1000) ? seconds * 1000 : 0);

  const fromRoom = isRoomUserName(from);
  const toRoom = !fromRoom && isRoomUserName(to);
  // Sent by this account (phone, another client, or the bot): From is self, or a user posting into a room.
  const fromSelf = from === selfUserName || toRoom;
  const chatUserName = fromSelf && to !== '' ? to : from;
  const chat = chatRef(chatUserName, directory);
  const room = chat.room;

  let body = content;
  let sender: SenderRef;
  if (fromRoom) {
    const p = splitSenderPrefix(content);
    if (p !== undefined) {
      body = p.body;
      sender = senderRef(p.sender, room, directory);
    } else {
      sender = roomSenderRef(chat);
    }
  } else {
    if (chat.isRoom) {
      // Self-sent room entries can still carry a prefix; it is not the sender.
      const p = splitSenderPrefix(content);
      if (p !== undefined && p.sender.startsWith('@')) body = p.body;
    }
    sender = senderRef(from, room, directory);
  }
  const isSelf = fromSelf || sender.isSelf;
  if (isSelf && !sender.isSelf) sender = { ...sender, isSelf: true };
  return {
    raw,
    record: rec,
    id,
    msgType: num(rec.MsgType),
    appMsgType: num(rec.AppMsgType),
    from,
    to,
    content,
    body,
    createdAt,
    chat,
    sender,
    room,
    isSelf,
    directory,
  };
}

// "[收到一条微信转账消息，请在手机上查看]" and friends: the web client cannot show these.
const VIEW_ON_PHONE_RE = /^\[[^\]]*(?:请在手机上查看|手机上查看|view (?:it )?on (?:your )?(?:phone|mobile))[^\]]*\]$/i;

function buildText(env: Envelope): Message {
  const text = cleanText(env.body);
  if (text.startsWith('[') && VIEW_ON_PHONE_RE.test(text)) {
    const m: UnsupportedMessage = { ...plainBase(env), kind: 'unsupported', text, title: text };
    return m;
  }
  const mentions = env.chat.isRoom && text.includes('@') ? findMentions(text, env.room, env.directory) : NO_MENTIONS;
  // The hot path: an explicit literal. Object spread here made V8 build slow (dictionary-mode)
  // objects and cut plain-text throughput by ~15x.
  const m: TextMessage = {
    id: env.id,
    kind: 'text',
    msgType: env.msgType,
    appMsgType: env.appMsgType,
    chat: env.chat,
    sender: env.sender,
    to: env.to,
    text,
    createdAt: env.createdAt,
    isSelf: env.isSelf,
    mentions: mentions.mentions,
    mentionNames: mentions.mentionNames,
    mentionsSelf: mentions.mentionsSelf,
    raw: env.raw,
  };
  return m;
}

function buildLocation(env: Envelope): LocationMessage {
  const rec = env.record;
  // Content is "label:<br/>thumbnail-path" for MsgType 1 / SubMsgType 48; MsgType 48 carries XML.
  const ori = str(rec.OriContent);
  const xml = parseContentXml(ori !== '' ? ori : env.body);
  const loc = child(child(xml, 'msg'), 'location');
  let label = attr(loc, 'label');
  let thumbUrl: string | undefined;
  const sep = env.body.indexOf(':<br/>');
  if (sep > 0 && !env.body.trimStart().startsWith('&lt;') && !env.body.trimStart().startsWith('<')) {
    label ??= cleanText(env.body.slice(0, sep));
    thumbUrl = optStr(cleanText(env.body.slice(sep + ':<br/>'.length)));
  }
  const cleanLabel = cleanText(label ?? '');
  const m: LocationMessage = {
    ...plainBase(env),
    kind: 'location',
    text: cleanLabel,
    label: cleanLabel,
    poiName: optStr(cleanText(attr(loc, 'poiname') ?? '')),
    latitude: toFloat(attr(loc, 'x')),
    longitude: toFloat(attr(loc, 'y')),
    url: optStr(rec.Url),
    thumbUrl,
  };
  return m;
}

function isLocationText(env: Envelope): boolean {
  if (num(env.record.SubMsgType) === 48) return true;
  // Older servers: MsgType 1 with a map URL and a location thumbnail in Content.
  const url = str(env.record.Url);
  return url !== '' && env.body.includes('pictype=location');
}

function buildImage(env: Envelope): ImageMessage {
  const img = child(child(parseContentXml(env.body), 'msg'), 'img');
  const m: ImageMessage = {
    ...plainBase(env),
    kind: 'image',
    text: '',
    width: optNum(env.record.ImgWidth),
    height: optNum(env.record.ImgHeight),
    sizeBytes: toInt(attr(img, 'length')),
    md5: attr(img, 'md5'),
  };
  return m;
}

function buildVoice(env: Envelope): VoiceMessage {
  let durationMs = optNum(env.record.VoiceLength);
  if (durationMs === undefined) {
    const voice = child(child(parseContentXml(env.body), 'msg'), 'voicemsg');
    durationMs = toInt(attr(voice, 'voicelength'));
  }
  const m: VoiceMessage = { ...plainBase(env), kind: 'voice', text: '', durationMs };
  return m;
}

function buildVideo(env: Envelope): VideoMessage {
  let durationSeconds = optNum(env.record.PlayLength);
  if (durationSeconds === undefined) {
    const video = child(child(parseContentXml(env.body), 'msg'), 'videomsg');
    durationSeconds = toInt(attr(video, 'playlength'));
  }
  const m: VideoMessage = {
    ...plainBase(env),
    kind: 'video',
    text: '',
    durationSeconds,
    width: optNum(env.record.ImgWidth),
    height: optNum(env.record.ImgHeight),
    isShortVideo: env.msgType === 62,
  };
  return m;
}

function buildEmoticon(env: Envelope): EmoticonMessage {
  const emoji = child(child(parseContentXml(env.body), 'msg'), 'emoji');
  const m: EmoticonMessage = {
    ...plainBase(env),
    kind: 'emoticon',
    text: '',
    md5: attr(emoji, 'md5'),
    cdnUrl: attr(emoji, 'cdnurl'),
    sizeBytes: toInt(attr(emoji, 'len')),
    width: toInt(attr(emoji, 'width')) ?? optNum(env.record.ImgWidth),
    height: toInt(attr(emoji, 'height')) ?? optNum(env.record.ImgHeight),
    productId: attr(emoji, 'productid'),
  };
  return m;
}

function recommendInfo(env: Envelope): Readonly<Record<string, unknown>> {
  return record(env.record.RecommendInfo);
}

function buildCard(env: Envelope): CardMessage {
  const info = recommendInfo(env);
  const msg = child(parseContentXml(env.body), 'msg');
  const nickName = cleanName(str(info.NickName)) || cleanText(attr(msg, 'nickname') ?? '');
  const certFlag = toInt(attr(msg, 'certflag')) ?? 0;
  const brandFlags = toInt(attr(msg, 'brandFlags')) ?? 0;
  const m: CardMessage = {
    ...plainBase(env),
    kind: 'card',
    text: nickName,
    userName: str(info.UserName),
    nickName,
    alias: optStr(info.Alias) ?? attr(msg, 'alias'),
    xmlUserName: attr(msg, 'username'),
    antispamTicket: attr(msg, 'antispamticket'),
    scene: optNum(info.Scene) ?? toInt(attr(msg, 'scene')),
    province: optStr(info.Province) ?? attr(msg, 'province'),
    city: optStr(info.City) ?? attr(msg, 'city'),
    signature: optStr(info.Signature) ?? attr(msg, 'sign'),
    isOfficial: certFlag !== 0 || brandFlags !== 0 || (num(info.VerifyFlag) & 8) !== 0,
  };
  return m;
}

function buildFriendRequest(env: Envelope): FriendRequestMessage {
  const info = recommendInfo(env);
  const msg = child(parseContentXml(env.body), 'msg');
  const verifyText = cleanText(str(info.Content) || (attr(msg, 'content') ?? ''));
  const request: FriendRequestInfo = {
    userName: str(info.UserName),
    nickName: cleanName(str(info.NickName)) || cleanText(attr(msg, 'fromnickname') ?? ''),
    ticket: str(info.Ticket) || (attr(msg, 'ticket') ?? ''),
    verifyText,
    scene: optNum(info.Scene) ?? toInt(attr(msg, 'scene')) ?? 0,
    alias: optStr(info.Alias) ?? attr(msg, 'alias'),
    stableId: attr(msg, 'fromusername'),
    encryptUserName: attr(msg, 'encryptusername'),
    sourceRoom: attr(msg, 'chatroomusername'),
    opCode: optNum(info.OpCode) ?? toInt(attr(msg, 'opcode')),
    sex: optNum(info.Sex) ?? toInt(attr(msg, 'sex')),
    province: optStr(info.Province) ?? attr(msg, 'province'),
    city: optStr(info.City) ?? attr(msg, 'city'),
    signature: optStr(info.Signature) ?? attr(msg, 'sign'),
    avatarUrl: attr(msg, 'bigheadimgurl') ?? attr(msg, 'smallheadimgurl'),
  };
  const m: FriendRequestMessage = {
    ...plainBase(env),
    kind: 'friend-request',
    text: verifyText,
    request,
  };
  return m;
}

function buildPossibleFriend(env: Envelope): PossibleFriendMessage {
  const info = recommendInfo(env);
  const m: PossibleFriendMessage = {
    ...plainBase(env),
    kind: 'possible-friend',
    text: '',
    userName: optStr(info.UserName),
    nickName: optStr(cleanName(str(info.NickName))),
  };
  return m;
}

function buildVoip(env: Envelope): VoipMessage {
  const trimmed = env.body.trimStart();
  const text = trimmed.startsWith('<') || trimmed.startsWith('&lt;') ? '' : cleanText(env.body);
  const m: VoipMessage = { ...plainBase(env), kind: 'voip', text, actionable: false };
  return m;
}

function buildStatusNotify(env: Envelope): StatusNotifyMessage {
  const parsed = parseStatusNotify(env.record);
  const m: StatusNotifyMessage = {
    ...plainBase(env),
    kind: 'status-notify',
    text: '',
    code: parsed?.code ?? 0,
    // The pairs the sync loop trusts (lists that line up), not every position: one decision for both.
    pairs: parsed === undefined ? [] : alignedPairs(parsed),
  };
  return m;
}

function buildUnknown(env: Envelope, reason: UnknownMessage['reason']): UnknownMessage {
  const trimmed = env.body.trimStart();
  const looksXml = trimmed.startsWith('<') || trimmed.startsWith('&lt;');
  return {
    ...plainBase(env),
    kind: 'unknown',
    text: looksXml ? '' : cleanText(env.body),
    reason,
    app: undefined,
  };
}

/** Most messages imply no events: one shared empty list, not one per message. */
const none: readonly NormalizedEvent[] = Object.freeze([]);

function build(env: Envelope, recent: RecentMessageCache | undefined): NormalizeResult {
  switch (env.msgType) {
    case MsgType.Text:
      return { message: isLocationText(env) ? buildLocation(env) : buildText(env), events: none };
    case MsgType.Location:
      return { message: buildLocation(env), events: none };
    case MsgType.Image:
      return { message: buildImage(env), events: none };
    case MsgType.Voice:
      return { message: buildVoice(env), events: none };
    case MsgType.FriendRequest: {
      const message = buildFriendRequest(env);
      return {
        message,
        events: [
          { type: 'friend-request', messageId: message.id, createdAt: message.createdAt, request: message.request },
        ],
      };
    }
    case MsgType.PossibleFriend:
      return { message: buildPossibleFriend(env), events: none };
    case MsgType.Card:
      return { message: buildCard(env), events: none };
    case MsgType.Video:
    case MsgType.ShortVideo:
      return { message: buildVideo(env), events: none };
    case MsgType.Emoticon:
      return { message: buildEmoticon(env), events: none };
    case MsgType.App:
      return { message: buildAppMessage(env), events: none };
    case MsgType.VoipMsg:
    case MsgType.VoipNotify:
    case MsgType.VoipInvite:
      return { message: buildVoip(env), events: none };
    case MsgType.StatusNotify:
      return { message: buildStatusNotify(env), events: none };
    case MsgType.SysNotice:
    case MsgType.System:
      return buildSystemMessage(env, recent);
    case MsgType.Recalled:
      return { message: buildRecallMessage(env, recent), events: none };
    default:
      return { message: buildUnknown(env, 'unrecognised-type'), events: none };
  }
}

/** Last resort when even the envelope cannot be read (a throwing directory, a hostile getter). */
function malformed(input: unknown, context: NormalizeContext): NormalizeResult {
  let selfUserName = '';
  try {
    selfUserName = context.directory.self.userName;
  } catch {
    // keep ''
  }
  const rec = record(input);
  const from = str(rec.FromUserName);
  const chat: ChatRef = {
    userName: from,
    isRoom: isRoomUserName(from),
    contact: undefined,
    room: undefined,
    stableId: undefined,
    name: undefined,
  };
  const message: UnknownMessage = {
    id: str(rec.MsgId),
    kind: 'unknown',
    msgType: num(rec.MsgType),
    appMsgType: num(rec.AppMsgType),
    chat,
    sender: { ...roomSenderRef(chat), isSelf: from !== '' && from === selfUserName },
    to: str(rec.ToUserName),
    text: '',
    createdAt: new Date(0),
    isSelf: from !== '' && from === selfUserName,
    ...NO_MENTIONS,
    raw: input as RawMessage,
    reason: 'malformed',
    app: undefined,
  };
  return { message, events: [] };
}

/**
 * Turns one AddMsgList entry into a typed message plus the events it implies
 * (friend request, room join/leave/topic, friend added). Synchronous; never
 * throws: unknown or malformed input yields `kind: 'unknown'` (or the closest
 * kind) with `raw` kept as received. MsgType 51 yields the internal
 * `status-notify` kind, which the runtime must not dispatch to plugins.
 */
export function normalizeMessage(raw: unknown, context: NormalizeContext): NormalizeResult {
  try {
    const env = decodeEnvelope(raw, context.directory);
    const result = env.id === '' && typeof raw !== 'object' ? malformed(raw, context) : build(env, context.recent);
    if (context.recent !== undefined && result.message.kind !== 'status-notify' && result.message.kind !== 'recall') {
      context.recent.add(result.message);
    }
    return result;
  } catch {
    try {
      return malformed(raw, context);
    } catch {
      // Even reading the record threw (hostile getters): return the bare minimum.
      return malformed(undefined, context);
    }
  }
}
