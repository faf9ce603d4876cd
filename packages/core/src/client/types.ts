import type { Readable, Writable } from 'node:stream';
import type { SentMessage } from '../message/sent.js';
import type { Logger } from 'pino';
import type { Contact, ContactDirectory, Room, RoomMember } from '../contact/types.js';
import type { RawMessage } from '../wire/types.js';
import type { Hosts, SessionStore } from '../session/types.js';

/** How the client logs in: `auto` tries hot (saved session) → push (phone confirm) → QR. */
export type LoginMode = 'auto' | 'qr' | 'push' | 'hot';

/** Which path produced the current session. */
export type LoginVia = 'hot' | 'push' | 'qr';

/** Outbound action classes; each has its own token bucket. */
export type ActionClass = 'text' | 'media' | 'friend' | 'room' | 'misc';

/** A token bucket: `burst` actions at once, then `perSecond` sustained. */
export interface Bucket {
  /** Tokens available at once (the burst size). */
  burst: number;
  /** Tokens refilled per second (the sustained rate). */
  perSecond: number;
}

/**
 * A send limit kept outside this process (e.g. `RedisTokenBucket` of
 * @wxbot/store-redis), so that an account's pace holds whichever worker sends.
 * `take` resolves 0 when a token was taken, else the ms to wait for one.
 */
export interface SharedBucket {
  take(): Promise<number>;
  penalise(): Promise<void>;
}

/** UOS desktop-mode identity (on by default; it is what keeps new accounts from 1203). */
export interface DesktopOptions {
  /** `client-version` header of the login-page request. */
  clientVersion?: string;
  /** `extspam` header of the login-page request. */
  extspam?: string;
  /** User-Agent sent on every request. */
  userAgent?: string;
}

/** QR presentation. */
export interface QrOptions {
  /** Draw the QR code in the terminal (stderr). Default true. */
  terminal?: boolean;
  /** Where to save the QR PNG; false = don't. Default `<dataDir>/<account>.qr.png`. */
  pngPath?: string | false;
  /** How many times an expired QR code is replaced before `QrExpired`. Default 5. */
  maxRefreshes?: number;
}

/** Timeouts in milliseconds. */
export interface TimeoutOptions {
  /** Ordinary API requests. Default 30 000. */
  requestMs?: number;
  /** Long polls (login poll, synccheck) beyond their server hold. Default 40 000. */
  longPollMs?: number;
  /** Whole QR/push login before `LoginTimeout`. Default 300 000. */
  loginMs?: number;
  /** Uploads per chunk. Default 120 000. */
  uploadMs?: number;
}

/** Backoff for retries: delay = min(maxMs, baseMs * 2^attempt) with full jitter. */
export interface BackoffOptions {
  /** First delay. Default 1 000. */
  baseMs?: number;
  /** Cap. Default 60 000. */
  maxMs?: number;
}

/** What the client does when things go wrong. */
export interface RecoveryOptions {
  /** After a logout (1100/1101/1102), try these in order. Default ['hot', 'push', 'qr'] minus what loginMode forbids. */
  onLogout?: ReadonlyArray<'reinit' | 'push' | 'qr'> | false;
  /** Network/5xx retry backoff. */
  backoff?: BackoffOptions;
  /** Consecutive syncs with a non-zero selector and nothing in them before the breaker trips. Default 10. */
  stuckSyncThreshold?: number;
  /** Restart the sync loop when it made no progress for this long. Default 180 000. */
  watchdogMs?: number;
  /** Invisible keep-alive (webwxstatusnotify to self / webwxgetcontact) interval; 0 = off. Default 1 800 000. */
  keepAliveMs?: number;
  /**
   * Retries of a rate-limited (1205) room, friend or other action before it
   * rejects with `RateLimited` (never counted as a plugin failure). Messages are
   * not limited by this: they wait until `sends.maxAgeMs`. Default 3.
   */
  rateLimitRetries?: number;
}

/** How long sends are kept trying, and how a send whose answer was lost is settled. */
export interface SendOptions {
  /**
   * How long a message send the server keeps refusing with 1205, or cannot be
   * reached for, stays journaled and retried with backoff. Past it
   * the caller gets `SendExpired` and the drop is logged with the message's
   * ClientMsgId. A refusal never counts as a plugin failure. Default 600 000
   * (10 minutes).
   */
  maxAgeMs?: number;
  /**
   * How long a send whose answer was lost waits for the server's echo of it in
   * webwxsync, or for proof that it did not arrive (then it is sent again),
   * before the caller gets `SendOutcomeUnknown` and it is not repeated (at most
   * once). Keep it above the long-poll timeout. Default 60 000.
   */
  reconcileMs?: number;
}

/** Options of `createClient`. */
export interface ClientOptions {
  /** Account name: the session-store key prefix and the logger child's `account`. Default 'default'. */
  account?: string;
  /** Directory for the default file session store, journals and QR PNG; `download` refuses it as a target. */
  dataDir: string;
  /** Pluggable durable store; default: JSON files under `dataDir` (atomic, 0600). */
  sessionStore?: SessionStore;
  /** Login strategy. Default 'auto'. */
  loginMode?: LoginMode;
  /** UOS desktop mode; on by default. `false` uses the plain web login. */
  desktop?: boolean | DesktopOptions;
  /** Full origins overriding derivation from redirect_uri (simulator, proxies). http works. */
  hosts?: Partial<Hosts>;
  /** QR presentation. */
  qr?: QrOptions;
  /**
   * HTTP(S) proxy for every request (API calls, long polls, uploads, downloads):
   * a URL (`http://host:3128`, `http://user:pass@host:3128`, or `https://`), or
   * `false` to ignore the environment. Default: `HTTPS_PROXY` / `HTTP_PROXY`
   * (or lower-case), minus the hosts in `NO_PROXY`, which applies to an explicit URL too.
   */
  proxy?: string | false;
  /** Token buckets per action class. */
  rateLimits?: Partial<Record<ActionClass, Bucket>>;
  /**
   * Paces each class with a bucket shared by every process serving the
   * account (a cluster of workers) instead of an in-process one; called once
   * per class with its configured limits. The local bucket still reports
   * `rateFactor`.
   */
  sharedBuckets?: (actionClass: ActionClass, limits: Bucket) => SharedBucket;
  /**
   * How many actions of a class may be in flight at once (defaults: text 8,
   * media 2, friend 1, room 1, misc 4). Sends to one chat always go one
   * after another, in order; the buckets still set the pace.
   */
  sendConcurrency?: Partial<Record<ActionClass, number>>;
  /** Random extra delay (0..jitterMs) before each outbound action. Default 300. */
  sendJitterMs?: number;
  /** Parent logger; the client logs through a child `{ account }`. Default: pino at 'info'. */
  logger?: Logger;
  /** Timeouts. */
  timeouts?: TimeoutOptions;
  /** Recovery behaviour. */
  recovery?: RecoveryOptions;
  /** Refused and lost sends: how long they are retried, how long a lost answer is reconciled. */
  sends?: SendOptions;
  /** How many handled MsgIds are remembered for dedupe (persisted). Default 5 000. */
  dedupeSize?: number;
  /**
   * After a fresh login (no saved SyncKey of this account), messages created more than this many
   * seconds before the login are history: marked handled, never handed over. Default 60; `false`
   * hands all history over.
   */
  historyCutoffSeconds?: number | false;
  /** Language sent as `lang=`. Default 'zh_CN'. */
  lang?: string;
  /** Room actions. */
  rooms?: RoomOptions;
}

/** How room actions behave. */
export interface RoomOptions {
  /**
   * Adding members to a room of InviteStartCount (webwxinit, 40) or more members: the server takes
   * invitations only there. `'invite'` (default) sends invitations instead (they join when they accept);
   * `'refuse'` rejects with `RoomNeedsInvite` and calls nothing.
   */
  largeRoomAdd?: 'invite' | 'refuse';
}

/** Lifecycle states; `state` events report every transition. */
export type ClientState =
  'idle' | 'logging-in' | 'initializing' | 'syncing' | 'recovering' | 'stopping' | 'stopped' | 'logged-out';

/** Why the session ended. */
export type LogoutReason =
  'logged-out-elsewhere' | 'cookie-invalid' | 'not-logged-in' | 'user-logout' | 'sync-failed' | 'unknown';

/** A message as the inbox hands it to the consumer. */
export interface IncomingMessage {
  /** The AddMsgList entry, untouched (MsgId always a string). */
  readonly raw: RawMessage;
  /** True when this client sent it (matched by ClientMsgId/LocalID or returned MsgID); owner's phone messages are false. */
  readonly sentByBot: boolean;
  /** Epoch ms when the client first received it (kept across re-delivery). */
  readonly receivedAt: number;
}

/**
 * Consumes incoming messages. The poll loop never awaits it; the entry stays
 * journaled until the promise settles (resolve or reject = handled), so a
 * crash mid-handling re-delivers on restart and MsgId dedupe prevents doubles.
 */
export type MessageHandler = (incoming: IncomingMessage) => Promise<void>;

/** Options of `setMessageHandler`. */
export interface MessageHandlerOptions {
  /** Whether the account's own messages (`sentByBot`) are journaled before delivery; default: always. */
  readonly journalOwn?: () => boolean;
}

/** Per-call options of a message send. */
export interface SendCallOptions {
  /**
   * Id of the inbound message (or event) whose handling makes this send. The
   * inbox hands a message to the handler again when the process died before
   * the handler finished; a send that run journaled before the crash, to the
   * same recipient with the same content (matched in order), is not made
   * again: the call settles with that send's outcome (its MsgID, or
   * `SendOutcomeUnknown` when whether it arrived cannot be known). Plugin
   * actions pass it for you.
   */
  cause?: string | undefined;
  /**
   * `'bulk'`: one of many sends (`ctx.bulkSend` passes it): it waits behind interactive actions and
   * leaves them a slot and tokens of the same rate limits. Default: interactive.
   */
  lane?: 'interactive' | 'bulk' | undefined;
}

/** A file to upload: a path, bytes, or a stream (streams are buffered to hash and chunk them). */
export type MediaSource = string | Buffer | Readable;

/** A friend request to accept (from a MsgType 37 RecommendInfo). */
export interface FriendRequestRef {
  /** RecommendInfo.UserName. */
  userName: string;
  /** RecommendInfo.Ticket. */
  ticket: string;
}

/**
 * Where `download` writes. A `dir` gets a new file (`name (1).ext` when the name is taken; nothing is
 * overwritten) and must not be the data dir.
 */
export type DownloadTarget = { dir: string } | { stream: Writable };

/** Download options. */
export interface DownloadOptions {
  /** Images: the thumbnail (`type=slave`) instead of the big picture. */
  slave?: boolean;
  /** Videos/files: byte range (inclusive end) sent as `Range`. */
  range?: { start: number; end?: number };
  /** Override the file name (still sanitised). */
  fileName?: string;
}

/** What `download` wrote. */
export interface DownloadResult {
  /** Absolute path when the target was a directory. */
  readonly path?: string;
  /** Bytes written. */
  readonly bytes: number;
  /** Server Content-Type, when given. */
  readonly contentType?: string;
}

/** The contact store: O(1) lookups by UserName, stable id, room member. */
export interface ContactStore extends ContactDirectory {
  /** Number of contacts (rooms included). */
  readonly size: number;
  /** Every contact (rooms included). */
  all(): IterableIterator<Contact>;
  /** Every room. */
  rooms(): IterableIterator<Room>;
  /** Members of a room (empty when unknown). */
  members(roomUserName: string): ReadonlyMap<string, RoomMember>;
  /** Contacts whose remark, nick name or alias equals `name`. */
  findByName(name: string): Contact[];
}

/** Events and their payloads. */
export interface ClientEvents {
  /** A QR code to scan (also on every refresh). */
  qr: (e: { uuid: string; url: string; pngPath?: string; refresh: number }) => void;
  /** The phone scanned the QR code (or received the push confirm). */
  scanned: (e: { uuid: string; avatar?: string }) => void;
  /** Logged in and initialised. */
  login: (e: { self: Contact; via: LoginVia }) => void;
  /** The session ended (server kick, cookie expiry, logout()). Recovery may follow. */
  logout: (e: { reason: LogoutReason; retcode?: number; endpoint: string }) => void;
  /** The session is usable again after a logout, stuck sync or watchdog trip. */
  recovered: (e: { via: 'reinit' | LoginVia; attempt: number }) => void;
  /** Contacts changed (init, ModContact, DelContact, batchgetcontact). Session UserNames. */
  'contacts-updated': (e: { updated: readonly string[]; removed: readonly string[] }) => void;
  /** Something non-fatal failed; the client carries on. */
  error: (e: { error: Error; context: string }) => void;
  /** An action got 1205 (or waits for its bucket after one); it will be retried after `retryInMs`. */
  'rate-limited': (e: { endpoint: string; actionClass: ActionClass; retryInMs: number; attempt: number }) => void;
  /** Lifecycle state change. */
  state: (e: { from: ClientState; to: ClientState }) => void;
  /** A request to the server finished (for metrics: endpoint, retcode, time; never its URL). */
  request: (e: { endpoint: string; retcode: string; ms: number }) => void;
}

/**
 * One Web WeChat account. Several can run side by side in one process.
 *
 * The Web client's own surface (raw wire messages in, every Web action out).
 * The bot runtime and the plugin host do not use it directly: they talk to a
 * `Transport` (transport/types.ts), and `webTransport(client)` adapts this.
 */
export interface WxClient {
  /** The account name (session key, logger child). */
  readonly account: string;
  /** Current lifecycle state. */
  readonly state: ClientState;
  /** The contact store (valid after `start()` resolves). */
  readonly contacts: ContactStore;
  /** The logged-in account, once known. */
  readonly self: Contact | undefined;
  /** Effective hosts of the current session. */
  readonly hosts: Hosts | undefined;

  /** Logs in (per loginMode), inits, loads contacts, starts the sync loop and replays journals; resolves with self. */
  start(): Promise<Contact>;
  /** Graceful stop: stop polling, drain the outbound queue, wait briefly for handlers, persist the session. */
  stop(): Promise<void>;
  /** Logs out on the server, clears the saved session and stops. */
  logout(): Promise<void>;

  /** Subscribes to an event. */
  on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): this;
  /** Unsubscribes. */
  off<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): this;
  /** Subscribes for one emission. */
  once<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): this;

  /**
   * Sets the consumer of incoming messages; journaled messages are (re)delivered once it is set.
   * `journalOwn`: asked as the account's own messages arrive; when it answers false they are handed over
   * from memory, not journaled (see the transport's `InboundOptions.durableOwnMessages`). Default: all journaled.
   */
  setMessageHandler(handler: MessageHandler, options?: MessageHandlerOptions): void;

  /** Sends text (MsgType 1). */
  sendText(to: string, text: string, opts?: SendCallOptions): Promise<SentMessage>;
  /** Sends an emoticon: a 32-hex md5 of a stored emoticon, or a GIF to upload. */
  sendEmoticon(to: string, emoticon: string | Buffer, opts?: SendCallOptions): Promise<SentMessage>;
  /** Uploads (chunked, MediaId reused by content hash) and sends an image. */
  sendImage(to: string, file: MediaSource, name?: string, opts?: SendCallOptions): Promise<SentMessage>;
  /** Uploads and sends a video. */
  sendVideo(to: string, file: MediaSource, name?: string, opts?: SendCallOptions): Promise<SentMessage>;
  /** Uploads and sends any file as an attachment (appmsg type 6). */
  sendFile(to: string, file: MediaSource, name?: string, opts?: SendCallOptions): Promise<SentMessage>;
  /** Revokes a message this client sent; `RecallWindowPassed` once it is older than 2 minutes. */
  revoke(sent: SentMessage): Promise<void>;
  /** Forwards a received text/image/video/emoticon/file message to `to`. */
  forward(msg: RawMessage, to: string): Promise<SentMessage>;

  /** Sends a friend request (verifyuser Opcode 2). */
  addFriend(userName: string, verifyText: string): Promise<void>;
  /** Accepts a friend request (verifyuser Opcode 3 with its ticket). */
  acceptFriend(request: FriendRequestRef): Promise<void>;

  /** Creates a room; resolves with it once the server answers. */
  createRoom(members: readonly string[], topic?: string): Promise<Room>;
  /**
   * Adds members directly (updatechatroom addmember). A room of InviteStartCount (40) or more members
   * takes invitations only: they are sent instead (or `RoomNeedsInvite`, per `rooms.largeRoomAdd`).
   */
  addMembers(room: string, members: readonly string[]): Promise<void>;
  /** Removes members (updatechatroom delmember). */
  removeMembers(room: string, members: readonly string[]): Promise<void>;
  /** Invites members (updatechatroom invitemember; large rooms need invitations). */
  inviteMembers(room: string, members: readonly string[]): Promise<void>;
  /** Renames a room (updatechatroom modtopic). */
  setTopic(room: string, topic: string): Promise<void>;

  /** Sets a contact's remark (oplog CmdId 2). */
  setRemark(userName: string, remark: string): Promise<void>;
  /** Pins / unpins a chat (oplog CmdId 3). */
  pin(userName: string, on: boolean): Promise<void>;
  /** Marks a chat as read (statusnotify Code 1). */
  markRead(userName: string): Promise<void>;
  /** Downloads a contact's (webwxgeticon) or a room's (webwxgetheadimg) avatar into a directory or a stream. */
  avatar(userName: string, target: DownloadTarget, opts?: Pick<DownloadOptions, 'fileName'>): Promise<DownloadResult>;

  /** Downloads a message's media into a directory (sanitised name) or a stream. */
  download(msg: RawMessage, target: DownloadTarget, opts?: DownloadOptions): Promise<DownloadResult>;
}

/** Signature of `createClient`. */
export type CreateClient = (options: ClientOptions) => WxClient;
