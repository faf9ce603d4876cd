import {
  ActionLog,
  DEFAULT_ACTION_LOG_LIMIT,
  TargetError,
  createActions,
  resolveTarget,
} from '../../src/plugin/actions.js';
import { ALICE, BOB, BOOK_CLUB, SELF, contact, directory, fakeBackend, room } from './helpers.js';

/** Records one action with `text`, settling at once. */
async function record(log: ActionLog, text: string): Promise<void> {
  await log.track(
    {
      action: 'send',
      plugin: 'p',
      cause: undefined,
      target: 'filehelper',
      targetName: undefined,
      content: { type: 'text', text },
    },
    () => Promise.resolve(),
  );
}

const texts = (records: readonly { content?: { type: string; text?: string; name?: string | undefined } }[]) =>
  records.map((r) => (r.content?.type === 'text' ? r.content.text : undefined));

describe('ActionLog bound', () => {
  test('keeps 1,000 records by default', async () => {
    const log = new ActionLog();
    expect(log.limit).toBe(DEFAULT_ACTION_LOG_LIMIT);
    expect(DEFAULT_ACTION_LOG_LIMIT).toBe(1000);
    for (let i = 1; i <= 1005; i++) await record(log, `m${i}`);
    const all = log.all();
    expect(all).toHaveLength(1000);
    expect(all[0]!.seq).toBe(6);
    expect(all.at(-1)!.seq).toBe(1005);
    expect(log.lastSeq).toBe(1005);
    expect(log.dropped).toBe(5);
  });

  test('drops the oldest first and keeps order across many wraps', async () => {
    const log = new ActionLog({ limit: 3 });
    for (let i = 1; i <= 3; i++) await record(log, `m${i}`);
    expect(texts(log.all())).toEqual(['m1', 'm2', 'm3']);
    for (let i = 4; i <= 11; i++) {
      await record(log, `m${i}`);
      expect(log.all()).toHaveLength(3);
      expect(texts(log.all())).toEqual([`m${i - 2}`, `m${i - 1}`, `m${i}`]);
      expect(log.all().map((r) => r.seq)).toEqual([i - 2, i - 1, i]);
    }
  });

  test('since(seq) answers by seq, also after the records before it were dropped', async () => {
    const log = new ActionLog({ limit: 4 });
    expect(log.since(0)).toEqual([]);
    await record(log, 'a');
    await record(log, 'b');
    const mark = log.lastSeq;
    expect(mark).toBe(2);
    expect(log.since(mark)).toEqual([]);
    for (const t of ['c', 'd', 'e', 'f', 'g']) await record(log, t);
    // a, b and c are gone; the mark still means "after b".
    expect(texts(log.all())).toEqual(['d', 'e', 'f', 'g']);
    expect(texts(log.since(mark))).toEqual(['d', 'e', 'f', 'g']);
    expect(texts(log.since(5))).toEqual(['f', 'g']);
    expect(log.since(log.lastSeq)).toEqual([]);
    expect(texts(log.since(0))).toEqual(['d', 'e', 'f', 'g']);
    const later = log.lastSeq;
    await record(log, 'h');
    expect(texts(log.since(later))).toEqual(['h']);
  });

  test('a failed action is still recorded and counted', async () => {
    const log = new ActionLog({ limit: 1 });
    await record(log, 'ok');
    await expect(
      log.track({ action: 'pin', plugin: 'p', cause: undefined, target: 'x', targetName: undefined }, () =>
        Promise.reject(new Error('nope')),
      ),
    ).rejects.toThrow('nope');
    expect(log.all()).toEqual([expect.objectContaining({ seq: 2, action: 'pin', status: 'failed', error: 'nope' })]);
    expect(log.since(1)).toHaveLength(1);
  });

  test('subscribers still see every record, dropped or not', async () => {
    const log = new ActionLog({ limit: 2 });
    const seen: number[] = [];
    log.subscribe((r) => seen.push(r.seq));
    for (let i = 0; i < 5; i++) await record(log, `m${i}`);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  test.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects limit %p', (limit) => {
    expect(() => new ActionLog({ limit })).toThrow(/ActionLog limit must be a positive integer/);
  });
});

describe('createActions', () => {
  test('bad input rejects (never throws); send and groups work detached; records name plugin and cause', async () => {
    const backend = fakeBackend();
    const log = new ActionLog();
    const actions = createActions(backend, log, { plugin: 'p', cause: 'm1' });
    const { send, rooms, contacts } = actions;
    let thrown: unknown;
    let pending: Promise<unknown>[] = [];
    try {
      pending = [send('', 'x'), send('Alice', ''), send({ userName: '' }, 'x'), actions.send('nobody-named-so', 'x')];
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeUndefined();
    const outcomes = await Promise.allSettled(pending);
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).name : o.status))).toEqual([
      'TargetError',
      'TypeError',
      'TargetError',
      'TargetError',
    ]);
    await send('Alice', 'hi');
    await send(BOB, { image: '/tmp/cat.png' });
    await rooms.setTopic(BOOK_CLUB, 'Books');
    expect(contacts.self).toBe(SELF);
    expect(actions.rooms).toBe(rooms);
    expect(log.all().map((r) => [r.action, r.plugin, r.cause, r.target, r.targetName, r.content])).toEqual([
      ['send', 'p', 'm1', '@alice', 'Alice', { type: 'text', text: 'hi' }],
      ['send', 'p', 'm1', '@bob', 'Bob', { type: 'image', name: 'cat.png' }],
      ['setTopic', 'p', 'm1', '@@book', 'Book club', undefined],
    ]);
    expect(backend.calls.map((c) => c.method)).toEqual(['sendText', 'sendImage', 'setTopic']);
  });

  test('sends carry their cause to the client, so a handler run again after a crash does not repeat them', async () => {
    const backend = fakeBackend();
    const caused = createActions(backend, new ActionLog(), { plugin: 'p', cause: 'm7' });
    await caused.send('Alice', 'hi');
    await caused.send(BOB, { image: '/tmp/a.png' });
    await caused.send(BOB, { file: '/tmp/a.txt' });
    await caused.send(BOB, { video: '/tmp/a.mp4' });
    await caused.send(BOB, { emoticon: 'a'.repeat(32) });
    expect(backend.calls.map((c) => c.args.at(-1))).toEqual([
      { cause: 'm7' },
      { cause: 'm7' },
      { cause: 'm7' },
      { cause: 'm7' },
      { cause: 'm7' },
    ]);
    const scopeLevel = createActions(backend, new ActionLog(), { plugin: 'p', cause: undefined });
    await scopeLevel.send('Alice', 'tick');
    expect(backend.calls.at(-1)!.args.at(-1)).toEqual({});
  });
});

describe('contacts.get / contacts.find', () => {
  const twinA = contact('@twin-a', 'Sam', { stableId: 'wxid_sam_a' });
  const twinB = contact('@twin-b', 'Chris', { remarkName: 'Sam' });
  const actions = createActions(fakeBackend(directory([SELF, ALICE, twinA, twinB, BOOK_CLUB])), new ActionLog(), {
    plugin: 'p',
    cause: undefined,
  });

  test('find tells "nobody" from "several"; get gives undefined for both', () => {
    expect(actions.contacts.find('Nobody')).toEqual([]);
    expect(actions.contacts.get('Nobody')).toBeUndefined();
    expect(actions.contacts.find('Sam').map((c) => c.userName)).toEqual(['@twin-a', '@twin-b']);
    expect(actions.contacts.get('Sam')).toBeUndefined();
  });

  test('a UserName, a stable id, a unique name or a room topic names exactly one', () => {
    expect(actions.contacts.find('@alice')).toEqual([ALICE]);
    expect(actions.contacts.find('wxid_sam_a')).toEqual([twinA]);
    expect(actions.contacts.find('Chris')).toEqual([twinB]);
    expect(actions.contacts.find('Book club')).toEqual([BOOK_CLUB]);
    expect(actions.contacts.find(ALICE)).toEqual([ALICE]);
    expect(actions.contacts.get('Book club')).toBe(BOOK_CLUB);
    expect(actions.contacts.find({ userName: '@not-loaded' })).toEqual([]);
    expect(actions.contacts.find('')).toEqual([]);
  });
});

describe('rooms.remove by member name', () => {
  const club = room('@@club', 'Club', [
    ['@bob1', 'Bob'],
    ['@bob2', 'Bob'],
    ['@carl', 'Carl'],
  ]);
  const backend = fakeBackend(directory([SELF, club]));
  const actions = createActions(backend, new ActionLog(), { plugin: 'p', cause: undefined });

  test('a unique name or a UserName picks that member; a shared name is refused, never guessed', async () => {
    await actions.rooms.remove('@@club', ['Carl', '@bob2']);
    expect(backend.calls.at(-1)?.args).toEqual(['@@club', ['@carl', '@bob2']]);
    await expect(actions.rooms.remove('@@club', ['Bob'])).rejects.toThrow('member "Bob" is ambiguous: 2 members');
    expect(backend.calls).toHaveLength(1);
  });
});

describe('TargetError reason', () => {
  const twins = directory([SELF, ALICE, contact('@sam1', 'Sam'), contact('@sam2', 'Sam')]);
  const reasonOf = (fn: () => unknown): unknown => {
    try {
      fn();
    } catch (error) {
      return error instanceof TargetError ? error.reason : error;
    }
    return 'no error';
  };

  test.each([
    ['an empty string', '', 'empty'],
    ['a Contact-like value without a userName', { userName: '' }, 'empty'],
    ['a name nobody has', 'nobody-named-so', 'unknown-chat'],
    ['a name two contacts share', 'Sam', 'ambiguous'],
  ] as const)('%s is %s', (_label, target, reason) => {
    expect(reasonOf(() => resolveTarget(twins, target))).toBe(reason);
  });

  test('a name one contact has, or a session UserName not loaded yet, is no error', () => {
    expect(reasonOf(() => resolveTarget(twins, 'Alice'))).toBe('no error');
    expect(reasonOf(() => resolveTarget(twins, '@not-loaded'))).toBe('no error');
  });

  test('member actions: a shared member name is ambiguous, an empty list is no-members', async () => {
    const club = room('@@club', 'Club', [
      ['@bob1', 'Bob'],
      ['@bob2', 'Bob'],
    ]);
    const actions = createActions(fakeBackend(directory([SELF, club])), new ActionLog(), { plugin: 'p', cause: 'm' });
    await expect(actions.rooms.remove('@@club', ['Bob'])).rejects.toMatchObject({ reason: 'ambiguous' });
    await expect(actions.rooms.add('@@club', [])).rejects.toMatchObject({
      name: 'TargetError',
      reason: 'no-members',
      message: 'addMembers: no members given',
    });
  });
});
