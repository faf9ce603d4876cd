import { basename } from 'node:path';

import type { ContactStore, SentMessage, WxClient } from '../client/types.js';
import type { Contact, ContactDirectory, Room } from '../contact/types.js';
import type { FriendRequestInfo } from '../message/types.js';
import type { ActionKind, ActionRecord, Actions, MediaInput, OutgoingContent, Target } from './types.js';

/** The part of the client actions go through (the real `WxClient` satisfies it). */
export type ActionBackend = Pick<
  WxClient,
  | 'sendText'
  | 'sendImage'
  | 'sendFile'
  | 'sendVideo'
  | 'sendEmoticon'
  | 'acceptFriend'
  | 'addMembers'
  | 'removeMembers'
  | 'inviteMembers'
  | 'setTopic'
  | 'setRemark'
  | 'pin'
> & {
  readonly contacts: ContactDirectory & Partial<Pick<ContactStore, 'findByName' | 'all'>>;
};

/** Thrown when a target names nobody (or several). */
export class TargetError extends Error {
  override name = 'TargetError';
}

type NewRecord = Omit<ActionRecord, 'seq' | 'at' | 'status' | 'error'>;

/** Everything the bot did for plugins, in order. The testing kit asserts on it. */
export class ActionLog {
  readonly #records: ActionRecord[] = [];
  readonly #listeners = new Set<(record: ActionRecord) => void>();
  #seq = 0;

  /** A snapshot of the records so far. */
  all(): readonly ActionRecord[] {
    return [...this.#records];
  }

  /** Calls `listener` for every new record; returns an unsubscribe function. */
  subscribe(listener: (record: ActionRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async track<T>(entry: NewRecord, perform: () => Promise<T>): Promise<T> {
    const record: ActionRecord = { ...entry, seq: ++this.#seq, at: Date.now(), status: 'pending' };
    this.#records.push(record);
    for (const listener of this.#listeners) listener(record);
    try {
      const result = await perform();
      record.status = 'done';
      return result;
    } catch (error) {
      record.status = 'failed';
      record.error = error instanceof Error ? error.message : String(error);
      throw error;
    }
  }
}

function displayName(contact: Contact | undefined): string | undefined {
  if (contact === undefined) return undefined;
  if (contact.kind === 'room') return (contact as Room).topic || contact.nickName || undefined;
  return contact.remarkName || contact.nickName || undefined;
}

/** Resolves a Target to a session UserName: UserName, stable id, then a unique exact name. */
export function resolveTarget(directory: ActionBackend['contacts'], target: Target, what = 'target'): Contact | string {
  if (typeof target !== 'string') {
    if (typeof target.userName !== 'string' || target.userName.length === 0) {
      throw new TargetError(`${what} has no userName`);
    }
    return directory.contact(target.userName) ?? target.userName;
  }
  if (target.length === 0) throw new TargetError(`${what} is an empty string`);
  const direct = directory.contact(target) ?? directory.byStableId(target);
  if (direct !== undefined) return direct;
  const byName = new Map<string, Contact>();
  for (const c of directory.findByName?.(target) ?? []) byName.set(c.userName, c);
  for (const c of directory.all?.() ?? []) {
    if (c.kind === 'room' && (c as Room).topic === target) byName.set(c.userName, c);
  }
  if (byName.size === 1) return [...byName.values()][0]!;
  if (byName.size > 1) {
    throw new TargetError(`${what} "${target}" is ambiguous: ${byName.size} contacts or rooms have that name`);
  }
  // Session UserNames of people we have not loaded yet (room members) still work.
  if (target.startsWith('@') || target === 'filehelper') return target;
  throw new TargetError(`${what} "${target}": no contact or room has that UserName, stable id or name`);
}

function userNameOf(resolved: Contact | string): string {
  return typeof resolved === 'string' ? resolved : resolved.userName;
}

function mediaName(input: MediaInput, name: string | undefined): string | undefined {
  return name ?? (typeof input === 'string' ? basename(input) : undefined);
}

/** Who is acting: recorded with each action. */
export interface Attribution {
  readonly plugin: string | undefined;
  readonly cause: string | undefined;
}

/** Builds the `Actions` a plugin handler uses; every call is attributed and logged. */
export function createActions(backend: ActionBackend, log: ActionLog, by: Attribution): Actions {
  const directory = backend.contacts;
  const resolve = (target: Target, what?: string): { userName: string; name: string | undefined } => {
    const resolved = resolveTarget(directory, target, what);
    return {
      userName: userNameOf(resolved),
      name: typeof resolved === 'string' ? undefined : displayName(resolved),
    };
  };
  const base = (action: ActionKind, target: { userName: string; name: string | undefined }) => ({
    action,
    plugin: by.plugin,
    cause: by.cause,
    target: target.userName,
    targetName: target.name,
  });
  const members = (room: Room | undefined, list: readonly Target[]): string[] =>
    list.map((m) => {
      if (typeof m === 'string' && room !== undefined) {
        const member = [...room.members.values()].find((x) => x.displayName === m || x.nickName === m);
        if (member !== undefined) return member.userName;
      }
      return userNameOf(resolveTarget(directory, m, 'member'));
    });
  const roomOf = (target: Target): { userName: string; name: string | undefined; room: Room | undefined } => {
    const resolved = resolve(target, 'room');
    const room = directory.room(resolved.userName);
    return { ...resolved, room };
  };
  const memberAction =
    (action: 'addMembers' | 'removeMembers' | 'inviteMembers') =>
    async (room: Target, list: readonly Target[]): Promise<void> => {
      const r = roomOf(room);
      const userNames = members(r.room, list);
      if (userNames.length === 0) throw new TargetError(`${action}: no members given`);
      await log.track({ ...base(action, r), members: userNames }, () => backend[action](r.userName, userNames));
    };

  const send = async (to: Target, content: OutgoingContent): Promise<SentMessage> => {
    const target = resolve(to, 'recipient');
    if (typeof content === 'string' || 'text' in content) {
      const text = typeof content === 'string' ? content : content.text;
      if (text.length === 0) throw new TypeError('send: text is empty');
      return log.track({ ...base('send', target), content: { type: 'text', text } }, () =>
        backend.sendText(target.userName, text),
      );
    }
    if ('image' in content) {
      const name = mediaName(content.image, content.name);
      return log.track({ ...base('send', target), content: { type: 'image', name } }, () =>
        backend.sendImage(target.userName, content.image, content.name),
      );
    }
    if ('file' in content) {
      const name = mediaName(content.file, content.name);
      return log.track({ ...base('send', target), content: { type: 'file', name } }, () =>
        backend.sendFile(target.userName, content.file, content.name),
      );
    }
    if ('video' in content) {
      const name = mediaName(content.video, content.name);
      return log.track({ ...base('send', target), content: { type: 'video', name } }, () =>
        backend.sendVideo(target.userName, content.video, content.name),
      );
    }
    const emoticon = content.emoticon;
    return log.track(
      {
        ...base('send', target),
        content: { type: 'emoticon', name: typeof emoticon === 'string' ? emoticon : undefined },
      },
      () => backend.sendEmoticon(target.userName, emoticon),
    );
  };

  return {
    send,
    acceptFriend: async (request: FriendRequestInfo) => {
      await log.track(base('acceptFriend', { userName: request.userName, name: request.nickName || undefined }), () =>
        backend.acceptFriend({ userName: request.userName, ticket: request.ticket }),
      );
    },
    rooms: {
      get: (room) => {
        try {
          return directory.room(resolve(room, 'room').userName);
        } catch {
          return undefined;
        }
      },
      add: memberAction('addMembers'),
      remove: memberAction('removeMembers'),
      invite: memberAction('inviteMembers'),
      setTopic: async (room, topic) => {
        const r = roomOf(room);
        await log.track({ ...base('setTopic', r), topic }, () => backend.setTopic(r.userName, topic));
      },
    },
    contacts: {
      get self() {
        return directory.self;
      },
      get: (target) => {
        try {
          const resolved = resolveTarget(directory, target);
          return typeof resolved === 'string' ? directory.contact(resolved) : resolved;
        } catch {
          return undefined;
        }
      },
      setRemark: async (contact, remark) => {
        const target = resolve(contact, 'contact');
        await log.track({ ...base('setRemark', target), remark }, () => backend.setRemark(target.userName, remark));
      },
    },
    chats: {
      pin: async (chat) => {
        const target = resolve(chat, 'chat');
        await log.track(base('pin', target), () => backend.pin(target.userName, true));
      },
      unpin: async (chat) => {
        const target = resolve(chat, 'chat');
        await log.track(base('unpin', target), () => backend.pin(target.userName, false));
      },
    },
  };
}
