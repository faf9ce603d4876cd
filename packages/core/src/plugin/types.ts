import type { SentMessage } from '../message/sent.js';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';

import type { DownloadOptions, DownloadResult, DownloadTarget, LoginVia, LogoutReason } from '../client/types.js';
import type { Contact, Room } from '../contact/types.js';
import type {
  ChatMessage,
  ChatRef,
  FriendAddedEvent,
  FriendRequestEvent,
  FriendRequestInfo,
  PersonRef,
  RecallMessage,
  RoomJoinEvent,
  RoomLeaveEvent,
  RoomTopicEvent,
  SenderRef,
} from '../message/types.js';
import type { KeyValueStore } from '../storage/types.js';
import type { TransportCapabilities } from '../transport/types.js';

/**
 * Who an action goes to: a session UserName, a stable id (`wxid_...`,
 * `...@chatroom`), a remark / nick name / room topic matching exactly one
 * contact, or anything carrying a `userName` (Contact, ChatRef, SenderRef).
 */
export type Target = string | { readonly userName: string };

/** Bytes or a path; streams are accepted for images and files. */
export type MediaInput = string | Buffer | Readable;

/** What a plugin can send: text, or one media item. */
export type OutgoingContent =
  | string
  | { readonly text: string }
  | { readonly image: MediaInput; readonly name?: string }
  | { readonly file: MediaInput; readonly name?: string }
  | { readonly video: MediaInput; readonly name?: string }
  /** A 32-hex md5 of a stored emoticon, or GIF bytes to upload. */
  | { readonly emoticon: string | Buffer };

/** Kinds of action the bot performs for plugins; every one is recorded in the action log. */
export type ActionKind =
  | 'send'
  | 'acceptFriend'
  | 'addMembers'
  | 'removeMembers'
  | 'inviteMembers'
  | 'setTopic'
  | 'setRemark'
  | 'pin'
  | 'unpin'
  | 'download'
  | 'avatar'
  | 'revoke'
  | 'forward'
  | 'createRoom'
  | 'addFriend'
  | 'markRead';

/** One action as recorded in the bot's action log. */
export interface ActionRecord {
  /** 1-based order in this bot's log. */
  readonly seq: number;
  /** Epoch ms when it was requested. */
  readonly at: number;
  readonly action: ActionKind;
  /** Plugin that asked for it; undefined when the bot itself did. */
  readonly plugin: string | undefined;
  /** Id of the message being handled when it was asked for, if any. */
  readonly cause: string | undefined;
  /** Resolved session UserName of the chat, contact or room acted on. */
  readonly target: string;
  /** Room topic / remark / nick name of the target, when known. */
  readonly targetName: string | undefined;
  /** For `send`: what kind of content and its text (or media name). */
  readonly content?:
    | { readonly type: 'text'; readonly text: string }
    | { readonly type: 'image' | 'file' | 'video' | 'emoticon'; readonly name: string | undefined };
  /** For member actions: the members' session UserNames. */
  readonly members?: readonly string[];
  /** For setTopic. */
  readonly topic?: string;
  /** For setRemark. */
  readonly remark?: string;
  /** For download, revoke and forward: the id of the message acted on. */
  readonly messageId?: string;
  /** For addFriend: the verify text sent with the request. */
  readonly verifyText?: string;
  /** Settles when the client has carried it out. */
  status: 'pending' | 'done' | 'failed';
  error?: string;
}

/** Room actions, all through the client's rate-limited queue. */
export interface RoomActions {
  /** Looks a room up by UserName, stable id or exact topic. */
  get(room: Target): Room | undefined;
  add(room: Target, members: readonly Target[]): Promise<void>;
  remove(room: Target, members: readonly Target[]): Promise<void>;
  invite(room: Target, members: readonly Target[]): Promise<void>;
  setTopic(room: Target, topic: string): Promise<void>;
  /**
   * Creates a room with at least two other people (friends) and an optional topic; resolves with it.
   * Its record's `target` is '' (the room has no UserName until the server answers) and lists `members`.
   */
  create(members: readonly Target[], topic?: string): Promise<Room>;
}

/** Contact lookups and actions. */
export interface ContactActions {
  /** The logged-in account. */
  readonly self: Contact;
  /**
   * Looks a contact (or room) up by UserName, stable id or exact remark / nick name (a room by
   * its topic). `undefined` when nobody matches and when several do: `find` tells them apart.
   */
  get(target: Target): Contact | undefined;
  /**
   * Every contact or room the target names: one for a UserName or stable id we know, any number
   * for a name (empty when nobody has it, several when the name is ambiguous).
   */
  find(target: Target): readonly Contact[];
  setRemark(contact: Target, remark: string): Promise<void>;
  /** Sends a friend request (verifyuser Opcode 2) carrying `verifyText`, e.g. to someone met in a room. */
  addFriend(contact: Target, verifyText: string): Promise<void>;
  /** Downloads a contact's or room's avatar (webwxgeticon / webwxgetheadimg) into a directory or a stream. */
  avatar(target: Target, to: DownloadTarget, opts?: Pick<DownloadOptions, 'fileName'>): Promise<DownloadResult>;
}

/** Chat-list actions. */
export interface ChatActions {
  pin(chat: Target): Promise<void>;
  unpin(chat: Target): Promise<void>;
  /** Marks a chat read on every device of the account (statusnotify Code 1). */
  markRead(chat: Target): Promise<void>;
}

/** Message actions: media, revoke, forward. */
export interface MessageActions {
  /**
   * Downloads a received message's media into a directory (`{ dir }`, a new file with a sanitised name;
   * never the data dir) or a stream (`{ stream }`): the big picture of an image (`{ slave: true }` for the
   * thumbnail), a voice clip, a video (`{ range }` asks for a byte range), a file attachment, a stored
   * emoticon. Other kinds throw `InvalidArgument` naming the kind.
   */
  download(message: ChatMessage, to: DownloadTarget, opts?: DownloadOptions): Promise<DownloadResult>;
  /**
   * Revokes a message the bot sent (what `send` resolved with). Only within 2 minutes of sending: past
   * that it rejects with `RecallWindowPassed` and nothing is sent to the server.
   */
  revoke(sent: SentMessage): Promise<void>;
  /** Sends a received text, image, video, emoticon or file on to `to` (media by its MediaId, not re-uploaded). */
  forward(message: ChatMessage, to: Target): Promise<SentMessage>;
}

/** Everything a handler can do; attributed to the plugin (and message) that did it. */
export interface Actions {
  send(to: Target, content: OutgoingContent): Promise<SentMessage>;
  acceptFriend(request: FriendRequestInfo): Promise<void>;
  readonly rooms: RoomActions;
  readonly contacts: ContactActions;
  readonly chats: ChatActions;
  readonly messages: MessageActions;
}

/** Fields every event context has. */
export interface ContextBase {
  /** Name of the plugin whose handler holds this context. */
  readonly plugin: string;
  /** Id of the message the event came from. */
  readonly id: string;
  /** Scratch space shared by every middleware handling this event, across plugins. */
  readonly state: Record<string, unknown>;
  /** Actions attributed to this plugin and this event. */
  readonly actions: Actions;
}

/** A chat message. `M` narrows with the query (`'message:image'` gives `ImageMessage`). */
export interface MessageContext<M extends ChatMessage = ChatMessage> extends ContextBase {
  readonly type: 'message';
  readonly message: M;
  /** `message.text`. */
  readonly text: string;
  readonly chat: ChatRef;
  readonly sender: SenderRef;
  /** True when the bot itself sent it (seen only by plugins that opt in). */
  readonly sentByBot: boolean;
  /** Sends to this message's chat. */
  reply(content: OutgoingContent): Promise<SentMessage>;
}

/** Someone asked to be our friend. */
export interface FriendRequestContext extends ContextBase {
  readonly type: 'friend:request';
  readonly event: FriendRequestEvent;
  readonly request: FriendRequestInfo;
  accept(): Promise<void>;
}

/** A friend request was accepted (by us or by them). */
export interface FriendAddedContext extends ContextBase {
  readonly type: 'friend:added';
  readonly event: FriendAddedEvent;
  /** The new friend's chat. */
  readonly chat: ChatRef;
  /** Sends to the new friend. */
  reply(content: OutgoingContent): Promise<SentMessage>;
}

/** People joined a room. */
export interface RoomJoinContext extends ContextBase {
  readonly type: 'room:join';
  readonly event: RoomJoinEvent;
  readonly chat: ChatRef;
  readonly invitees: readonly PersonRef[];
  /** Sends to the room. */
  reply(content: OutgoingContent): Promise<SentMessage>;
}

/** People left (or were removed from) a room. */
export interface RoomLeaveContext extends ContextBase {
  readonly type: 'room:leave';
  readonly event: RoomLeaveEvent;
  readonly chat: ChatRef;
  readonly leavers: readonly PersonRef[];
  reply(content: OutgoingContent): Promise<SentMessage>;
}

/** A room was renamed. */
export interface RoomTopicContext extends ContextBase {
  readonly type: 'room:topic';
  readonly event: RoomTopicEvent;
  readonly chat: ChatRef;
  readonly topic: string;
  reply(content: OutgoingContent): Promise<SentMessage>;
}

/** The account logged in: at start (once plugins run) and after every re-login of a recovery. */
export interface LoginContext extends ContextBase {
  readonly type: 'login';
  readonly self: Contact;
  readonly via: LoginVia;
}

/** The session ended (server kick, cookie expiry, logout()). Recovery may follow with a `login`. */
export interface LogoutContext extends ContextBase {
  readonly type: 'logout';
  readonly reason: LogoutReason;
  /** The server's synccheck retcode / Ret (1100, 1101, 1102) when it ended the session. */
  readonly retcode: number | undefined;
  /** The call that saw the end (`synccheck`, ...), when the transport reports it. */
  readonly endpoint: string | undefined;
}

/**
 * The server refuses this account on the web (ret 1203 at a login of a recovery). The bot stays
 * logged out. A 1203 at the first start rejects `bot.start()` instead: no plugin runs yet then.
 */
export interface BanContext extends ContextBase {
  readonly type: 'ban';
  /** The server's own words. */
  readonly serverMessage: string;
  readonly endpoint: string;
}

/** What made the bot suspect the account is at risk of a ban (see `BAN_RISK_THRESHOLDS`). */
export type BanRiskSignal = 'rate-limit-storm' | 'early-logout' | 'repeated-kicks';

/** Signs that the server is losing patience with the account: slow down before it bans. */
export interface BanRiskContext extends ContextBase {
  readonly type: 'ban-risk';
  readonly signal: BanRiskSignal;
  /** How many of the signal's events were seen within `windowMs`. */
  readonly count: number;
  readonly windowMs: number;
  /** One line saying what was seen. */
  readonly detail: string;
}

/** Contacts changed (login, ModContact, DelContact, lookups): session UserNames. */
export interface ContactsUpdatedContext extends ContextBase {
  readonly type: 'contacts:updated';
  readonly updated: readonly string[];
  readonly removed: readonly string[];
}

/** The bot was added to a room (invited, or joined by a QR code). Also delivered as `room:join`. */
export interface BotAddedContext extends ContextBase {
  readonly type: 'room:bot-added';
  readonly event: RoomJoinEvent;
  readonly chat: ChatRef;
  /** Who added the bot, when the notice names them. */
  readonly inviter: PersonRef | undefined;
  reply(content: OutgoingContent): Promise<SentMessage>;
}

/** Someone recalled a message. Also delivered as a `message:recall` message. */
export interface RecallContext extends ContextBase {
  readonly type: 'recall';
  readonly message: RecallMessage;
  readonly chat: ChatRef;
  readonly recalledBy: SenderRef;
  /** Id of the recalled message. */
  readonly recalledId: string | undefined;
  /** The recalled message, when the bot still remembers it (its recent-message cache). */
  readonly original: ChatMessage | undefined;
  reply(content: OutgoingContent): Promise<SentMessage>;
}

/** Any event a plugin can receive. */
export type BotContext =
  | MessageContext
  | FriendRequestContext
  | FriendAddedContext
  | RoomJoinContext
  | RoomLeaveContext
  | RoomTopicContext
  | LoginContext
  | LogoutContext
  | BanContext
  | BanRiskContext
  | ContactsUpdatedContext
  | BotAddedContext
  | RecallContext;

/** Contexts that happen in a chat (they carry `chat` and `reply`). */
export type ChatContext = Extract<BotContext, { readonly chat: ChatRef }>;

/** Calls the rest of the pipeline; resolves when it has finished. Call it at most once. */
export type NextFunction = () => Promise<void>;

/** A step of the pipeline. Not calling `next` ends the event's journey there. */
export type Middleware<C> = (context: C, next: NextFunction) => unknown;

/** A handle on a timer or scheduled job; it is also cancelled when the plugin stops. */
export interface TimerHandle {
  cancel(): void;
}

/** When a scheduled job runs. */
export type ScheduleSpec =
  /** Every `everyMs` milliseconds (first run after one period). */
  | { readonly everyMs: number }
  /** Once, at this instant. */
  | { readonly at: Date | number }
  /**
   * Every day at `HH:MM`, in `timeZone` (an IANA name such as `'Asia/Shanghai'`)
   * or, without one, in the server's local time.
   */
  | { readonly daily: string; readonly timeZone?: string }
  /**
   * A cron expression (five fields `min hour day month weekday`, or six with
   * seconds first; `L`, `#` and ranges as croner reads them), in `timeZone` or
   * the server's local time: `{ cron: '0 9 * * 1-5', timeZone: 'Asia/Shanghai' }`
   * runs at 09:00 Beijing time on weekdays wherever the bot runs.
   */
  | { readonly cron: string; readonly timeZone?: string };

/** Services a plugin gets besides the middleware API; all scoped to it. */
export interface PluginServices extends Actions {
  /** The plugin's name. */
  readonly name: string;
  /** A child logger carrying `{ plugin: name }`. */
  readonly logger: Logger;
  /** The plugin's own key/value store. */
  readonly storage: KeyValueStore;
  /**
   * Where relative paths in the plugin's options are meant from: the directory
   * of the config file that listed the plugin (the working directory when
   * there is none). Resolve files against it, never against `process.cwd()`.
   */
  readonly baseDir: string;
  /**
   * What the account's transport can do (rooms, friend requests, media kinds, recall window, ...), so
   * a plugin can adapt: skip room features on a transport without rooms instead of failing. A plugin
   * that cannot work without one declares it in `requires` and is refused at load instead.
   */
  readonly capabilities: TransportCapabilities;
  /** Aborted when the plugin stops (pass it to fetch and friends). */
  readonly signal: AbortSignal;
  /** Runs `callback` once after `ms` (a negative delay: at once); cancelled when the plugin stops. */
  setTimeout(callback: () => unknown, ms: number): TimerHandle;
  /** Runs `callback` every `ms` (at least 1); cancelled when the plugin stops. */
  setInterval(callback: () => unknown, ms: number): TimerHandle;
  /** Runs `job` on a schedule; failures are isolated like handler failures. */
  schedule(spec: ScheduleSpec, job: () => unknown): TimerHandle;
  /** Runs when the plugin stops (bot shutdown, or disabled after repeated failures). */
  onDispose(callback: () => unknown): void;
  /**
   * Sends one content to many chats, one after another, in the bulk lane: a handler's reply goes
   * first, and the account's rate limits space the messages. Reports progress, stops on
   * `options.signal` or when the plugin stops, and resolves with what was sent, what failed and
   * what was never tried (a bulk send is not resumed after a restart). Each send is checked against
   * the plugin's permissions like `send`.
   */
  bulkSend(targets: readonly Target[], content: OutgoingContent, options?: BulkSendOptions): Promise<BulkSendResult>;
}

/** Where a bulk send stands; handed to `onProgress` after each target. */
export interface BulkProgress {
  readonly total: number;
  readonly sent: number;
  readonly failed: number;
  readonly remaining: number;
  /** The target just handled, and its error when it failed. */
  readonly last: { readonly target: Target; readonly error?: unknown };
}

export interface BulkSendOptions {
  /** Called after each target (a throwing callback is ignored: it must not stop the send). */
  onProgress?: (progress: BulkProgress) => void;
  /** Aborting it stops before the next target; the rest is reported in `notSent`. */
  signal?: AbortSignal;
  /**
   * At least this many ms between two messages, on top of the account's rate limits (which always
   * apply), counted from when the previous send settled (a send held in the outbox does not shorten
   * the gap). Default 0: the rate limits alone space them.
   */
  minIntervalMs?: number;
}

/** What a bulk send did. */
export interface BulkSendResult {
  readonly sent: readonly { readonly target: Target; readonly message: SentMessage }[];
  readonly failed: readonly { readonly target: Target; readonly error: unknown }[];
  /** Targets never tried: cancelled, the plugin stopped, or the client stopped. */
  readonly notSent: readonly Target[];
  readonly cancelled: boolean;
}
