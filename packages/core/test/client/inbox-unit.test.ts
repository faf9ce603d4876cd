/**
 * Inbox details the other inbox tests leave out: journals of the wrong shape,
 * delivery before a handler is set, the synchronous first start, one handler
 * per turn when deliveries overlap, a chat's order across gates, idle() with
 * several handlers, and what a failed done mark is reported as. No sleeps.
 */
import { jest } from '@jest/globals';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

import { Inbox, type InboxDelivery } from '../../src/client/inbox.js';
import type { IncomingMessage } from '../../src/client/types.js';
import type { RawMessage } from '../../src/wire/types.js';
import { MemorySessionStore } from '../../src/session/file-store.js';
import { NOTE_WINDOW_MS } from '../../src/client/journal.js';

// Unit tests finish in milliseconds: a mutant that stalls one should fail it in seconds (mutation runs).
jest.setTimeout(3000);

const KEY = 'inbox';

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

function raw(id: string, from = '@a'): RawMessage {
  return { MsgId: id, MsgType: 1, FromUserName: from, Content: `text ${id}` } as RawMessage;
}
const entry = (id: string, from = '@a'): { raw: RawMessage; sentByBot: boolean } => ({
  raw: raw(id, from),
  sentByBot: false,
});
const stored = (id: string): IncomingMessage => ({ raw: raw(id), sentByBot: false, receivedAt: 1 });

function make(
  store = new MemorySessionStore(),
  delivery: InboxDelivery = {},
  logger: Logger = pino({ level: 'silent' }),
): { inbox: Inbox; got: string[]; errors: string[] } {
  const errors: string[] = [];
  const inbox = new Inbox(store, KEY, 100, logger, (err) => errors.push(err.message), delivery);
  return { inbox, got: [], errors };
}

/** A promise and its resolver. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Waits (turn by turn, bounded) until `got` holds n ids. */
async function until(got: string[], n: number): Promise<void> {
  for (let i = 0; i < 100 && got.length < n; i++) await turn();
}

describe('Inbox journal of the wrong shape', () => {
  test.each([
    ['null', null],
    ['done not a list', { version: 1, pending: [stored('d1')], done: 'd1' }],
    ['pending not a list', { version: 1, pending: 'd1', done: [] }],
  ])('a document that is %s is reported and only the log is replayed', async (_what, doc) => {
    const store = new MemorySessionStore(
      new Map([[KEY, JSON.stringify(doc)]]),
      new Map([[KEY, [JSON.stringify({ a: stored('l1') })]]]),
    );
    const { logger, lines } = captureLogger();
    const { inbox } = make(store, {}, logger);
    await inbox.load();
    expect(lines().filter((l) => l['msg'] === 'inbox journal unreadable; starting from its log only')).toEqual([
      expect.objectContaining({ level: 40, key: KEY }),
    ]);
    expect(inbox.pendingCount).toBe(1);
    expect(inbox.seen('l1')).toBe(true);
    expect(inbox.seen('d1')).toBe(false);
  });

  test('a readable document is used and not reported', async () => {
    const store = new MemorySessionStore(
      new Map([[KEY, JSON.stringify({ version: 1, pending: [stored('p1')], done: ['d1'] })]]),
    );
    const { logger, lines } = captureLogger();
    const { inbox } = make(store, {}, logger);
    await inbox.load();
    expect(lines()).toEqual([]);
    expect(inbox.seen('p1')).toBe(true);
    expect(inbox.seen('d1')).toBe(true);
    expect(await inbox.accept([entry('d1'), entry('p1')])).toEqual([]);
  });

  test('pending entries and log records that are not entries are skipped', async () => {
    const bad = [null, 5, {}, { raw: null }, { raw: { MsgId: 7 } }];
    const store = new MemorySessionStore(
      new Map([[KEY, JSON.stringify({ version: 1, pending: [...bad, stored('ok1')], done: [] })]]),
      new Map([[KEY, [null, 3, ...bad.map((a) => ({ a })), { a: stored('ok2') }].map((r) => JSON.stringify(r))]]),
    );
    const { inbox } = make(store);
    await inbox.load();
    expect(inbox.pendingCount).toBe(2);
    expect(inbox.seen('ok1') && inbox.seen('ok2')).toBe(true);
  });
});

describe('Inbox delivery bookkeeping', () => {
  test('nothing is delivered before a handler is set; setting it delivers what waits', async () => {
    const { inbox, got, errors } = make();
    await inbox.load();
    await inbox.accept([entry('1')]);
    inbox.deliverPending();
    await turn();
    expect(errors).toEqual([]);
    expect(inbox.pendingCount).toBe(1);
    inbox.setHandler(async (m) => {
      got.push(m.raw.MsgId);
    });
    expect(got).toEqual(['1']);
  });

  test('the first entry of a chat without a gate starts at once, synchronously', async () => {
    const { inbox, got } = make();
    await inbox.load();
    inbox.setHandler(async (m) => {
      got.push(m.raw.MsgId);
    });
    await inbox.accept([entry('1')]);
    expect(got).toEqual([]);
    inbox.deliverPending();
    expect(got).toEqual(['1']);
  });

  test('a delivery while others still start one per turn joins their queue: still one handler per turn', async () => {
    const { inbox, got } = make();
    await inbox.load();
    inbox.setHandler(async (m) => {
      got.push(m.raw.MsgId);
    });
    await inbox.accept([entry('1'), entry('2'), entry('3')]);
    inbox.deliverPending();
    await inbox.accept([entry('4', '@b')]);
    inbox.deliverPending();
    expect(got).toEqual(['1']);
    await until(got, 4);
    expect(got).toEqual(['1', '2', '3', '4']);
  });

  test('started() settles once every ready entry has had its handler started, and ignores gated ones', async () => {
    const held = gate();
    const { inbox, got } = make(undefined, {
      beforeDeliver: (msgs) => (msgs[0]!.raw.FromUserName === '@g' ? held.promise : undefined),
    });
    await inbox.load();
    expect(inbox.started()).toBeUndefined();
    inbox.setHandler(async (m) => {
      got.push(m.raw.MsgId);
    });
    await inbox.accept([entry('1'), entry('2'), entry('3'), entry('4', '@g')]);
    inbox.deliverPending();
    const started = inbox.started();
    expect(started).toBeDefined();
    let settled = false;
    void started!.then(() => (settled = true));
    await turn();
    expect([got.length, settled]).toEqual([2, false]);
    await until(got, 3);
    await turn();
    // '4' still waits on its gate: it does not hold started() back.
    expect([got, settled]).toEqual([['1', '2', '3'], true]);
    expect(inbox.started()).toBeUndefined();
    held.open();
    await until(got, 4);
    expect(got).toEqual(['1', '2', '3', '4']);
  });

  test('started() settles when the inbox stops starting handlers', async () => {
    const { inbox, got } = make();
    await inbox.load();
    inbox.setHandler(async (m) => {
      got.push(m.raw.MsgId);
    });
    await inbox.accept([entry('1'), entry('2'), entry('3')]);
    inbox.deliverPending();
    const started = inbox.started()!;
    await inbox.idle(1000);
    await started;
    expect(got).toEqual(['1']);
  });

  test('chatOf given in the delivery options groups the entries for the gate', async () => {
    const groups: string[][] = [];
    const { inbox } = make(undefined, {
      chatOf: () => 'one chat',
      beforeDeliver: (msgs) => {
        groups.push(msgs.map((m) => m.raw.MsgId));
        return undefined;
      },
    });
    await inbox.load();
    inbox.setHandler(async () => undefined);
    await inbox.accept([entry('1', '@a'), entry('2', '@b')]);
    inbox.deliverPending();
    expect(groups).toEqual([['1', '2']]);
  });

  test("a chat's entries keep their order across gates: a later entry waits for an earlier gated one", async () => {
    const gates = [gate(), gate()];
    let n = 0;
    const { inbox, got } = make(undefined, { beforeDeliver: () => gates[n++]?.promise });
    await inbox.load();
    inbox.setHandler(async (m) => {
      got.push(m.raw.MsgId);
    });
    await inbox.accept([entry('1')]);
    inbox.deliverPending();
    await inbox.accept([entry('2')]);
    inbox.deliverPending();
    gates[0]!.open();
    await until(got, 1);
    expect(got).toEqual(['1']);
    // The third needs no gate of its own, but the second still waits behind one.
    await inbox.accept([entry('3')]);
    inbox.deliverPending();
    await turn();
    await turn();
    expect(got).toEqual(['1']);
    gates[1]!.open();
    await until(got, 3);
    expect(got).toEqual(['1', '2', '3']);
  });

  test('idle() waits for every running handler, not the first to finish', async () => {
    const { inbox } = make();
    await inbox.load();
    const holds = new Map([
      ['1', gate()],
      ['2', gate()],
    ]);
    inbox.setHandler((m) => holds.get(m.raw.MsgId)!.promise);
    await inbox.accept([entry('1'), entry('2', '@b')]);
    inbox.deliverPending();
    await turn();
    expect(inbox.inflightCount).toBe(2);
    let idle: boolean | undefined;
    const done = inbox.idle(2000).then((ok) => (idle = ok));
    holds.get('1')!.open();
    await turn();
    await turn();
    expect(idle).toBeUndefined();
    holds.get('2')!.open();
    await done;
    expect(idle).toBe(true);
  });
});

describe('Inbox journal failures', () => {
  test('durable() fails when the journal cannot reach the disk', async () => {
    const store = new MemorySessionStore();
    store.log.sync = () => Promise.reject(new Error('disk gone'));
    const { inbox } = make(store);
    await inbox.load();
    await inbox.accept([entry('1')]);
    await expect(inbox.durable()).rejects.toThrow('disk gone');
  });

  test('a done mark that cannot be written is logged; the entry still counts as handled', async () => {
    const store = new MemorySessionStore();
    const { logger, lines } = captureLogger();
    const { inbox } = make(store, {}, logger);
    await inbox.load();
    await inbox.accept([entry('1')]);
    store.log.append = () => Promise.reject(new Error('disk full'));
    const handled = gate();
    inbox.setHandler(async () => {
      handled.open();
    });
    await handled.promise;
    await new Promise((r) => setTimeout(r, NOTE_WINDOW_MS + 5)); // the done mark is a note: it goes within the window
    expect(lines().find((l) => l['msg'] === 'inbox journal write failed')).toMatchObject({
      level: 50,
      err: { message: 'disk full' },
    });
    expect(inbox.pendingCount).toBe(0);
    expect(await inbox.accept([entry('1')]).catch(() => 'rejected')).toEqual([]);
  });
});
