/**
 * How the sync loop applies one webwxsync answer (sync-loop.ts `apply`): contacts first, then the
 * messages journaled, and only then the SyncKey moves (issue 13 item 2: a cursor past messages that
 * are not journaled loses them). Scripted answers, no simulator.
 */
import { jest } from '@jest/globals';
import { pino } from 'pino';

import { MemoryContactStore } from '../../src/contact/store.js';
import { CredentialSlot } from '../../src/client/cred-slot.js';
import { Credentials } from '../../src/client/credentials.js';
import { ClientEmitter } from '../../src/client/events.js';
import { SyncLoop, type SyncLoopDeps } from '../../src/client/sync-loop.js';
import type { RawContact, RawMessage, SyncKey, SyncResponse } from '../../src/wire/types.js';

// Unit tests finish in milliseconds: a mutant that stalls one should fail it in seconds (mutation runs).
jest.setTimeout(3000);

const log = pino({ level: 'silent' });
const hosts = { login: 'http://l', main: 'http://m', file: 'http://f', push: 'http://p' };
const key = (v: number): SyncKey => ({ Count: 1, List: [{ Key: 1, Val: v }] });
const msg = (id: string, from = '@alice', extra: Partial<RawMessage> = {}): RawMessage => ({
  MsgId: id,
  MsgType: 1,
  FromUserName: from,
  ToUserName: '@self',
  Content: 'hi',
  CreateTime: 1,
  ...extra,
});

/** Runs one selector's worth of webwxsync answers through a loop and records what it did, in order. */
async function apply(
  answers: Array<Partial<SyncResponse>>,
  opts: {
    history?: (ids: string[]) => string[];
    skipped?: number;
    bot?: (raw: RawMessage) => boolean;
    contacts?: MemoryContactStore;
  } = {},
) {
  const order: string[] = [];
  const errors: string[] = [];
  const updates: unknown[] = [];
  const accepted: Array<{ id: string; sentByBot: boolean }> = [];
  const skippedIds: string[] = [];
  const cred = new CredentialSlot();
  cred.current = new Credentials(1, 'sid', 'skey', 'ticket', 'e1', hosts);
  cred.current.resetKeys(key(1), key(1));
  const c = cred.current;
  const contacts = opts.contacts ?? new MemoryContactStore();
  if (!opts.contacts) contacts.setSelf({ UserName: '@self', NickName: 'Bot' });
  const events = new ClientEmitter(log);
  events.on('error', ({ error, context }) => errors.push(`${context}: ${error.message}`));
  events.on('contacts-updated', (e) => updates.push(e));
  let checks = 0;
  const deps: SyncLoopDeps = {
    o: { minPollMs: 0, stuckThreshold: 1, backoffBase: 0, backoffMax: 0 },
    log,
    api: {
      syncCheck: () => Promise.resolve(checks++ === 0 ? { retcode: 0, selector: 2 } : { retcode: 1101, selector: 0 }),
      sync: () => Promise.resolve({ BaseResponse: { Ret: 0 }, ContinueFlag: 0, ...answers.shift() } as SyncResponse),
    },
    cred,
    contacts,
    cursor: {
      failed: () => Promise.resolve(),
      accepted: () => order.push(`cursor accepted (key ${c.syncKey.List[0]?.Val})`),
    },
    echo: { isBotMessage: (raw) => opts.bot?.(raw) ?? false, answeredCount: 0, sentCount: 0, settled: () => undefined },
    history: {
      split: <T extends { readonly raw: RawMessage }>(entries: readonly T[]) => {
        const old = new Set(opts.history?.(entries.map((e) => e.raw.MsgId)) ?? []);
        return {
          deliver: entries.filter((e) => !old.has(e.raw.MsgId)),
          history: entries.filter((e) => old.has(e.raw.MsgId)),
        };
      },
    },
    inbox: {
      skip: (entries) => {
        skippedIds.push(...entries.map((e) => e.raw.MsgId));
        order.push(`skip ${entries.length}`);
        return Promise.resolve(opts.skipped ?? entries.length);
      },
      accept: (entries) => {
        accepted.push(...entries.map((e) => ({ id: e.raw.MsgId, sentByBot: e.sentByBot })));
        order.push(`accept ${entries.length} (key ${c.syncKey.List[0]?.Val})`);
        return Promise.resolve([]);
      },
      deliverPending: () => order.push('deliver'),
      started: () => undefined,
    },
    events,
    checkpoint: () => order.push('checkpoint'),
    syncing: () => true,
    signal: new AbortController().signal,
    reports: {
      loggedOut: () => undefined,
      stuck: () => {
        order.push('stuck');
        return Promise.resolve('stop');
      },
    },
  };
  const loop = new SyncLoop(deps);
  loop.start();
  await loop.done;
  return { order, errors, updates, accepted, skippedIds, cred: c, contacts };
}

describe('SyncLoop.apply', () => {
  test('journals the messages before the SyncKey moves, then hands them over and asks for a checkpoint', async () => {
    const r = await apply([{ AddMsgList: [msg('1')], SyncKey: key(2), SyncCheckKey: key(3), SKey: 'fresh' }]);
    expect(r.order).toEqual(['accept 1 (key 1)', 'cursor accepted (key 2)', 'deliver', 'checkpoint']);
    expect(r.cred.syncKey).toEqual(key(2));
    expect(r.cred.syncCheckKey).toEqual(key(3));
    expect(r.cred.skey).toBe('fresh');
    expect(r.cred.round).toBe(2);
  });

  test('an empty or missing key keeps the cursor it has; an empty SKey keeps the skey', async () => {
    const r = await apply([
      { AddMsgList: [msg('1')], SyncKey: { Count: 0, List: [] }, SyncCheckKey: { Count: 0, List: [] }, SKey: '' },
    ]);
    expect(r.cred.syncKey).toEqual(key(1));
    expect(r.cred.syncCheckKey).toEqual(key(1));
    expect(r.cred.skey).toBe('skey');
    const bad = await apply([{ AddMsgList: [msg('1')], SyncKey: 'x' as unknown as SyncKey }]);
    expect(bad.cred.syncKey).toEqual(key(1));
  });

  test('messages from before the login are skipped, the rest accepted', async () => {
    const r = await apply([{ AddMsgList: [msg('old'), msg('new')] }], { history: () => ['old'] });
    expect(r.skippedIds).toEqual(['old']);
    expect(r.accepted.map((a) => a.id)).toEqual(['new']);
    expect(r.order.slice(0, 2)).toEqual(['skip 1', 'accept 1 (key 1)']);
    const none = await apply([{ AddMsgList: [msg('new')] }]);
    expect(none.order).not.toContain('skip 0');
  });

  test('a message is sentByBot only when it comes from the account and the echo tracker knows it', async () => {
    const r = await apply([{ AddMsgList: [msg('mine', '@self'), msg('phone', '@self'), msg('theirs', '@alice')] }], {
      bot: (raw) => raw.MsgId !== 'phone',
    });
    expect(r.accepted).toEqual([
      { id: 'mine', sentByBot: true },
      { id: 'phone', sentByBot: false },
      { id: 'theirs', sentByBot: false },
    ]);
  });

  test('an echo check that throws still delivers the message, reported as malformed', async () => {
    const r = await apply([{ AddMsgList: [msg('1', '@self')] }], {
      bot: () => {
        throw new Error('bad entry');
      },
    });
    expect(r.accepted).toEqual([{ id: '1', sentByBot: false }]);
    expect(r.errors).toEqual(['webwxsync: webwxsync: 1 malformed entries skipped or read in part']);
  });

  test('contact changes are applied and announced; a change the store cannot take costs only itself', async () => {
    const contacts = new MemoryContactStore();
    contacts.setSelf({ UserName: '@self', NickName: 'Bot' });
    contacts.upsert({ UserName: '@gone', NickName: 'Gone' });
    const upsert = contacts.upsert.bind(contacts);
    contacts.upsert = (raw: RawContact) => {
      if (raw.UserName === '@broken') throw new Error('no');
      return upsert(raw);
    };
    const r = await apply(
      [
        {
          ModContactList: [{ UserName: '@new', NickName: 'New' }, { UserName: '@broken' }] as RawContact[],
          DelContactList: [{ UserName: '@gone' }, { UserName: '@never' }] as RawContact[],
          ModChatRoomMemberList: [{ UserName: '@@room', MemberList: [{ UserName: '@m1' }] }],
        },
      ],
      { contacts },
    );
    expect(r.updates).toEqual([{ updated: ['@new', '@@room'], removed: ['@gone'] }]);
    expect(contacts.contact('@new')?.nickName).toBe('New');
    expect(contacts.contact('@gone')).toBeUndefined();
    expect(contacts.room('@@room')?.members.has('@m1')).toBe(true);
    expect(r.errors).toEqual(['webwxsync: webwxsync: 1 malformed entries skipped or read in part']);
  });

  test('nothing changed, nothing announced or reported', async () => {
    const r = await apply([{ AddMsgList: [msg('1')] }]);
    expect(r.updates).toEqual([]);
    expect(r.errors).toEqual([]);
  });

  test('status notifications are never delivered; a chat-list one pairs stable ids and announces them', async () => {
    const contacts = new MemoryContactStore();
    contacts.setSelf({ UserName: '@self', NickName: 'Bot' });
    contacts.upsert({ UserName: '@alice', NickName: 'Alice' });
    const notify = msg('sn', '@self', {
      MsgType: 51,
      StatusNotifyCode: 4,
      Content: '<msg><op id="4"><username>wxid_alice</username></op></msg>',
      StatusNotifyUserName: '@alice',
    });
    const other = msg('sn2', '@self', { MsgType: 51, StatusNotifyCode: 2 });
    const r = await apply([{ AddMsgList: [notify, other, msg('1')] }], { contacts });
    expect(r.accepted.map((a) => a.id)).toEqual(['1']);
    expect(contacts.contact('@alice')?.stableId).toBe('wxid_alice');
    expect(r.updates).toEqual([{ updated: ['@alice'], removed: [] }]);
  });

  test('a sync with only contact changes is not empty: no stuck report; one with nothing is', async () => {
    const r = await apply([{ ModContactList: [{ UserName: '@new', NickName: 'New' }] as RawContact[] }]);
    expect(r.order).toEqual(['accept 0 (key 1)', 'cursor accepted (key 1)', 'deliver', 'checkpoint']);
    const removed = await apply([{ DelContactList: [{ UserName: '@never' }] as RawContact[] }]);
    expect(removed.order).not.toContain('stuck');
    const empty = await apply([{}]);
    expect(empty.order.at(-1)).toBe('stuck');
  });
});
