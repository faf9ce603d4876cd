import type { SentMessage } from '../message/sent.js';
import { basename } from 'node:path';

import type { SendCallOptions } from '../client/types.js';
import type { Contact, Room } from '../contact/types.js';
import type { TransportActions, TransportContacts } from '../transport/types.js';
import type { FriendRequestInfo } from '../message/types.js';
import type { ActionKind, ActionRecord, Actions, MediaInput, OutgoingContent, Target } from './types.js';
import { errorMessage } from '../util/error-message.js';
import {
  messageActions,
  moreChatActions,
  moreContactActions,
  moreRoomActions,
  type ActionKit,
  type MoreActionBackend,
} from './actions-more.js';
import type { Permit } from './permissions.js';

/**
 * The transport actions go through, every action present (the host builds it with `guardActions`, so
 * one the transport lacks rejects with `CapabilityMissing`).
 */
export type ActionBackend = Pick<
  Required<TransportActions>,
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
> &
  MoreActionBackend & {
    readonly contacts: TransportContacts;
  };

/**
 * Why a target names nobody it can act on. Programs branch on this (a control plane answers 404 for
 * `unknown-chat` and asks the user to choose for `ambiguous`); the message stays prose for people.
 * - `empty`: the target is an empty string, or a Contact-like value without a userName;
 * - `unknown-chat`: no contact or room has that UserName, stable id or name;
 * - `ambiguous`: several contacts, rooms or room members have that name (never a guess);
 * - `no-members`: a member action was given an empty list.
 */
export type TargetErrorReason = 'empty' | 'unknown-chat' | 'ambiguous' | 'no-members';

/** Thrown when a target names nobody (or several); `reason` says which. */
export class TargetError extends Error {
  override name = 'TargetError';
  constructor(
    /** The stable, machine-readable cause; the message is for humans. */
    readonly reason: TargetErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** What `ActionLog.track` records; the log adds `seq`, `at`, `status` and `error`. */
export type NewActionRecord = Omit<ActionRecord, 'seq' | 'at' | 'status' | 'error'>;

/** How many records an `ActionLog` keeps unless told otherwise. */
export const DEFAULT_ACTION_LOG_LIMIT = 1000;

export interface ActionLogOptions {
  /** Most records kept; older ones are dropped first. Default {@link DEFAULT_ACTION_LOG_LIMIT}. */
  readonly limit?: number;
}

/**
 * The latest things the bot did for plugins, in order. The testing kit asserts
 * on it. Bounded, because a bot runs for months: beyond `limit` the oldest
 * records are dropped. Every record keeps its `seq` (1, 2, 3, ... never reused),
 * so "what happened after X" is asked by seq ({@link since}), which stays right
 * after old records are gone, where an array index would not.
 */
export class ActionLog {
  readonly limit: number;
  /** A ring: the oldest kept record sits at `#head` once the ring is full. */
  readonly #ring: ActionRecord[] = [];
  #head = 0;
  readonly #listeners = new Set<(record: ActionRecord) => void>();
  #seq = 0;

  constructor(options: ActionLogOptions = {}) {
    const limit = options.limit ?? DEFAULT_ACTION_LOG_LIMIT;
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(`ActionLog limit must be a positive integer, got ${String(limit)}`);
    }
    this.limit = limit;
  }

  /** The seq of the newest record (0 before any): the number of actions ever recorded. */
  get lastSeq(): number {
    return this.#seq;
  }

  /** How many records were dropped to stay within `limit`. */
  get dropped(): number {
    return this.#seq - this.#ring.length;
  }

  /** A snapshot of the records kept, oldest first. */
  all(): readonly ActionRecord[] {
    return [...this.#ring.slice(this.#head), ...this.#ring.slice(0, this.#head)];
  }

  /** The kept records with a seq greater than `seq` (pass an earlier `lastSeq`), oldest first. */
  since(seq: number): readonly ActionRecord[] {
    const all = this.all();
    // Seqs are consecutive, so the first wanted record's position follows from the oldest kept seq.
    const oldest = all[0]?.seq ?? this.#seq + 1;
    return all.slice(Math.max(0, Math.floor(seq) - oldest + 1));
  }

  /** Calls `listener` for every new record; returns an unsubscribe function. */
  subscribe(listener: (record: ActionRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Whether `plugin` has an action for message `cause` still waiting (queued,
   * paced, retried after a server refusal). Newest first: such an action is recent.
   */
  pendingFor(plugin: string, cause: string): boolean {
    const ring = this.#ring;
    for (let n = 0; n < ring.length; n++) {
      const r = ring[(this.#head - 1 - n + 2 * ring.length) % ring.length]!;
      if (r.status === 'pending' && r.plugin === plugin && r.cause === cause) return true;
    }
    return false;
  }

  async track<T>(entry: NewActionRecord, perform: () => Promise<T>): Promise<T> {
    const record: ActionRecord = { ...entry, seq: ++this.#seq, at: Date.now(), status: 'pending' };
    if (this.#ring.length < this.limit) {
      this.#ring.push(record);
    } else {
      this.#ring[this.#head] = record;
      this.#head = (this.#head + 1) % this.limit;
    }
    for (const listener of this.#listeners) listener(record);
    try {
      const result = await perform();
      record.status = 'done';
      return result;
    } catch (error) {
      record.status = 'failed';
      record.error = errorMessage(error);
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
      throw new TargetError('empty', `${what} has no userName`);
    }
    return directory.contact(target.userName) ?? target.userName;
  }
  if (target.length === 0) throw new TargetError('empty', `${what} is an empty string`);
  const direct = directory.contact(target) ?? directory.byStableId(target);
  if (direct !== undefined) return direct;
  const byName = namedBy(directory, target);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) {
    throw new TargetError(
      'ambiguous',
      `${what} "${target}" is ambiguous: ${byName.length} contacts or rooms have that name`,
    );
  }
  // Session UserNames of people we have not loaded yet (room members) still work.
  if (target.startsWith('@') || target === 'filehelper') return target;
  throw new TargetError('unknown-chat', `${what} "${target}": no contact or room has that UserName, stable id or name`);
}

/** Contacts whose remark or nick name, and rooms whose topic, is exactly `name`. */
function namedBy(directory: ActionBackend['contacts'], name: string): Contact[] {
  const byName = new Map<string, Contact>();
  for (const c of directory.findByName?.(name) ?? []) byName.set(c.userName, c);
  for (const c of directory.all?.() ?? []) {
    if (c.kind === 'room' && (c as Room).topic === name) byName.set(c.userName, c);
  }
  return [...byName.values()];
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
  /** The plugin's permission check, run before each action reaches the transport (see permissions.ts). */
  readonly permit?: Permit | undefined;
  /** `'bulk'`: sends go in the outbox's bulk lane (`ctx.bulkSend`). */
  readonly lane?: 'bulk' | undefined;
}

/** The part of the log actions write to. */
type Tracker = Pick<ActionLog, 'track'>;

/**
 * The log, with the permission check inside each tracked action: a refused action is recorded as
 * failed with `PermissionDenied`, and its `perform` (the request) never runs.
 */
function permitted(log: ActionLog, permit: Permit | undefined): Tracker {
  if (permit === undefined) return log;
  return {
    track: (entry, perform) =>
      log.track(entry, () => {
        permit(entry.action, entry.target, entry.targetName);
        return perform();
      }),
  };
}

interface Resolved {
  readonly userName: string;
  readonly name: string | undefined;
}

function resolveIn(directory: ActionBackend['contacts'], target: Target, what?: string): Resolved {
  const resolved = resolveTarget(directory, target, what);
  return {
    userName: userNameOf(resolved),
    name: typeof resolved === 'string' ? undefined : displayName(resolved),
  };
}

/** The fields every record starts with, in the order records have always had them. */
function recordBase(action: ActionKind, by: Attribution, target: Resolved) {
  return { action, plugin: by.plugin, cause: by.cause, target: target.userName, targetName: target.name };
}

/** What actions-more.ts needs to attribute and log its actions like these. */
function kitOf(backend: ActionBackend, log: Tracker, by: Attribution): ActionKit {
  return {
    backend,
    resolve: (target, what) => resolveIn(backend.contacts, target, what),
    base: (action, target) => recordBase(action, by, target),
    track: (entry, perform) => log.track(entry, perform),
  };
}

/** Builds the `Actions` a plugin handler uses; every call is attributed and logged. */
export function createActions(backend: ActionBackend, actionLog: ActionLog, by: Attribution): Actions {
  const log = permitted(actionLog, by.permit);
  // Built once per plugin per message that acts: only `send` and `acceptFriend` up front; the rest on first use.
  const directory = backend.contacts;
  let rooms: Actions['rooms'] | undefined;
  let contacts: Actions['contacts'] | undefined;
  let chats: Actions['chats'] | undefined;
  let messages: Actions['messages'] | undefined;
  // The message being handled: after a crash its handler runs again, and the client does not repeat its sends.
  const caused: SendCallOptions = {
    ...(by.cause === undefined ? {} : { cause: by.cause }),
    ...(by.lane === undefined ? {} : { lane: by.lane }),
  };

  const send = async (to: Target, content: OutgoingContent): Promise<SentMessage> => {
    const target = resolveIn(directory, to, 'recipient');
    if (typeof content === 'string' || 'text' in content) {
      const text = typeof content === 'string' ? content : content.text;
      if (text.length === 0) throw new TypeError('send: text is empty');
      return log.track({ ...recordBase('send', by, target), content: { type: 'text', text } }, () =>
        backend.sendText(target.userName, text, caused),
      );
    }
    if ('image' in content) {
      const name = mediaName(content.image, content.name);
      return log.track({ ...recordBase('send', by, target), content: { type: 'image', name } }, () =>
        backend.sendImage(target.userName, content.image, content.name, caused),
      );
    }
    if ('file' in content) {
      const name = mediaName(content.file, content.name);
      return log.track({ ...recordBase('send', by, target), content: { type: 'file', name } }, () =>
        backend.sendFile(target.userName, content.file, content.name, caused),
      );
    }
    if ('video' in content) {
      const name = mediaName(content.video, content.name);
      return log.track({ ...recordBase('send', by, target), content: { type: 'video', name } }, () =>
        backend.sendVideo(target.userName, content.video, content.name, caused),
      );
    }
    const emoticon = content.emoticon;
    return log.track(
      {
        ...recordBase('send', by, target),
        content: { type: 'emoticon', name: typeof emoticon === 'string' ? emoticon : undefined },
      },
      () => backend.sendEmoticon(target.userName, emoticon, caused),
    );
  };

  return {
    send,
    acceptFriend: async (request: FriendRequestInfo) => {
      await log.track(
        recordBase('acceptFriend', by, { userName: request.userName, name: request.nickName || undefined }),
        () => backend.acceptFriend({ userName: request.userName, ticket: request.ticket }),
      );
    },
    get rooms() {
      return (rooms ??= roomActions(backend, log, by));
    },
    get contacts() {
      return (contacts ??= contactActions(backend, log, by));
    },
    get chats() {
      return (chats ??= chatActions(backend, log, by));
    },
    get messages() {
      return (messages ??= messageActions(kitOf(backend, log, by)));
    },
  };
}

function roomActions(backend: ActionBackend, log: Tracker, by: Attribution): Actions['rooms'] {
  const directory = backend.contacts;
  const members = (room: Room | undefined, list: readonly Target[]): string[] =>
    list.map((m) => {
      if (typeof m === 'string' && room !== undefined && !room.members.has(m)) {
        const named = [...room.members.values()].filter((x) => x.displayName === m || x.nickName === m);
        // Never a guess: removing "Bob" must not remove whichever Bob comes first.
        if (named.length > 1)
          throw new TargetError('ambiguous', `member "${m}" is ambiguous: ${named.length} members have that name`);
        if (named[0] !== undefined) return named[0].userName;
      }
      return userNameOf(resolveTarget(directory, m, 'member'));
    });
  const roomOf = (target: Target): Resolved & { room: Room | undefined } => {
    const resolved = resolveIn(directory, target, 'room');
    const room = directory.room(resolved.userName);
    return { ...resolved, room };
  };
  const memberAction =
    (action: 'addMembers' | 'removeMembers' | 'inviteMembers') =>
    async (room: Target, list: readonly Target[]): Promise<void> => {
      const r = roomOf(room);
      const userNames = members(r.room, list);
      if (userNames.length === 0) throw new TargetError('no-members', `${action}: no members given`);
      await log.track({ ...recordBase(action, by, r), members: userNames }, () =>
        backend[action](r.userName, userNames),
      );
    };
  return {
    get: (room) => {
      try {
        return directory.room(resolveIn(directory, room, 'room').userName);
      } catch {
        return undefined;
      }
    },
    add: memberAction('addMembers'),
    remove: memberAction('removeMembers'),
    invite: memberAction('inviteMembers'),
    setTopic: async (room, topic) => {
      const r = roomOf(room);
      await log.track({ ...recordBase('setTopic', by, r), topic }, () => backend.setTopic(r.userName, topic));
    },
    ...moreRoomActions(kitOf(backend, log, by)),
  };
}

function contactActions(backend: ActionBackend, log: Tracker, by: Attribution): Actions['contacts'] {
  const directory = backend.contacts;
  return {
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
    find: (target) => {
      if (typeof target !== 'string') {
        const known = typeof target.userName === 'string' ? directory.contact(target.userName) : undefined;
        return known === undefined ? [] : [known];
      }
      if (target.length === 0) return [];
      const direct = directory.contact(target) ?? directory.byStableId(target);
      return direct === undefined ? namedBy(directory, target) : [direct];
    },
    setRemark: async (contact, remark) => {
      const target = resolveIn(directory, contact, 'contact');
      await log.track({ ...recordBase('setRemark', by, target), remark }, () =>
        backend.setRemark(target.userName, remark),
      );
    },
    ...moreContactActions(kitOf(backend, log, by)),
  };
}

function chatActions(backend: ActionBackend, log: Tracker, by: Attribution): Actions['chats'] {
  const directory = backend.contacts;
  return {
    pin: async (chat) => {
      const target = resolveIn(directory, chat, 'chat');
      await log.track(recordBase('pin', by, target), () => backend.pin(target.userName, true));
    },
    unpin: async (chat) => {
      const target = resolveIn(directory, chat, 'chat');
      await log.track(recordBase('unpin', by, target), () => backend.pin(target.userName, false));
    },
    ...moreChatActions(kitOf(backend, log, by)),
  };
}
