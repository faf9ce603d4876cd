import type { Contact, Room, RoomMember } from '../contact/types.js';
import type { RawMessage } from '../wire/types.js';
import type { StableIdPair } from '../wire/status-notify.js';
import type { NotActionable, PhoneOnlyNotice } from './phone-only.js';

export type { NotActionable, PhoneOnlyNotice } from './phone-only.js';

/**
 * Every kind a normalised message can have. Plugins subscribe to
 * `message:<kind>`; `status-notify` is internal (the client consumes it for
 * stable ids) and is never dispatched to plugins — see `isChatMessage`.
 */
export type MessageKind =
  | 'text'
  | 'location'
  | 'image'
  | 'voice'
  | 'video'
  | 'emoticon'
  | 'card'
  | 'link'
  | 'music'
  | 'file'
  | 'mini-program'
  | 'quote'
  | 'transfer'
  | 'red-packet'
  | 'location-share'
  | 'chat-history'
  | 'friend-request'
  | 'possible-friend'
  | 'recall'
  | 'system'
  | 'voip'
  | 'unsupported'
  | 'unknown'
  | 'status-notify';

/** Where a message was said: a one-to-one chat or a room. */
export interface ChatRef {
  /** Session UserName of the peer or room (`@...`, `@@...`, `filehelper`, ...). */
  readonly userName: string;
  readonly isRoom: boolean;
  /** The peer, or the room (a `Room`) — when the directory knows it. */
  readonly contact: Contact | undefined;
  /** Same object as `contact` when this is a known room. */
  readonly room: Room | undefined;
  /** Survives re-login when known. */
  readonly stableId: string | undefined;
  /** Room topic or contact's remark/nick name; undefined when unknown. */
  readonly name: string | undefined;
}

/** Who said it. In a room: the member from the `@sender:<br/>` prefix. */
export interface SenderRef {
  readonly userName: string;
  readonly contact: Contact | undefined;
  /** The room member entry when spoken in a known room. */
  readonly member: RoomMember | undefined;
  readonly stableId: string | undefined;
  /** Room display name, else nick name; undefined when unresolved. */
  readonly name: string | undefined;
  readonly isSelf: boolean;
}

/** A person named in a system text, resolved against the room/directory when possible. */
export interface PersonRef {
  /** The name as written in the notice (quotes and stray spaces trimmed). */
  readonly name: string;
  /** Resolved session UserName; undefined when the name matches nobody (or several). */
  readonly userName: string | undefined;
  readonly isSelf: boolean;
}

export interface MessageBase {
  /** Lossless MsgId string (NewMsgId exceeds 2^53 and is never used). */
  readonly id: string;
  readonly kind: MessageKind;
  /** Raw MsgType / AppMsgType (0 when absent), for logging and routing edge cases. */
  readonly msgType: number;
  readonly appMsgType: number;
  readonly chat: ChatRef;
  readonly sender: SenderRef;
  /** Recipient UserName as on the wire (ToUserName). */
  readonly to: string;
  /**
   * Human text: entities unescaped, `<br/>` → `\n`, emoji spans → Unicode,
   * sender prefix removed. Media kinds carry '' (or a title/notice text).
   */
  readonly text: string;
  readonly createdAt: Date;
  /** Sent by the logged-in account (from the phone, another client or the bot). */
  readonly isSelf: boolean;
  /**
   * Resolved room member UserNames @-mentioned in `text`, in text order, de-duplicated. Received mentions
   * are real; a bot cannot send one: Web WeChat has no mention field, so `@Name` text it writes is plain
   * text that notifies nobody.
   */
  readonly mentions: readonly string[];
  /**
   * Every name written after `@` that was recognised as a mention, in text order —
   * including names that could not be resolved because the room roster is unknown.
   */
  readonly mentionNames: readonly string[];
  readonly mentionsSelf: boolean;
  /** The wire entry exactly as received (may be malformed when `kind` is 'unknown'). */
  readonly raw: RawMessage;
}

export interface TextMessage extends MessageBase {
  readonly kind: 'text';
}

export interface LocationMessage extends MessageBase {
  readonly kind: 'location';
  /** Address line ("label"). */
  readonly label: string;
  readonly poiName: string | undefined;
  readonly latitude: number | undefined;
  readonly longitude: number | undefined;
  /** Map link (RawMessage.Url) when present. */
  readonly url: string | undefined;
  /** Thumbnail path on the web host, when present. */
  readonly thumbUrl: string | undefined;
}

export interface ImageMessage extends MessageBase {
  readonly kind: 'image';
  readonly width: number | undefined;
  readonly height: number | undefined;
  readonly sizeBytes: number | undefined;
  readonly md5: string | undefined;
}

export interface VoiceMessage extends MessageBase {
  readonly kind: 'voice';
  /** VoiceLength; undefined when absent. */
  readonly durationMs: number | undefined;
}

export interface VideoMessage extends MessageBase {
  readonly kind: 'video';
  /** PlayLength (seconds). */
  readonly durationSeconds: number | undefined;
  readonly width: number | undefined;
  readonly height: number | undefined;
  /** MsgType 62 ("小视频"). */
  readonly isShortVideo: boolean;
}

export interface EmoticonMessage extends MessageBase {
  readonly kind: 'emoticon';
  readonly md5: string | undefined;
  readonly cdnUrl: string | undefined;
  readonly sizeBytes: number | undefined;
  readonly width: number | undefined;
  readonly height: number | undefined;
  readonly productId: string | undefined;
}

export interface CardMessage extends MessageBase {
  readonly kind: 'card';
  /** Session UserName of the shared contact (RecommendInfo). */
  readonly userName: string;
  readonly nickName: string;
  readonly alias: string | undefined;
  /** The XML `username` (often a `v1_...@stranger` ticket id). */
  readonly xmlUserName: string | undefined;
  readonly antispamTicket: string | undefined;
  readonly scene: number | undefined;
  readonly province: string | undefined;
  readonly city: string | undefined;
  readonly signature: string | undefined;
  /** Official accounts carry brand flags / certification. */
  readonly isOfficial: boolean;
}

export interface Article {
  readonly title: string;
  readonly url: string;
  readonly description: string;
  readonly coverUrl: string | undefined;
}

/** Fields every app message (MsgType 49) carries. */
export interface AppMessageFields {
  readonly title: string;
  readonly description: string;
  readonly url: string;
  readonly thumbUrl: string | undefined;
  readonly appId: string | undefined;
  readonly appName: string | undefined;
}

export interface LinkMessage extends MessageBase, AppMessageFields {
  readonly kind: 'link';
  /** Official-account pushes: every article; a single shared link has one entry. */
  readonly articles: readonly Article[];
  readonly sourceUserName: string | undefined;
  readonly sourceDisplayName: string | undefined;
}

export interface MusicMessage extends MessageBase, AppMessageFields {
  readonly kind: 'music';
  /** The audio stream URL. */
  readonly dataUrl: string | undefined;
}

export interface FileMessage extends MessageBase, AppMessageFields {
  readonly kind: 'file';
  readonly fileName: string;
  readonly sizeBytes: number | undefined;
  /** Lower-case, without dot; '' when none. */
  readonly extension: string;
  /** MediaId for webwxgetmedia. */
  readonly mediaId: string;
  readonly attachId: string | undefined;
  readonly md5: string | undefined;
  readonly encryFileName: string | undefined;
}

export interface MiniProgramMessage extends MessageBase, AppMessageFields {
  readonly kind: 'mini-program';
  /** The mini program's own id (`gh_...@app`), when present. */
  readonly programUserName: string | undefined;
  readonly pagePath: string | undefined;
  readonly sourceDisplayName: string | undefined;
  readonly iconUrl: string | undefined;
}

export interface QuotedMessage {
  readonly id: string | undefined;
  /** UserName (or stable id) of the quoted message's sender, as the XML gives it. */
  readonly senderUserName: string | undefined;
  readonly senderName: string | undefined;
  readonly text: string;
  readonly msgType: number | undefined;
}

/**
 * A reply that quotes an earlier message (received only: the Web protocol has no way to send a quote;
 * a bot answering with a quote must write the quoted text itself).
 */
export interface QuoteMessage extends MessageBase, AppMessageFields {
  readonly kind: 'quote';
  readonly quoted: QuotedMessage;
}

/**
 * A money transfer notice. The Web protocol can neither accept nor refund it: that happens on the phone
 * (or expires after a day); a bot can only notice it and tell someone.
 */
export interface TransferMessage extends MessageBase, AppMessageFields, NotActionable {
  readonly kind: 'transfer';
  /** Amount as displayed (e.g. "￥0.10"), when present. */
  readonly amount: string | undefined;
  readonly memo: string | undefined;
  readonly transferId: string | undefined;
  /** wcpayinfo paysubtype: 1 sent, 3 received, 4 refunded, ... */
  readonly paySubType: number | undefined;
}

/** A red packet (红包). The Web protocol cannot open it, nor see its amount: only the phone can. */
export interface RedPacketMessage extends MessageBase, AppMessageFields, NotActionable {
  readonly kind: 'red-packet';
}

export interface LocationShareMessage extends MessageBase, AppMessageFields {
  readonly kind: 'location-share';
}

export interface ChatHistoryMessage extends MessageBase, AppMessageFields {
  readonly kind: 'chat-history';
  /** Number of forwarded items when the record XML says so. */
  readonly itemCount: number | undefined;
}

/** Data of a friend request: everything needed to accept it via webwxverifyuser. */
export interface FriendRequestInfo {
  /** Session UserName to verify (RecommendInfo.UserName). */
  readonly userName: string;
  readonly nickName: string;
  readonly ticket: string;
  /** The requester's verify text ("我是..."), entities unescaped. */
  readonly verifyText: string;
  readonly scene: number;
  readonly alias: string | undefined;
  /** `wxid_...` from the XML `fromusername`, when present (stable across logins). */
  readonly stableId: string | undefined;
  readonly encryptUserName: string | undefined;
  /** `...@chatroom` the requester found us in, when present. */
  readonly sourceRoom: string | undefined;
  readonly opCode: number | undefined;
  readonly sex: number | undefined;
  readonly province: string | undefined;
  readonly city: string | undefined;
  readonly signature: string | undefined;
  readonly avatarUrl: string | undefined;
}

export interface FriendRequestMessage extends MessageBase {
  readonly kind: 'friend-request';
  readonly request: FriendRequestInfo;
}

export interface PossibleFriendMessage extends MessageBase {
  readonly kind: 'possible-friend';
  readonly userName: string | undefined;
  readonly nickName: string | undefined;
}

export interface RecallMessage extends MessageBase {
  readonly kind: 'recall';
  /** Id of the recalled message (`<msgid>` / `<newmsgid>`). */
  readonly recalledId: string | undefined;
  /** `<oldmsgid>` when present (the client-side id). */
  readonly recalledOldId: string | undefined;
  /** Who recalled: UserName when known (room prefix / FromUserName). */
  readonly recalledBy: SenderRef;
  /** The notice, e.g. `"Alice" 撤回了一条消息`. */
  readonly replaceText: string;
  /** The name quoted in the notice, when any. */
  readonly operatorName: string | undefined;
  /** `<session>` from the XML (often a stable id). */
  readonly session: string | undefined;
  /** The recalled message from the recent-message cache, when still there. */
  readonly original: Message | undefined;
}

export type SystemNoticeType =
  | 'room-join'
  | 'room-leave'
  | 'room-topic'
  | 'friend-added'
  | 'verification-needed'
  | 'red-packet'
  | 'transfer'
  | 'call'
  | 'pat'
  | 'recall'
  | 'other';

export interface RoomJoinNotice {
  readonly type: 'room-join';
  readonly inviter: PersonRef | undefined;
  readonly invitees: readonly PersonRef[];
  readonly via: 'invite' | 'qrcode';
}
export interface RoomLeaveNotice {
  readonly type: 'room-leave';
  readonly remover: PersonRef | undefined;
  readonly leavers: readonly PersonRef[];
  readonly selfLeft: boolean;
}
export interface RoomTopicNotice {
  readonly type: 'room-topic';
  readonly changer: PersonRef;
  readonly topic: string;
}
export interface FriendAddedNotice {
  readonly type: 'friend-added';
  readonly name: string;
}
export interface PatNotice {
  readonly type: 'pat';
  readonly patter: PersonRef | undefined;
  readonly patted: PersonRef | undefined;
}
export interface SimpleNotice {
  readonly type: 'verification-needed' | 'recall' | 'other';
}
export type SystemNotice =
  RoomJoinNotice | RoomLeaveNotice | RoomTopicNotice | FriendAddedNotice | PatNotice | SimpleNotice | PhoneOnlyNotice;

export interface SystemMessage extends MessageBase {
  readonly kind: 'system';
  readonly notice: SystemNotice;
}

/** A voice or video call notice. The Web protocol cannot answer, place or decline calls. */
export interface VoipMessage extends MessageBase, NotActionable {
  readonly kind: 'voip';
}

export interface UnsupportedMessage extends MessageBase {
  readonly kind: 'unsupported';
  readonly title: string;
}

export type UnknownReason = 'unrecognised-type' | 'unrecognised-app-type' | 'malformed';

export interface UnknownMessage extends MessageBase {
  readonly kind: 'unknown';
  readonly reason: UnknownReason;
  /** Unknown app messages keep what they have. */
  readonly app: AppMessageFields | undefined;
}

// Defined with the wire reading of MsgType 51 (wire/status-notify.ts), which builds the pairs.
export type { StableIdPair };

/** MsgType 51: internal, never dispatched to plugins. */
export interface StatusNotifyMessage extends MessageBase {
  readonly kind: 'status-notify';
  readonly code: number;
  /** The stable-id pairs the client trusts: none when the two wire lists do not line up or were cut short. */
  readonly pairs: readonly StableIdPair[];
}

export type Message =
  | TextMessage
  | LocationMessage
  | ImageMessage
  | VoiceMessage
  | VideoMessage
  | EmoticonMessage
  | CardMessage
  | LinkMessage
  | MusicMessage
  | FileMessage
  | MiniProgramMessage
  | QuoteMessage
  | TransferMessage
  | RedPacketMessage
  | LocationShareMessage
  | ChatHistoryMessage
  | FriendRequestMessage
  | PossibleFriendMessage
  | RecallMessage
  | SystemMessage
  | VoipMessage
  | UnsupportedMessage
  | UnknownMessage
  | StatusNotifyMessage;

/** `MessageOfKind<'image'>` is `ImageMessage`. */
export type MessageOfKind<K extends MessageKind> = Extract<Message, { readonly kind: K }>;

/** Kinds that are conversation content (everything but the internal `status-notify`). */
export type ChatMessageKind = Exclude<MessageKind, 'status-notify'>;
export type ChatMessage = MessageOfKind<ChatMessageKind>;

// ---- Typed events derived from messages -------------------------------------------------

export interface EventBase {
  /** Id of the message the event was derived from. */
  readonly messageId: string;
  readonly createdAt: Date;
}

export interface FriendRequestEvent extends EventBase {
  readonly type: 'friend-request';
  readonly request: FriendRequestInfo;
}

export interface RoomJoinEvent extends EventBase {
  readonly type: 'room-join';
  readonly room: ChatRef;
  readonly inviter: PersonRef | undefined;
  readonly invitees: readonly PersonRef[];
  readonly via: 'invite' | 'qrcode';
}

export interface RoomLeaveEvent extends EventBase {
  readonly type: 'room-leave';
  readonly room: ChatRef;
  readonly remover: PersonRef | undefined;
  readonly leavers: readonly PersonRef[];
  /** The bot itself was removed: mark the room as left. */
  readonly selfLeft: boolean;
}

export interface RoomTopicEvent extends EventBase {
  readonly type: 'room-topic';
  readonly room: ChatRef;
  readonly changer: PersonRef;
  readonly topic: string;
  /** The topic the directory had before, when known. */
  readonly oldTopic: string | undefined;
}

export interface FriendAddedEvent extends EventBase {
  readonly type: 'friend-added';
  /** The new friend's chat (the message's FromUserName). */
  readonly contact: ChatRef;
  readonly name: string;
}

export type NormalizedEvent = FriendRequestEvent | RoomJoinEvent | RoomLeaveEvent | RoomTopicEvent | FriendAddedEvent;

export type NormalizedEventType = NormalizedEvent['type'];
export type EventOfType<T extends NormalizedEventType> = Extract<NormalizedEvent, { readonly type: T }>;

/** What `normalizeMessage` returns: the message, plus any typed events it implies. */
export interface NormalizeResult {
  readonly message: Message;
  readonly events: readonly NormalizedEvent[];
}
