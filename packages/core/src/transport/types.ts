/*
 * The transport seam: how the bot runtime (bot/) and the plugin host (plugin/) reach an account,
 * whatever protocol carries it — Web WeChat today (`webTransport`), WeChat's official iLink bot API
 * next (`@wxbot/transport-ilink`), a fake in memory in tests.
 *
 * Layering (imports only ever point down this list):
 *
 *   cli → bot → config → plugin → transport → client → message → contact / session → wire
 *
 * transport/ sits below plugin/ and bot/ (they only see this interface) and above client/ (the Web
 * transport adapts the Web client; these types borrow the client's wire-neutral value shapes such as
 * `SendCallOptions` until those move down; `SentMessage` already lives in message/). Nothing in client/ imports transport/, so the Web client stays a
 * plain library and a second transport never depends on it.
 *
 * One small interface per seam (discord.js style): `TransportLifecycle` (log in, log out, stop),
 * `TransportInbound` (normalised messages in, lifecycle events), `TransportActions` (what goes out), and
 * `TransportCapabilities` (what this transport can do at all). `Transport` is their sum.
 *
 * Stability: other packages implement this. Change it additively only: new members optional, new
 * capability flags optional (`hasCapability` reads an unset flag as absent).
 */
import type { SentMessage } from '../message/sent.js';
import type {
  DownloadOptions,
  DownloadResult,
  DownloadTarget,
  FriendRequestRef,
  LoginVia,
  LogoutReason,
  MediaSource,
  SendCallOptions,
} from '../client/types.js';
import type { Contact, ContactDirectory, Room } from '../contact/types.js';
import type { Message, NormalizedEvent } from '../message/types.js';

// ---- Capabilities -----------------------------------------------------------------------------

/** Media kinds a transport can send. Receiving any kind is always allowed: it arrives as a `Message`. */
export interface MediaCapabilities {
  readonly image: boolean;
  readonly voice: boolean;
  readonly video: boolean;
  readonly file: boolean;
  readonly emoticon: boolean;
}

/**
 * What a transport can do at all, known before login (so a plugin needing what is missing is refused
 * before anyone scans a QR code). Plugins read it as `ctx.capabilities` to adapt; plugins that cannot
 * adapt declare `requires` and are refused at load instead of failing at the first message.
 */
export interface TransportCapabilities {
  /** One-to-one chats with people (messages in and out). */
  readonly directChats: boolean;
  /** Group chats: room messages arrive, and sends to a room work. */
  readonly rooms: boolean;
  /** Friend requests arrive as `friend-request` events and `acceptFriend` works. */
  readonly friendRequests: boolean;
  /** Sending friend requests (`addFriend`). */
  readonly addFriends: boolean;
  /** Changing rooms: create, add / remove / invite members, rename. */
  readonly roomAdmin: boolean;
  /** Which media kinds can be sent. */
  readonly media: MediaCapabilities;
  /** Revoking own messages, and within how long of sending; `false`: never. */
  readonly recall: { readonly windowMs: number } | false;
  /**
   * Sends to a person are accepted only this long after their last message to the bot (iLink's
   * conversation window); `undefined`: no window, the bot may write first.
   */
  readonly replyWindowMs: number | undefined;
  /** Received media can be fetched (`download`). */
  readonly download: boolean;
  /** Received messages can be forwarded (`forward`). */
  readonly forward: boolean;
  /** Chats can be marked read (`markRead`). */
  readonly markRead: boolean;
  /** Chats can be pinned (`pin`). */
  readonly pin: boolean;
  /** Contacts can be given a remark (`setRemark`). */
  readonly remark: boolean;
  /** The contact list can be listed and searched by name (`contacts.all`, `contacts.findByName`). */
  readonly contacts: boolean;
  /** Contact and room avatars can be fetched (`avatar`). Added later, so optional: unset means no. */
  readonly avatars?: boolean;
  /**
   * What the protocol cannot do that a plugin author might assume it can (a mention that notifies,
   * quoting, red packets, transfers, calls): read it with `limitsOf(ctx.capabilities)`, which answers
   * `false` for every flag of a transport that sets none. Added later, so optional.
   */
  readonly limits?: ProtocolLimits;
}

/**
 * The protocol's honest limits, as values a plugin can branch on (each `false` where the transport
 * cannot). Not capabilities a plugin can `require`: no transport wxbot has offers any of them, and a
 * plugin is better off degrading (write the name, tell someone to open the red packet) than refusing.
 * Sending voice is `media.voice`.
 */
export interface ProtocolLimits {
  /**
   * An `@Name` the bot writes notifies that person. Web WeChat has no mention field in its send call,
   * so the text is only text: it looks like a mention and notifies nobody (see `textMention`).
   */
  readonly mentionsNotify: boolean;
  /** The bot can send a reply that quotes an earlier message (quotes are received as `quote` messages). */
  readonly quote: boolean;
  /** Red packets can be opened (`red-packet` messages carry `actionable: false` where not). */
  readonly openRedPacket: boolean;
  /** Transfers can be accepted or refunded (`transfer` messages carry `actionable: false` where not). */
  readonly acceptTransfer: boolean;
  /** Voice and video calls can be placed, answered or declined (`voip` messages: `actionable: false`). */
  readonly calls: boolean;
}

/**
 * A capability a plugin can require: a boolean flag of {@link TransportCapabilities}, a media kind as
 * `media.<kind>`, or `recall` (any recall window). `replyWindowMs` and `limits` are limits, not capabilities.
 */
export type CapabilityName =
  | Exclude<keyof TransportCapabilities, 'media' | 'recall' | 'replyWindowMs' | 'limits'>
  | `media.${keyof MediaCapabilities}`
  | 'recall';

// ---- Inbound ----------------------------------------------------------------------------------

/**
 * One incoming message, already normalised by the transport (each transport reads its own wire; the
 * runtime and plugins only ever see `Message`s).
 */
export interface InboundMessage {
  /** The message. `status-notify` (internal) is handed over too; the runtime never dispatches it. */
  readonly message: Message;
  /** Typed events the message implies (a room join notice → `room-join`), in order; often empty. */
  readonly events: readonly NormalizedEvent[];
  /** True when this process sent it (its echo); the owner's own phone messages are false. */
  readonly sentByBot: boolean;
  /** Epoch ms when the transport first received it (kept across re-delivery after a crash). */
  readonly receivedAt: number;
}

/**
 * Consumes incoming messages. The transport's poll loop never awaits it; a message stays journaled until
 * the promise settles (resolve or reject = handled), so a crash mid-handling re-delivers it on restart
 * and dedupe by message id prevents doubles. Per-chat order is the runtime's job, not the transport's.
 */
export type InboundHandler = (inbound: InboundMessage) => Promise<void>;

/** What the runtime tells a transport along with its handler (`setHandler`). */
export interface InboundOptions {
  /**
   * Asked as the account's own messages arrive (`sentByBot`, the echoes of the bot's sends): whether
   * anything consumes them durably (a plugin with `receiveOwnMessages`, a message sink such as webhooks).
   * When it answers false, a transport may hand them over without journaling them first: a crash before
   * they are handled then loses them, which nothing would miss. Without it, every message is journaled.
   */
  readonly durableOwnMessages?: () => boolean;
}

/** Lifecycle states; `state` events report every transition. Transports use the subset that applies. */
export type TransportState =
  'idle' | 'logging-in' | 'initializing' | 'syncing' | 'recovering' | 'stopping' | 'stopped' | 'logged-out';

/**
 * Lifecycle events. Payloads are the least every transport can say; a transport may add fields (the
 * Web client's `qr` also carries the uuid), so listeners typed against these keep working.
 */
export interface TransportEvents {
  /** A QR code to scan (also on every refresh). `url` encodes the login ticket: show it, never log it. */
  qr: (e: { url: string; pngPath?: string; refresh: number }) => void;
  /** The phone scanned the QR code; the login waits for the confirm. */
  scanned: (e: object) => void;
  /** Logged in (or resumed a saved session, `via: 'hot'`). */
  login: (e: { self: Contact; via: LoginVia }) => void;
  /**
   * The session ended; recovery may follow (see `state`). `retcode` and `endpoint`: the server's code and
   * the call that saw it, when the transport has them (ban-risk signals read them).
   */
  logout: (e: { reason: LogoutReason; retcode?: number; endpoint?: string }) => void;
  /** Lifecycle state change. */
  state: (e: { from: TransportState; to: TransportState }) => void;
  /** Contacts changed (session UserNames); transports without a contact list never emit it. */
  'contacts-updated': (e: { updated: readonly string[]; removed: readonly string[] }) => void;
  /** Something non-fatal failed; the transport carries on. */
  error: (e: { error: Error; context: string }) => void;
  /** The server refused an action for its rate; it is retried after `retryInMs` (storms of these are a ban risk). */
  'rate-limited': (e: { endpoint: string; retryInMs: number; attempt: number }) => void;
}

/** Events in: the message handler and lifecycle events. */
export interface TransportInbound {
  /** Sets the consumer of incoming messages; journaled messages are (re)delivered once it is set. */
  setHandler(handler: InboundHandler, options?: InboundOptions): void;
  /** Subscribes to a lifecycle event. */
  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this;
  /** Unsubscribes. */
  off<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this;
}

// ---- Lifecycle --------------------------------------------------------------------------------

/** Log in, stop, log out. */
export interface TransportLifecycle {
  /** Logs in (saved session first, else QR), starts receiving; resolves with the account. */
  start(): Promise<Contact>;
  /** Graceful stop: stop receiving, drain what is queued to send, persist the session. Keeps the login. */
  stop(): Promise<void>;
  /** Logs out on the server, forgets the saved session and stops. */
  logout(): Promise<void>;
}

// ---- Actions out ------------------------------------------------------------------------------

/**
 * Lookups actions resolve targets with (`'Family'` → a room's id). `findByName` and `all` are optional:
 * a transport without a contact list (capability `contacts: false`) leaves them out and targets must be
 * ids.
 */
export interface TransportContacts extends ContactDirectory {
  /** Contacts whose remark, nick name or alias equals `name`. */
  findByName?(name: string): Contact[];
  /** Every contact (rooms included). */
  all?(): IterableIterator<Contact>;
}

/**
 * Actions out. Recipients are the transport's chat ids (Web: session UserNames), already resolved by
 * the plugin layer. Only `sendText` is required; every other action is present exactly when its
 * capability is (the runtime turns a call to an absent one into a `CapabilityMissing` rejection, so
 * plugins never see `undefined is not a function`). Sends take `SendCallOptions` so a re-run handler
 * after a crash does not send twice.
 */
export interface TransportActions {
  /** Sends text. Always present: every transport can at least answer. */
  sendText(to: string, text: string, opts?: SendCallOptions): Promise<SentMessage>;
  /** Sends an image (`media.image`). */
  sendImage?(to: string, file: MediaSource, name?: string, opts?: SendCallOptions): Promise<SentMessage>;
  /** Sends a video (`media.video`). */
  sendVideo?(to: string, file: MediaSource, name?: string, opts?: SendCallOptions): Promise<SentMessage>;
  /** Sends a file attachment (`media.file`). */
  sendFile?(to: string, file: MediaSource, name?: string, opts?: SendCallOptions): Promise<SentMessage>;
  /** Sends a voice message (`media.voice`). */
  sendVoice?(to: string, file: MediaSource, name?: string, opts?: SendCallOptions): Promise<SentMessage>;
  /** Sends an emoticon: a transport-specific id (Web: 32-hex md5) or GIF bytes (`media.emoticon`). */
  sendEmoticon?(to: string, emoticon: string | Buffer, opts?: SendCallOptions): Promise<SentMessage>;
  /** Revokes a message this transport sent (`recall`); rejects past the window. */
  revoke?(sent: SentMessage): Promise<void>;
  /** Forwards a received message (`forward`). */
  forward?(message: Message, to: string): Promise<SentMessage>;
  /** Fetches a received message's media (`download`). */
  download?(message: Message, target: DownloadTarget, opts?: DownloadOptions): Promise<DownloadResult>;
  /** Fetches a contact's or a room's avatar (`avatars`). */
  avatar?(userName: string, target: DownloadTarget, opts?: Pick<DownloadOptions, 'fileName'>): Promise<DownloadResult>;

  /** Accepts a friend request from a `friend-request` event (`friendRequests`). */
  acceptFriend?(request: FriendRequestRef): Promise<void>;
  /** Sends a friend request (`addFriends`). */
  addFriend?(userName: string, verifyText: string): Promise<void>;

  /** Creates a room (`roomAdmin`). */
  createRoom?(members: readonly string[], topic?: string): Promise<Room>;
  /** Adds members directly (`roomAdmin`). */
  addMembers?(room: string, members: readonly string[]): Promise<void>;
  /** Removes members (`roomAdmin`). */
  removeMembers?(room: string, members: readonly string[]): Promise<void>;
  /** Invites members (`roomAdmin`; large rooms need invitations). */
  inviteMembers?(room: string, members: readonly string[]): Promise<void>;
  /** Renames a room (`roomAdmin`). */
  setTopic?(room: string, topic: string): Promise<void>;

  /** Sets a contact's remark (`remark`). */
  setRemark?(userName: string, remark: string): Promise<void>;
  /** Pins / unpins a chat (`pin`). */
  pin?(userName: string, on: boolean): Promise<void>;
  /** Marks a chat as read (`markRead`). */
  markRead?(userName: string): Promise<void>;
}

/** The names of the actions; `ACTION_CAPABILITY` maps each to the capability it needs. */
export type TransportActionName = keyof TransportActions;

// ---- The transport ----------------------------------------------------------------------------

/**
 * One account on one protocol. The bot runtime and the plugin host talk only to this; the Web WeChat
 * client is adapted by `webTransport(client)`.
 */
export interface Transport extends TransportLifecycle, TransportInbound, TransportActions {
  /**
   * Which protocol, as config spells it (`'web'`, `'ilink'`); named in errors such as "the ilink
   * transport has no rooms".
   */
  readonly name: string;
  /** Account name (session key, logger child, `account` in logs). */
  readonly account: string;
  /** The logged-in account, once known (after `start()` resolves). */
  readonly self: Contact | undefined;
  /** Current lifecycle state. */
  readonly state: TransportState;
  /** What this transport can do; constant for its lifetime and known before `start()`. */
  readonly capabilities: TransportCapabilities;
  /** Lookups for resolving targets (valid after `start()` resolves). */
  readonly contacts: TransportContacts;
}
