/**
 * The plugin actions beyond sending and the first room / contact / chat
 * operations: media downloads and avatars, revoke, forward, creating rooms,
 * friend requests and marking chats read. Each is attributed and logged like
 * the others; actions.ts hands this file what it needs (a kit), so the two
 * never import each other.
 */

import type { DownloadOptions, DownloadTarget } from '../client/types.js';
import type { TransportActions } from '../transport/types.js';
import type { ChatMessage } from '../message/types.js';
import type {
  ActionKind,
  ActionRecord,
  ChatActions,
  ContactActions,
  MessageActions,
  RoomActions,
  Target,
} from './types.js';

/** The client calls these actions make (the real `WxClient` has them). */
export type MoreActionBackend = Pick<
  Required<TransportActions>,
  'download' | 'avatar' | 'revoke' | 'forward' | 'createRoom' | 'addFriend' | 'markRead'
>;

/** A target resolved to a session UserName, with its display name when known. */
export interface ResolvedTarget {
  readonly userName: string;
  readonly name: string | undefined;
}

type NewRecord = Omit<ActionRecord, 'seq' | 'at' | 'status' | 'error'>;

/** What actions.ts lends: target resolution, the record's common fields, and the log. */
export interface ActionKit {
  readonly backend: MoreActionBackend;
  resolve(target: Target, what: string): ResolvedTarget;
  base(action: ActionKind, target: ResolvedTarget): NewRecord;
  track<T>(entry: NewRecord, perform: () => Promise<T>): Promise<T>;
}

/** The chat a message belongs to, as a record target. */
function chatOf(message: ChatMessage): ResolvedTarget {
  return { userName: message.chat.userName, name: message.chat.name || undefined };
}

function checkMessage(message: ChatMessage, what: string): void {
  if (typeof message !== 'object' || message === null || typeof message.raw !== 'object' || message.raw === null) {
    throw new TypeError(
      `${what}: expected a message a handler received (ctx.message), got ${message === null ? 'null' : typeof message}`,
    );
  }
}

export function messageActions(kit: ActionKit): MessageActions {
  return {
    download: async (message, to: DownloadTarget, opts?: DownloadOptions) => {
      checkMessage(message, 'messages.download');
      return kit.track({ ...kit.base('download', chatOf(message)), messageId: message.id }, () =>
        kit.backend.download(message, to, opts),
      );
    },
    revoke: async (sent) => {
      if (typeof sent !== 'object' || sent === null || typeof sent.msgId !== 'string') {
        throw new TypeError('messages.revoke: expected what send() resolved with (a SentMessage)');
      }
      const target = kit.resolve(sent.toUserName, 'chat');
      return kit.track({ ...kit.base('revoke', target), messageId: sent.msgId }, () => kit.backend.revoke(sent));
    },
    forward: async (message, to) => {
      checkMessage(message, 'messages.forward');
      const target = kit.resolve(to, 'recipient');
      return kit.track({ ...kit.base('forward', target), messageId: message.id }, () =>
        kit.backend.forward(message, target.userName),
      );
    },
  };
}

export function moreRoomActions(kit: ActionKit): Pick<RoomActions, 'create'> {
  return {
    create: async (members, topic = '') => {
      const userNames = members.map((m) => kit.resolve(m, 'member').userName);
      if (userNames.length < 2) {
        throw new TypeError(`rooms.create: a room needs at least 2 other members, got ${userNames.length}`);
      }
      return kit.track(
        { ...kit.base('createRoom', { userName: '', name: topic || undefined }), members: userNames, topic },
        () => kit.backend.createRoom(userNames, topic),
      );
    },
  };
}

export function moreContactActions(kit: ActionKit): Pick<ContactActions, 'addFriend' | 'avatar'> {
  return {
    addFriend: async (contact, verifyText) => {
      if (typeof verifyText !== 'string') throw new TypeError('contacts.addFriend: verifyText must be a string');
      const target = kit.resolve(contact, 'contact');
      await kit.track({ ...kit.base('addFriend', target), verifyText }, () =>
        kit.backend.addFriend(target.userName, verifyText),
      );
    },
    avatar: async (contact, to, opts) => {
      const target = kit.resolve(contact, 'contact');
      return kit.track(kit.base('avatar', target), () => kit.backend.avatar(target.userName, to, opts));
    },
  };
}

export function moreChatActions(kit: ActionKit): Pick<ChatActions, 'markRead'> {
  return {
    markRead: async (chat) => {
      const target = kit.resolve(chat, 'chat');
      await kit.track(kit.base('markRead', target), () => kit.backend.markRead(target.userName));
    },
  };
}
