/**
 * Outbox details the other outbox tests leave out: its default pacing, the
 * bounds of its journal's memory, restore of odd records, what a failed
 * journal write is reported as, jitter, stops mid-wait, the age boundary, and
 * the order and drain bookkeeping. Fake clocks or controlled promises; no sleeps.
 */
import { jest } from '@jest/globals';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

import { DEFAULT_BUCKETS, Outbox, type OutboxOptions, type SendJournalEntry } from '../../src/client/outbox.js';
import { ClientStopped, NetworkError, RateLimited, SendExpired, SendOutcomeUnknown } from '../../src/client/errors.js';
import type { ActionClass } from '../../src/client/types.js';
import { MemorySessionStore } from '../../src/session/file-store.js';

// Unit tests finish in milliseconds: a mutant that stalls one should fail it in seconds (mutation runs).
jest.setTimeout(3000);

const KEY = 'bot/outbox';
const FREE = { burst: 1_000_000, perSecond: 1_000_000 };

function captureLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      raw.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  return {
    logger: pino({ level: 'debug' }, stream),
    lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

function outbox(
  store = new MemorySessionStore(),
  extra: Partial<OutboxOptions> = {},
  logger: Logger = pino({ level: 'silent' }),
): Outbox {
  const buckets = Object.fromEntries(Object.keys(DEFAULT_BUCKETS).map((k) => [k, FREE])) as OutboxOptions['buckets'];
  return new Outbox(
    store,
    KEY,
    {
      buckets,
      jitterMs: 0,
      rateLimitRetries: 0,
      networkRetries: 0,
      backoffBaseMs: 1,
      backoffMaxMs: 1,
      ready: () => Promise.resolve(),
      onRateLimited: () => undefined,
      signal: new AbortController().signal,
      ...extra,
    },
    logger,
  );
}

function entry(n: number, extra: Partial<SendJournalEntry> = {}): SendJournalEntry {
  return {
    clientMsgId: `c${n}`,
    kind: 'text',
    msgType: 1,
    to: `@u${n}`,
    content: `m${n}`,
    session: 's',
    createdAt: 0,
    ...extra,
  };
}

/** A promise and its resolver. */
function gate<T = void>(): { promise: Promise<T>; open: (v: T) => void } {
  let open!: (v: T) => void;
  const promise = new Promise<T>((r) => (open = r));
  return { promise, open };
}

const reset = (): NetworkError => new NetworkError('webwxsendmsg', 'socket hang up');

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('Outbox defaults', () => {
  test('paces each class as documented: text 5 then 1/s, media 2 then 1 per 5 s, friend 1/min, room 1 per 10 s', () => {
    expect(DEFAULT_BUCKETS).toEqual({
      text: { burst: 5, perSecond: 1 },
      media: { burst: 2, perSecond: 0.2 },
      friend: { burst: 1, perSecond: 1 / 60 },
      room: { burst: 2, perSecond: 0.1 },
      misc: { burst: 5, perSecond: 1 },
    });
  });

  test('a class it does not pace runs at full speed', () => {
    expect(outbox().rateFactor('unknown' as ActionClass)).toBe(1);
  });
});

describe('Outbox journal bookkeeping', () => {
  test('remembers the server MsgID of the last 2,000 sends only, however many it made', () => {
    const box = outbox();
    for (let i = 0; i < 4000; i++) box.settle(`c${i}`, `m${i}`);
    // 4,000 ids: at the bound, nothing trimmed yet (the ids of forgotten sends only).
    expect(box.knownMsgIds().size).toBe(4000);
    box.settle('c4000', 'm4000');
    const known = box.knownMsgIds();
    expect(known.size).toBe(2000);
    expect(known.has('m4000')).toBe(true);
    expect(known.has('m2001')).toBe(true);
    expect(known.has('m2000')).toBe(false);
    expect(box.msgIdOf('c4000')).toBe('m4000');
    expect(box.msgIdOf('c0')).toBeUndefined();
  });

  test('a send dropped after a failure is not taken for sent; unknown outcomes are remembered as such', async () => {
    const box = outbox();
    await box.journal(entry(1, { cause: 'in1' }));
    await box.journal(entry(2, { cause: 'in2' }));
    box.settle('c1', undefined);
    box.settle('c2', undefined, true);
    expect(box.wasSent('c1')).toBe(false);
    expect(box.wasSent('c2')).toBe(false);
    expect(box.outcomeUnknown('c1')).toBe(false);
    expect(box.outcomeUnknown('c2')).toBe(true);
    expect(box.pendingSends).toBe(0);
  });

  test('a send made for no inbound message is not recorded as caused by one', async () => {
    const store = new MemorySessionStore();
    const box = outbox(store);
    await box.journal(entry(1));
    await box.journal(entry(2, { cause: 'in2' }));
    await box.close();
    const doc = (await store.get(KEY)) as { caused: unknown[] };
    expect(doc.caused).toHaveLength(1);
    expect(JSON.stringify(doc.caused)).toContain('in2');
  });

  test('restore skips records that are not objects, and a document without echoes does not claim them', async () => {
    const store = new MemorySessionStore(
      new Map([[KEY, JSON.stringify({ version: 1, pending: [], sent: [] })]]),
      new Map([[KEY, [JSON.stringify(null), JSON.stringify(7), JSON.stringify({ j: entry(3) })]]]),
    );
    const box = outbox(store);
    await expect(box.load()).resolves.toEqual([entry(3)]);
    expect(box.echoesSeen).toBe(false);
  });

  test('durable() waits for the journal to reach the disk, and fails when it cannot', async () => {
    const store = new MemorySessionStore();
    store.log.sync = () => Promise.reject(new Error('disk gone'));
    const box = outbox(store);
    await box.journal(entry(1));
    await expect(box.durable()).rejects.toThrow('disk gone');
  });

  test('a failed journal write of an answer or of echoes is logged, not thrown', async () => {
    const store = new MemorySessionStore();
    const { logger, lines } = captureLogger();
    const box = outbox(store, {}, logger);
    await box.journal(entry(1));
    store.log.append = () => Promise.reject(new Error('disk full'));
    box.settle('c1', 'm1');
    box.noteEchoes();
    await new Promise((r) => setImmediate(r));
    await box.durable().catch(() => undefined);
    const failed = lines().filter((l) => l['msg'] === 'outbox journal write failed');
    expect(failed).toHaveLength(2);
    expect(failed[0]).toMatchObject({ level: 50, err: { message: 'disk full' } });
  });

  test('a periodic fold that fails is logged and retried later', async () => {
    const store = new MemorySessionStore();
    const { logger, lines } = captureLogger();
    const box = outbox(store, {}, logger);
    await box.load();
    store.set = () => Promise.reject(new Error('read-only'));
    // The journal folds every 4,000 records by default.
    for (let i = 0; i < 4000; i++) box.settle(`c${i}`, `m${i}`);
    await box.journal(entry(1)).catch(() => undefined);
    await new Promise((r) => setImmediate(r));
    expect(lines().find((l) => l['msg'] === 'outbox journal fold failed; will retry')).toMatchObject({
      level: 50,
      err: { message: 'read-only' },
    });
  });
});

describe('Outbox pacing and stops', () => {
  test('jitter delays each action by up to jitterMs', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    const box = outbox(undefined, { jitterMs: 100 });
    let ran = 0;
    const p = box.enqueue('text', 'webwxsendmsg', () => Promise.resolve(++ran));
    await jest.advanceTimersByTimeAsync(49);
    expect(ran).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    await expect(p).resolves.toBe(1);
  });

  test('a stop during the jitter wait or the bucket wait runs nothing', async () => {
    const ctl = new AbortController();
    const box = outbox(undefined, { jitterMs: 10_000, signal: ctl.signal });
    let ran = 0;
    const p = box.enqueue('text', 'webwxsendmsg', () => Promise.resolve(++ran));
    await new Promise((r) => setImmediate(r));
    ctl.abort();
    await expect(p).rejects.toBeInstanceOf(ClientStopped);

    const ctl2 = new AbortController();
    const slow = outbox(undefined, {
      buckets: { ...DEFAULT_BUCKETS, text: { burst: 1, perSecond: 0.001 } },
      signal: ctl2.signal,
    });
    await slow.enqueue('text', 'webwxsendmsg', () => Promise.resolve(++ran));
    const q = slow.enqueue('text', 'webwxsendmsg', () => Promise.resolve(++ran));
    await new Promise((r) => setImmediate(r));
    ctl2.abort();
    await expect(q).rejects.toBeInstanceOf(ClientStopped);
    expect(ran).toBe(1);
  });

  test('an at-most-once action whose request fails because the client stopped is ClientStopped, not unknown', async () => {
    const ctl = new AbortController();
    const box = outbox(undefined, { signal: ctl.signal });
    const err = await box
      .enqueue(
        'room',
        'webwxupdatechatroom',
        () => {
          ctl.abort();
          return Promise.reject(reset());
        },
        { atMostOnce: true },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientStopped);
  });

  test('an at-most-once action with a lost answer says there was no echo to reconcile against', async () => {
    const box = outbox();
    const err = await box
      .enqueue('room', 'webwxupdatechatroom', () => Promise.reject(reset()), { atMostOnce: true, clientMsgId: 'r1' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendOutcomeUnknown);
    expect((err as Error).message).toContain('no echo to reconcile this action against');
  });
});

describe('Outbox age boundary', () => {
  test('a journaled send refused when exactly maxAgeMs old expires instead of waiting again', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const box = outbox(undefined, { maxAgeMs: 1000 });
    let calls = 0;
    const p = box
      .enqueue(
        'text',
        'webwxsendmsg',
        () => {
          calls++;
          return Promise.reject(new RateLimited('webwxsendmsg'));
        },
        { journaled: true, clientMsgId: 'c1', createdAt: Date.now() - 1000 },
      )
      .catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(50);
    expect(await p).toBeInstanceOf(SendExpired);
    expect(calls).toBe(1);
  });

  test('a journaled send failing on the network when exactly maxAgeMs old expires without another try', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const box = outbox(undefined, { maxAgeMs: 1000 });
    let calls = 0;
    const p = box
      .enqueue(
        'text',
        'webwxsendmsg',
        () => {
          calls++;
          return Promise.reject(reset());
        },
        { journaled: true, clientMsgId: 'c1', createdAt: Date.now() - 1000 },
      )
      .catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(50);
    expect(await p).toBeInstanceOf(SendExpired);
    expect(calls).toBe(1);
  });

  test('each 1205 wait is logged with the action, its class, the wait and the attempt', async () => {
    const { logger, lines } = captureLogger();
    const box = outbox(undefined, { rateLimitRetries: 1 }, logger);
    let calls = 0;
    await box.enqueue(
      'text',
      'webwxsendmsg',
      () => (++calls === 1 ? Promise.reject(new RateLimited('webwxsendmsg')) : Promise.resolve('ok')),
      { clientMsgId: 'c9' },
    );
    const line = lines().find((l) => l['msg'] === 'rate-limited (1205); slowing down, the action waits');
    expect(line).toMatchObject({
      level: 40,
      endpoint: 'webwxsendmsg',
      actionClass: 'text',
      attempt: 1,
      clientMsgId: 'c9',
    });
    expect(typeof line?.['retryInMs']).toBe('number');
  });
});

describe('Outbox order and drain', () => {
  test('a chat whose earlier action finished still orders its next actions behind the one in flight', async () => {
    const box = outbox();
    const order: string[] = [];
    const b = gate<string>();
    await box.enqueue('text', 'x', () => Promise.resolve(order.push('a')), 'chat');
    // a is done and its chain tail dropped; b holds the chat now.
    const pb = box.enqueue(
      'text',
      'x',
      () => {
        order.push('b start');
        return b.promise;
      },
      'chat',
    );
    await new Promise((r) => setImmediate(r));
    const pc = box.enqueue('text', 'x', () => Promise.resolve(order.push('c')), 'chat');
    // An older action of the chat settling must not drop b from the chain.
    const pd = box.enqueue('text', 'x', () => Promise.resolve(order.push('d')), 'other');
    await pd;
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['a', 'b start', 'd']);
    b.open('b');
    await Promise.all([pb, pc]);
    expect(order).toEqual(['a', 'b start', 'd', 'c']);
  });

  test("a chat's next action waits for the one in flight even after an earlier one settled", async () => {
    const box = outbox();
    const first = gate<string>();
    const second = gate<string>();
    const p1 = box.enqueue('text', 'x', () => first.promise, 'chat');
    const p2 = box.enqueue('text', 'x', () => second.promise, 'chat');
    first.open('1');
    await p1;
    await new Promise((r) => setImmediate(r));
    let third = false;
    const p3 = box.enqueue('text', 'x', () => Promise.resolve((third = true)), 'chat');
    await new Promise((r) => setImmediate(r));
    expect(third).toBe(false); // the chat's second action is still in flight
    second.open('2');
    await Promise.all([p2, p3]);
    expect(third).toBe(true);
  });

  test('drain() waits for every action, not the first one to finish', async () => {
    const box = outbox();
    const slow = gate<string>();
    const fast = gate<string>();
    const ps = box.enqueue('text', 'x', () => slow.promise);
    const pf = box.enqueue('text', 'x', () => fast.promise);
    let drained: boolean | undefined;
    const d = box.drain(2000).then((ok) => (drained = ok));
    fast.open('f');
    await pf;
    await new Promise((r) => setImmediate(r));
    expect(drained).toBeUndefined();
    slow.open('s');
    await ps;
    await d;
    expect(drained).toBe(true);
  });
});
