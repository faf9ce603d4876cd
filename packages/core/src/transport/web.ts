import type { SentMessage } from '../message/sent.js';
import type {
  DownloadOptions,
  DownloadResult,
  DownloadTarget,
  FriendRequestRef,
  MediaSource,
  SendCallOptions,
  WxClient,
} from '../client/types.js';
import type { Contact, Room } from '../contact/types.js';
import { normalizeMessage } from '../message/normalize.js';
import { RecentMessageCache } from '../message/recent-cache.js';
import type { Message } from '../message/types.js';
import type {
  InboundHandler,
  InboundOptions,
  Transport,
  TransportCapabilities,
  TransportContacts,
  TransportEvents,
  TransportState,
} from './types.js';
import { WEB_LIMITS } from './limits.js';

/**
 * What Web WeChat can do: everything but sending voice; own messages can be revoked for 2 minutes.
 */
export const WEB_CAPABILITIES: TransportCapabilities = Object.freeze({
  directChats: true,
  rooms: true,
  friendRequests: true,
  addFriends: true,
  roomAdmin: true,
  media: Object.freeze({ image: true, voice: false, video: true, file: true, emoticon: true }),
  recall: Object.freeze({ windowMs: 120_000 }),
  replyWindowMs: undefined,
  download: true,
  forward: true,
  markRead: true,
  pin: true,
  remark: true,
  contacts: true,
  avatars: true,
  limits: WEB_LIMITS,
});

/**
 * Web WeChat as a {@link Transport}: a thin adapter over the client. Its one job besides delegating is
 * reading the wire — raw `AddMsgList` entries become `Message`s here (with the recall cache), so the
 * runtime never sees a Web WeChat message.
 */
export class WebTransport implements Transport {
  readonly name = 'web';
  readonly capabilities = WEB_CAPABILITIES;
  /** The Web client underneath, for what only it has (hosts, its own events, tests). */
  readonly client: WxClient;
  /** Recent messages, so a recall can name what it recalled. */
  readonly #recent = new RecentMessageCache();

  constructor(client: WxClient) {
    this.client = client;
  }

  get account(): string {
    return this.client.account;
  }

  get self(): Contact | undefined {
    return this.client.self;
  }

  get state(): TransportState {
    return this.client.state;
  }

  get contacts(): TransportContacts {
    return this.client.contacts;
  }

  start(): Promise<Contact> {
    return this.client.start();
  }

  stop(): Promise<void> {
    return this.client.stop();
  }

  logout(): Promise<void> {
    return this.client.logout();
  }

  setHandler(handler: InboundHandler, options?: InboundOptions): void {
    const own = options?.durableOwnMessages;
    this.client.setMessageHandler(
      (incoming) => {
        // Inside the handler: a message that fails to normalise rejects, which the inbox counts as handled.
        const { message, events } = normalizeMessage(incoming.raw, {
          directory: this.client.contacts,
          recent: this.#recent,
        });
        return handler({ message, events, sentByBot: incoming.sentByBot, receivedAt: incoming.receivedAt });
      },
      own ? { journalOwn: own } : {},
    );
  }

  // The client's payloads carry every field the transport events name (and more), so its listeners fit.
  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this {
    this.client.on(event, listener as never);
    return this;
  }

  off<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this {
    this.client.off(event, listener as never);
    return this;
  }

  sendText(to: string, text: string, opts?: SendCallOptions): Promise<SentMessage> {
    return this.client.sendText(to, text, opts);
  }

  sendImage(to: string, file: MediaSource, name?: string, opts?: SendCallOptions): Promise<SentMessage> {
    return this.client.sendImage(to, file, name, opts);
  }

  sendVideo(to: string, file: MediaSource, name?: string, opts?: SendCallOptions): Promise<SentMessage> {
    return this.client.sendVideo(to, file, name, opts);
  }

  sendFile(to: string, file: MediaSource, name?: string, opts?: SendCallOptions): Promise<SentMessage> {
    return this.client.sendFile(to, file, name, opts);
  }

  sendEmoticon(to: string, emoticon: string | Buffer, opts?: SendCallOptions): Promise<SentMessage> {
    return this.client.sendEmoticon(to, emoticon, opts);
  }

  revoke(sent: SentMessage): Promise<void> {
    return this.client.revoke(sent);
  }

  forward(message: Message, to: string): Promise<SentMessage> {
    return this.client.forward(message.raw, to);
  }

  download(message: Message, target: DownloadTarget, opts?: DownloadOptions): Promise<DownloadResult> {
    return this.client.download(message.raw, target, opts);
  }

  acceptFriend(request: FriendRequestRef): Promise<void> {
    return this.client.acceptFriend(request);
  }

  addFriend(userName: string, verifyText: string): Promise<void> {
    return this.client.addFriend(userName, verifyText);
  }

  createRoom(members: readonly string[], topic?: string): Promise<Room> {
    return this.client.createRoom(members, topic);
  }

  addMembers(room: string, members: readonly string[]): Promise<void> {
    return this.client.addMembers(room, members);
  }

  removeMembers(room: string, members: readonly string[]): Promise<void> {
    return this.client.removeMembers(room, members);
  }

  inviteMembers(room: string, members: readonly string[]): Promise<void> {
    return this.client.inviteMembers(room, members);
  }

  setTopic(room: string, topic: string): Promise<void> {
    return this.client.setTopic(room, topic);
  }

  setRemark(userName: string, remark: string): Promise<void> {
    return this.client.setRemark(userName, remark);
  }

  pin(userName: string, on: boolean): Promise<void> {
    return this.client.pin(userName, on);
  }

  markRead(userName: string): Promise<void> {
    return this.client.markRead(userName);
  }

  avatar(userName: string, target: DownloadTarget, opts?: Pick<DownloadOptions, 'fileName'>): Promise<DownloadResult> {
    return this.client.avatar(userName, target, opts);
  }
}

/** Adapts a Web WeChat client (`createClient(...)`) to the transport seam. */
export function webTransport(client: WxClient): WebTransport {
  return new WebTransport(client);
}
