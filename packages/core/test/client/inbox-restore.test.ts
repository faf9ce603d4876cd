import { jest } from '@jest/globals';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

import { Inbox } from '../../src/client/inbox.js';
import type { IncomingMessage } from '../../src/client/types.js';
import type { RawMessage } from '../../src/wire/types.js';
import { MemorySessionStore } from '../../src/session/file-store.js';
import type { SessionStore } from '../../src/session/types.js';

// Unit tests finish in milliseconds; a mutant that stalls one should cost the mutation run little.
jest.setTimeout(2000);

/** A logger writing JSON lines into `lines` (helpers.ts has one too, but loads the simulator). */
function captureLogger(level: string): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

const silent = pino({ level: 'silent' });
const entry = (id: string, from = '@a'): { raw: RawMessage; sentByBot: boolean } => ({
  raw: { MsgId: id, MsgType: 1, FromUserName: from, Content: `text ${id}` } as RawMessage,
  sentByBot: false,
});

/** An inbox whose handler records ids and resolves `handled(n)` once n were handled. */
async function open(
  store: SessionStore,
  opts: { size?: number; errors?: Array<[Error, IncomingMessage]>; hang?: boolean } = {},
): Promise<{ inbox: Inbox; got: string[]; handled: (n: number) => Promise<void> }> {
  const inbox = new Inbox(store, 'inbox', opts.size ?? 100, silent, (err, m) => opts.errors?.push([err, m]));
  await inbox.load();
  const got: string[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  inbox.setHandler(async (m) => {
    got.push(m.raw.MsgId);
    for (const w of waiters) if (got.length >= w.n) w.resolve();
    if (opts.hang) await new Promise<void>(() => {});
  });
  const handled = (n: number): Promise<void> =>
    new Promise<void>((resolve) => {
      if (got.length >= n) resolve();
      else waiters.push({ n, resolve });
    });
  return { inbox, got, handled };
}

/** Resolves once `inbox` has no handler running (its entries' done marks are written in that same turn). */
async function settled(inbox: Inbox): Promise<void> {
  while (inbox.inflightCount > 0) await new Promise((r) => setImmediate(r));
}

describe('Inbox restart', () => {
  it('handled ids are restored from the folded document: a re-sent copy is not handed over again', async () => {
    const store = new MemorySessionStore();
    const first = await open(store);
    expect((await first.inbox.accept([entry('m1'), entry('m2')])).map((m) => m.raw.MsgId)).toEqual(['m1', 'm2']);
    first.inbox.deliverPending();
    await first.handled(2);
    await settled(first.inbox);
    expect(await first.inbox.idle(1000)).toBe(true);

    const second = await open(store);
    expect(second.inbox.seen('m1')).toBe(true);
    expect(second.inbox.seen('m9')).toBe(false);
    expect(await second.inbox.accept([entry('m1'), entry('m2'), entry('m3')])).toHaveLength(1);
    second.inbox.deliverPending();
    await second.handled(1);
    expect(second.got).toEqual(['m3']);
    await settled(second.inbox);
    expect(second.inbox.pendingCount).toBe(0);
    await second.inbox.idle(1000);
  });

  it('handled ids and pending entries are restored from the log alone after a crash (no fold)', async () => {
    const store = new MemorySessionStore();
    const first = await open(store);
    await first.inbox.accept([entry('m1'), entry('m2')]);
    first.inbox.deliverPending();
    await first.handled(2);
    await settled(first.inbox);
    first.inbox.beforeDeliver = () => new Promise<void>(() => {}); // m3 is accepted but never started
    await first.inbox.accept([entry('m3')]);
    first.inbox.deliverPending();
    await first.inbox.durable();
    await first.inbox.release();
    const crashed = store.snapshot();
    expect(await crashed.get('inbox')).toMatchObject({ pending: [], done: [] });

    const second = await open(crashed);
    expect(second.inbox.seen('m1')).toBe(true);
    expect(second.inbox.seen('m2')).toBe(true);
    await second.handled(1);
    expect(second.got).toEqual(['m3']);
    expect(await second.inbox.accept([entry('m1'), entry('m2'), entry('m3')])).toEqual([]);
    await settled(second.inbox);
    await second.inbox.idle(1000);
  });

  it('a pending entry in the document is delivered again, unless the log marks it handled', async () => {
    const m = (id: string): IncomingMessage => ({ ...entry(id), receivedAt: 1 });
    const store = new MemorySessionStore(
      new Map([
        ['inbox', JSON.stringify({ version: 1, pending: [m('p1'), m('p2'), { raw: {} }, 7], done: ['d1', 5] })],
      ]),
      new Map([
        [
          'inbox',
          [JSON.stringify({ d: 'p2' }), JSON.stringify({ a: m('p3') }), 'null', JSON.stringify({ a: { raw: {} } })],
        ],
      ]),
    );
    const inbox = new Inbox(store, 'inbox', 100, silent, () => undefined);
    await inbox.load();
    expect(inbox.pendingCount).toBe(2);
    expect(inbox.seen('p1') && inbox.seen('p3') && inbox.seen('p2') && inbox.seen('d1')).toBe(true);
    const got: string[] = [];
    const both = new Promise<void>((resolve) =>
      inbox.setHandler(async (msg) => {
        if (got.push(msg.raw.MsgId) === 2) resolve();
      }),
    );
    await both;
    expect(got).toEqual(['p1', 'p3']);
    await settled(inbox);
    await inbox.idle(1000);
  });

  it('a document marked done is not delivered even when its pending list still holds it', async () => {
    const m: IncomingMessage = { ...entry('x1'), receivedAt: 1 };
    const store = new MemorySessionStore(
      new Map([['inbox', JSON.stringify({ version: 1, pending: [m], done: ['x1'] })]]),
      new Map([['inbox', [JSON.stringify({ a: m })]]]),
    );
    const inbox = new Inbox(store, 'inbox', 100, silent, () => undefined);
    await inbox.load();
    expect(inbox.pendingCount).toBe(0);
  });

  it('an unreadable document is reported and the log alone is replayed', async () => {
    const { logger, lines } = captureLogger('warn');
    const store = new MemorySessionStore(
      new Map([['inbox', JSON.stringify({ version: 1, pending: 'nope', done: [] })]]),
      new Map([['inbox', [JSON.stringify({ a: { ...entry('l1'), receivedAt: 1 } })]]]),
    );
    const inbox = new Inbox(store, 'inbox', 100, logger, () => undefined);
    await inbox.load();
    expect(inbox.pendingCount).toBe(1);
    expect(lines.join('\n')).toContain('inbox journal unreadable');
    const other = new Inbox(
      new MemorySessionStore(new Map([['inbox', JSON.stringify({ version: 1, pending: [], done: 'nope' })]])),
      'inbox',
      100,
      logger,
      () => undefined,
    );
    await other.load();
    expect(lines.filter((l) => l.includes('inbox journal unreadable'))).toHaveLength(2);
  });

  it('the handled set keeps the last dedupeSize ids, across a restart too', async () => {
    const store = new MemorySessionStore();
    const first = await open(store, { size: 2 });
    await first.inbox.accept([entry('m1'), entry('m2'), entry('m3')]);
    first.inbox.deliverPending();
    await first.handled(3);
    await settled(first.inbox);
    expect([first.inbox.seen('m1'), first.inbox.seen('m2'), first.inbox.seen('m3')]).toEqual([false, true, true]);
    await first.inbox.idle(1000);
    const second = await open(store, { size: 2 });
    expect([second.inbox.seen('m1'), second.inbox.seen('m2'), second.inbox.seen('m3')]).toEqual([false, true, true]);
    await second.inbox.idle(1000);
  });
});

describe('Inbox accept and skip', () => {
  it('accept drops ids seen in the same batch, and stamps entries with the time and sentByBot', async () => {
    const inbox = new Inbox(new MemorySessionStore(), 'inbox', 100, silent, () => undefined);
    await inbox.load();
    const before = Date.now();
    const fresh = await inbox.accept([entry('m1'), entry('m1'), { ...entry('m2'), sentByBot: true }]);
    expect(fresh.map((m) => [m.raw.MsgId, m.sentByBot])).toEqual([
      ['m1', false],
      ['m2', true],
    ]);
    expect(fresh[0]!.receivedAt).toBeGreaterThanOrEqual(before);
    expect(fresh[0]!.receivedAt).toBeLessThanOrEqual(Date.now());
    expect(inbox.pendingCount).toBe(2);
    expect(await inbox.accept([])).toEqual([]);
  });

  it('a failed journal write forgets the entries, so the retry journals and delivers them', async () => {
    const inner = new MemorySessionStore();
    let fail = true;
    const store: SessionStore = {
      get: (k) => inner.get(k),
      set: (k, v) => inner.set(k, v),
      delete: (k) => inner.delete(k),
      log: {
        ...inner.log,
        append: (k, r) => (fail ? Promise.reject(new Error('disk full')) : inner.log.append(k, r)),
      },
    };
    const inbox = new Inbox(store, 'inbox', 100, silent, () => undefined);
    await inbox.load();
    await expect(inbox.accept([entry('m1'), entry('m2')])).rejects.toThrow('disk full');
    expect(inbox.seen('m1') || inbox.seen('m2')).toBe(false);
    expect(inbox.pendingCount).toBe(0);
    fail = false;
    expect(await inbox.accept([entry('m1'), entry('m2')])).toHaveLength(2);
  });

  it('skip marks new entries handled without handing them over, and it survives a restart', async () => {
    const store = new MemorySessionStore();
    const first = await open(store);
    await first.inbox.accept([entry('m1')]);
    first.inbox.deliverPending();
    await first.handled(1);
    expect(await first.inbox.skip([entry('m1'), entry('h1'), entry('h2'), entry('h1')])).toBe(2);
    expect(await first.inbox.skip([])).toBe(0);
    expect(first.inbox.seen('h1')).toBe(true);
    expect(await first.inbox.accept([entry('h1'), entry('h2')])).toEqual([]);
    await settled(first.inbox);
    await first.inbox.release(); // crash: the skip lives in the log only
    const second = await open(store.snapshot());
    expect(second.inbox.seen('h1') && second.inbox.seen('h2')).toBe(true);
    expect(second.inbox.pendingCount).toBe(0);
    expect(second.got).toEqual([]);
  });
});

describe('Inbox handlers', () => {
  it('a handler that throws or rejects is reported with its entry, and its entry still counts as handled', async () => {
    const errors: Array<[Error, IncomingMessage]> = [];
    const inbox = new Inbox(new MemorySessionStore(), 'inbox', 100, silent, (err, m) => errors.push([err, m]));
    await inbox.load();
    const done = new Promise<void>((resolve) => {
      let n = 0;
      inbox.setHandler((m) => {
        if (++n === 4) setImmediate(resolve);
        if (m.raw.MsgId === 'sync') throw new Error('sync boom');
        if (m.raw.MsgId === 'str') throw 'plain string'; // eslint-disable-line @typescript-eslint/only-throw-error
        if (m.raw.MsgId === 'rej') return Promise.reject(new Error('async boom'));
        return Promise.reject('rejected string'); // eslint-disable-line @typescript-eslint/prefer-promise-reject-errors
      });
    });
    await inbox.accept([entry('sync', '@1'), entry('str', '@2'), entry('rej', '@3'), entry('rs', '@4')]);
    inbox.deliverPending();
    await done;
    await settled(inbox);
    expect(errors.map(([e, m]) => [e instanceof Error, e.message, m.raw.MsgId])).toEqual([
      [true, 'sync boom', 'sync'],
      [true, 'plain string', 'str'],
      [true, 'async boom', 'rej'],
      [true, 'rejected string', 'rs'],
    ]);
    expect(inbox.pendingCount).toBe(0);
    expect(inbox.seen('sync')).toBe(true);
  });

  it('counts entries pending and in flight; idle() answers false when a handler outlives the timeout', async () => {
    const store = new MemorySessionStore();
    const { inbox, handled } = await open(store, { hang: true });
    await inbox.accept([entry('m1', '@1'), entry('m2', '@2')]);
    inbox.deliverPending();
    await handled(2);
    expect(inbox.pendingCount).toBe(2);
    expect(inbox.inflightCount).toBe(2);
    expect(await inbox.idle(5)).toBe(false);
    // idle() folded the journal: both are still pending for the next start.
    expect(await store.get('inbox')).toMatchObject({ pending: [{ raw: { MsgId: 'm1' } }, { raw: { MsgId: 'm2' } }] });
  });

  it('idle() with nothing in flight answers true at once, and nothing starts after it', async () => {
    const store = new MemorySessionStore();
    const inbox = new Inbox(store, 'inbox', 100, silent, () => undefined);
    await inbox.load();
    expect(await inbox.idle(60_000)).toBe(true);
    const got: string[] = [];
    inbox.setHandler(async (m) => {
      got.push(m.raw.MsgId);
    });
    await inbox.accept([entry('late')]).catch(() => undefined);
    inbox.deliverPending(); // would start the first entry synchronously
    expect(got).toEqual([]);
  });

  it('a gate that throws or rejects only costs its lookup: the chat is delivered', async () => {
    const inbox = new Inbox(new MemorySessionStore(), 'inbox', 100, silent, () => undefined);
    await inbox.load();
    inbox.beforeDeliver = (msgs) => {
      if (msgs[0]!.raw.FromUserName === '@throws') throw new Error('lookup failed');
      return Promise.reject(new Error('lookup rejected'));
    };
    const got: string[] = [];
    const both = new Promise<void>((resolve) =>
      inbox.setHandler(async (m) => {
        if (got.push(m.raw.MsgId) === 2) resolve();
      }),
    );
    await inbox.accept([entry('t1', '@throws'), entry('r1', '@rejects')]);
    inbox.deliverPending();
    await both;
    expect(got.sort()).toEqual(['r1', 't1']);
  });

  it('entries are grouped per chat (sender by default) for the gate; chatOf can regroup them', async () => {
    const inbox = new Inbox(new MemorySessionStore(), 'inbox', 100, silent, () => undefined);
    await inbox.load();
    const groups: string[][] = [];
    inbox.beforeDeliver = (msgs) => {
      groups.push(msgs.map((m) => m.raw.MsgId));
      return undefined;
    };
    await inbox.accept([entry('a1', '@a'), entry('b1', '@b'), entry('a2', '@a')]);
    const all = new Promise<void>((resolve) => {
      let n = 0;
      inbox.setHandler(async () => {
        if (++n === 3) resolve();
      });
    });
    await all;
    expect(groups).toEqual([['a1', 'a2'], ['b1']]);
    inbox.chatOf = () => 'one';
    await inbox.accept([entry('c1', '@c'), entry('d1', '@d')]);
    inbox.deliverPending();
    expect(groups.at(-1)).toEqual(['c1', 'd1']);
  });
});
