import { pino } from 'pino';

import type { SentMessage } from '../../src/message/sent.js';
import type { Contact, ContactDirectory, Room, RoomMember } from '../../src/contact/types.js';
import type { ChatMessage, ChatRef, NormalizedEvent, SenderRef, TextMessage } from '../../src/message/types.js';
import { ActionLog, type ActionBackend } from '../../src/plugin/actions.js';
import { PluginHost, type HostTransport, type IsolationOptions } from '../../src/plugin/host.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { WEB_CAPABILITIES } from '../../src/transport/web.js';
import type { RawContact, RawMessage } from '../../src/wire/types.js';

export function contact(userName: string, nickName: string, extra: Partial<Contact> = {}): Contact {
  return {
    userName,
    stableId: undefined,
    stableIdConfidence: undefined,
    kind: 'friend',
    nickName,
    remarkName: '',
    alias: '',
    raw: {} as RawContact,
    ...extra,
  };
}

export function room(userName: string, topic: string, members: [string, string][]): Room {
  const map = new Map<string, RoomMember>(
    members.map(([u, name]) => [u, { userName: u, nickName: name, displayName: '', raw: {} as never }]),
  );
  return { ...contact(userName, topic, { kind: 'room' }), kind: 'room', topic, members: map, ownerUserName: undefined };
}

export const SELF = contact('@self', 'Bot', { kind: 'self' });
export const ALICE = contact('@alice', 'Alice', { stableId: 'wxid_alice' });
export const BOB = contact('@bob', 'Bob', { stableId: 'wxid_bob' });
export const BOOK_CLUB = room('@@book', 'Book club', [
  ['@alice', 'Alice'],
  ['@bob', 'Bob'],
  ['@self', 'Bot'],
]);

export function directory(contacts: Contact[] = [SELF, ALICE, BOB, BOOK_CLUB]): ActionBackend['contacts'] {
  const byUser = new Map(contacts.map((c) => [c.userName, c]));
  const d: ContactDirectory & { findByName(name: string): Contact[]; all(): IterableIterator<Contact> } = {
    self: SELF,
    contact: (u) => byUser.get(u),
    room: (u) => {
      const c = byUser.get(u);
      return c?.kind === 'room' ? (c as Room) : undefined;
    },
    member: (r, m) => (byUser.get(r) as Room | undefined)?.members?.get(m),
    byStableId: (s) => contacts.find((c) => c.stableId === s),
    findByName: (n) => contacts.filter((c) => c.kind !== 'room' && (c.nickName === n || c.remarkName === n)),
    all: () => contacts.values(),
  };
  return d;
}

export interface Call {
  method: string;
  args: unknown[];
}

/** What `fakeBackend` returns: a transport's actions (every one) that record calls. */
export type FakeBackend = ActionBackend & HostTransport & { calls: Call[]; failNext?: Error };

/** A backend (and the host's transport: named 'fake', Web's capabilities) that records calls and can be told to fail or hang. */
export function fakeBackend(contacts = directory()): FakeBackend {
  const calls: Call[] = [];
  let n = 0;
  const sent = (to: string, type: number): SentMessage => ({
    msgId: String(++n),
    localId: String(n),
    toUserName: to,
    type,
    endpoint: 'test',
  });
  const backend = {
    name: 'fake',
    capabilities: WEB_CAPABILITIES,
    calls,
    contacts,
    failNext: undefined as Error | undefined,
  } as FakeBackend;
  const record =
    <T>(method: string, result: (...args: never[]) => T) =>
    async (...args: unknown[]): Promise<T> => {
      calls.push({ method, args });
      const fail = backend.failNext;
      if (fail !== undefined) {
        delete backend.failNext;
        throw fail;
      }
      return (result as (...a: unknown[]) => T)(...args);
    };
  Object.assign(backend, {
    sendText: record('sendText', (to: string) => sent(to, 1)),
    sendImage: record('sendImage', (to: string) => sent(to, 3)),
    sendFile: record('sendFile', (to: string) => sent(to, 6)),
    sendVideo: record('sendVideo', (to: string) => sent(to, 43)),
    sendEmoticon: record('sendEmoticon', (to: string) => sent(to, 47)),
    acceptFriend: record('acceptFriend', () => undefined),
    addMembers: record('addMembers', () => undefined),
    removeMembers: record('removeMembers', () => undefined),
    inviteMembers: record('inviteMembers', () => undefined),
    setTopic: record('setTopic', () => undefined),
    setRemark: record('setRemark', () => undefined),
    pin: record('pin', () => undefined),
    download: record('download', () => ({ bytes: 3 })),
    avatar: record('avatar', () => ({ bytes: 5 })),
    revoke: record('revoke', () => undefined),
    forward: record('forward', (_raw: unknown, to: string) => sent(to, 1)),
    createRoom: record('createRoom', (members: readonly string[], topic: string) => ({
      ...BOOK_CLUB,
      userName: '@@new',
      topic,
      nickName: topic,
      members: new Map(members.map((m) => [m, { userName: m, nickName: m, displayName: '' }])),
    })),
    addFriend: record('addFriend', () => undefined),
    markRead: record('markRead', () => undefined),
  });
  return backend;
}

function chatRef(c: Contact): ChatRef {
  return {
    userName: c.userName,
    isRoom: c.kind === 'room',
    contact: c,
    room: c.kind === 'room' ? (c as Room) : undefined,
    stableId: c.stableId,
    name: c.kind === 'room' ? (c as Room).topic : c.nickName,
  };
}

function senderRef(c: Contact): SenderRef {
  return {
    userName: c.userName,
    contact: c,
    member: undefined,
    stableId: c.stableId,
    name: c.nickName,
    isSelf: c === SELF,
  };
}

let ids = 0;

/** A normalised message; `kind` and extra fields override the text default. */
export function message(
  text: string,
  opts: { from?: Contact; room?: Room; kind?: ChatMessage['kind']; mentionsSelf?: boolean; extra?: object } = {},
): ChatMessage {
  const from = opts.from ?? ALICE;
  const base: TextMessage = {
    id: `m${++ids}`,
    kind: 'text',
    msgType: 1,
    appMsgType: 0,
    chat: chatRef(opts.room ?? from),
    sender: senderRef(from),
    to: opts.room === undefined ? SELF.userName : opts.room.userName,
    text,
    createdAt: new Date(0),
    isSelf: from === SELF,
    mentions: [],
    mentionNames: [],
    mentionsSelf: opts.mentionsSelf ?? false,
    raw: {} as RawMessage,
  };
  return { ...base, kind: opts.kind ?? 'text', ...opts.extra } as ChatMessage;
}

export function friendRequestEvent(from = 'Carol'): NormalizedEvent {
  return {
    type: 'friend-request',
    messageId: `m${++ids}`,
    createdAt: new Date(0),
    request: {
      userName: '@carol',
      nickName: from,
      ticket: 'ticket-1',
      verifyText: 'hello',
      scene: 30,
      alias: undefined,
      stableId: 'wxid_carol',
      encryptUserName: undefined,
      sourceRoom: undefined,
      opCode: 2,
      sex: undefined,
      province: undefined,
      city: undefined,
      signature: undefined,
      avatarUrl: undefined,
    },
  };
}

export function roomJoinEvent(): NormalizedEvent {
  return {
    type: 'room-join',
    messageId: `m${++ids}`,
    createdAt: new Date(0),
    room: chatRef(BOOK_CLUB),
    inviter: { name: 'Alice', userName: '@alice', isSelf: false },
    invitees: [{ name: 'Dave', userName: '@dave', isSelf: false }],
    via: 'invite',
  };
}

/** Captures log lines as objects. */
export function memoryLogger(level: pino.Level = 'debug') {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines, messages: () => lines.map((l) => String(l['msg'])) };
}

export function makeHost(options: IsolationOptions & { baseDir?: string } = {}) {
  const backend = fakeBackend();
  const log = new ActionLog();
  const { logger, lines, messages } = memoryLogger();
  const storage = createMemoryStorage();
  const host = new PluginHost({ logger, storage, transport: backend, log, ...options });
  return { host, backend, log, lines, messages, storage };
}
