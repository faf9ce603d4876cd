import { jest } from '@jest/globals';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

import { DEFAULT_BUCKETS, Outbox, type OutboxOptions, type SendJournalEntry } from '../../src/client/outbox.js';
import {
  ClientStopped,
  LoggedOut,
  NetworkError,
  RateLimited,
  SendExpired,
  SendOutcomeUnknown,
} from '../../src/client/errors.js';
import { MemorySessionStore } from '../../src/session/file-store.js';

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

const FREE = { burst: 1_000_000, perSecond: 1_000_000 };

function outbox(
  store = new MemorySessionStore(),
  extra: Partial<OutboxOptions> = {},
  logger = pino({ level: 'silent' }),
): Outbox {
  const buckets = Object.fromEntries(Object.keys(DEFAULT_BUCKETS).map((k) => [k, FREE])) as OutboxOptions['buckets'];
  return new Outbox(
    store,
    'bot/outbox',
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

function entry(n: number): SendJournalEntry {
  return { clientMsgId: `c${n}`, kind: 'text', msgType: 1, to: `@u${n}`, content: `m${n}`, session: 's', createdAt: 0 };
}

/** A run() that fails with the given errors in turn, then resolves with 'ok'; counts its calls. */
function failing(...errors: Error[]): { run: () => Promise<string>; calls: () => number } {
  let n = 0;
  return {
    run: () => {
      const e = errors[n++];
      return e ? Promise.reject(e) : Promise.resolve('ok');
    },
    calls: () => n,
  };
}

const reset = (): NetworkError => new NetworkError('webwxsendmsg', 'socket hang up');
const refusedConn = (): NetworkError =>
  new NetworkError('webwxsendmsg', 'connect ECONNREFUSED', undefined, {
    cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
  });

describe('Outbox retries', () => {
  it('an action that is not a journaled send retries network failures networkRetries times', async () => {
    const box = outbox(undefined, { networkRetries: 2 });
    const ok = failing(reset(), reset());
    await expect(box.enqueue('text', 'webwxsendmsg', ok.run)).resolves.toBe('ok');
    expect(ok.calls()).toBe(3);
    const bad = failing(reset(), reset(), reset());
    await expect(box.enqueue('text', 'webwxsendmsg', bad.run)).rejects.toBeInstanceOf(NetworkError);
    expect(bad.calls()).toBe(3);
  });

  it('a journaled send retries network failures until maxAgeMs, then SendExpired logged with its ClientMsgId', async () => {
    const { logger, lines } = captureLogger('warn');
    const box = outbox(undefined, { maxAgeMs: 1000 }, logger);
    const ok = failing(reset(), reset(), reset());
    await expect(box.enqueue('text', 'webwxsendmsg', ok.run, { journaled: true, clientMsgId: 'c1' })).resolves.toBe(
      'ok',
    );
    const old = failing(reset(), reset());
    const err = await box
      .enqueue('text', 'webwxsendmsg', old.run, { journaled: true, clientMsgId: 'c2', createdAt: Date.now() - 1000 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendExpired);
    expect(err).toMatchObject({ clientMsgId: 'c2' });
    expect(old.calls()).toBe(1);
    const drop = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['clientMsgId'] === 'c2');
    expect(drop).toMatchObject({
      msg: 'action dropped: the server did not accept it within sends.maxAgeMs',
      maxAgeMs: 1000,
    });
  });

  it('a lost answer is reconciled: done resolves without a retry, retry repeats the request', async () => {
    const box = outbox();
    const once = failing(reset());
    const seen: NetworkError[] = [];
    const done = await box.enqueue('text', 'webwxsendmsg', once.run, {
      reconcile: async (e) => {
        seen.push(e);
        return { done: 'from echo' };
      },
    });
    expect(done).toBe('from echo');
    expect(once.calls()).toBe(1);
    expect(seen[0]).toBeInstanceOf(NetworkError);

    const again = failing(reset());
    const res = await box.enqueue('text', 'webwxsendmsg', again.run, {
      journaled: true,
      reconcile: async () => 'retry',
    });
    expect(res).toBe('ok');
    expect(again.calls()).toBe(2);
  });

  it('an at-most-once action whose answer was lost is SendOutcomeUnknown, unless the request surely never left', async () => {
    const box = outbox(undefined, { networkRetries: 1 });
    const lost = failing(reset());
    const err = await box
      .enqueue('room', 'webwxupdatechatroom', lost.run, { atMostOnce: true, clientMsgId: 'r1' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendOutcomeUnknown);
    expect((err as Error).cause).toBeInstanceOf(NetworkError);
    expect(lost.calls()).toBe(1);
    const neverLeft = failing(refusedConn());
    let reconciled = 0;
    await expect(
      box.enqueue('room', 'webwxupdatechatroom', neverLeft.run, {
        atMostOnce: true,
        reconcile: async () => {
          reconciled++;
          return { done: 'no' };
        },
      }),
    ).resolves.toBe('ok');
    expect(neverLeft.calls()).toBe(2);
    expect(reconciled).toBe(0);
  });

  it('a logout mid-action waits for recovery twice, then fails', async () => {
    const box = outbox();
    const twice = failing(new LoggedOut('webwxsendmsg', 1101), new LoggedOut('webwxsendmsg', 1101));
    await expect(box.enqueue('text', 'webwxsendmsg', twice.run)).resolves.toBe('ok');
    const thrice = failing(new LoggedOut('x', 1101), new LoggedOut('x', 1101), new LoggedOut('x', 1101));
    await expect(box.enqueue('text', 'webwxsendmsg', thrice.run)).rejects.toBeInstanceOf(LoggedOut);
    expect(thrice.calls()).toBe(3);
  });

  it('1205: the bucket slows down, rateLimitRetries bounds other actions, and each wait is reported', async () => {
    const events: Array<{ endpoint: string; actionClass: string; retryInMs: number; attempt: number }> = [];
    const box = outbox(undefined, { rateLimitRetries: 2, onRateLimited: (e) => events.push(e) });
    const ok = failing(new RateLimited('webwxsendmsg'), new RateLimited('webwxsendmsg'));
    await expect(box.enqueue('misc', 'webwxsendmsg', ok.run)).resolves.toBe('ok');
    expect(events.map((e) => [e.endpoint, e.actionClass, e.attempt])).toEqual([
      ['webwxsendmsg', 'misc', 1],
      ['webwxsendmsg', 'misc', 2],
    ]);
    expect(box.rateFactor('misc')).toBeLessThan(1);
    expect(box.rateFactor('text')).toBe(1);
    const bad = failing(new RateLimited('a'), new RateLimited('a'), new RateLimited('a'));
    await expect(box.enqueue('misc', 'webwxsendmsg', bad.run)).rejects.toBeInstanceOf(RateLimited);
    expect(bad.calls()).toBe(3);
  });

  it('the last 1205 wait of a journaled send ends at its deadline, not after it', async () => {
    const events: Array<{ retryInMs: number }> = [];
    const stop = new AbortController();
    const stopped = outbox(undefined, {
      maxAgeMs: 60_000,
      backoffBaseMs: 600_000,
      backoffMaxMs: 600_000,
      onRateLimited: (e) => {
        events.push(e);
        stop.abort();
      },
      signal: stop.signal,
    });
    const err = await stopped
      .enqueue('text', 'webwxsendmsg', failing(new RateLimited('webwxsendmsg')).run, {
        journaled: true,
        // 3 s left: below the 5 s cap on a 1205 wait, so the deadline is what ends it.
        createdAt: Date.now() - 57_000,
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientStopped);
    expect(events).toHaveLength(1);
    expect(events[0]!.retryInMs).toBeGreaterThan(2_000);
    expect(events[0]!.retryInMs).toBeLessThanOrEqual(3_000);
  });

  it('a stopped outbox refuses new actions and stops one waiting on the network', async () => {
    const stop = new AbortController();
    const box = outbox(undefined, {
      signal: stop.signal,
      networkRetries: 5,
      backoffBaseMs: 60_000,
      backoffMaxMs: 60_000,
    });
    const waiting = box.enqueue('text', 'webwxsendmsg', () => {
      stop.abort();
      return Promise.reject(reset());
    });
    await expect(waiting).rejects.toBeInstanceOf(ClientStopped);
    await expect(box.enqueue('text', 'webwxsendmsg', () => Promise.resolve(1))).rejects.toBeInstanceOf(ClientStopped);
  });

  it('paces by the bucket and waits for the session before each try', async () => {
    let readies = 0;
    const buckets = Object.fromEntries(
      Object.keys(DEFAULT_BUCKETS).map((k) => [k, { burst: 1, perSecond: 50 }]),
    ) as OutboxOptions['buckets'];
    const box = outbox(undefined, {
      buckets,
      jitterMs: 1,
      ready: () => {
        readies++;
        return Promise.resolve();
      },
    });
    const start = Date.now();
    await box.enqueue('text', 'x', () => Promise.resolve(1));
    await box.enqueue('text', 'x', () => Promise.resolve(2));
    await box.enqueue('text', 'x', () => Promise.resolve(3));
    // Burst 1 at 50/s: the second and third wait ~20 ms each for a token.
    expect(Date.now() - start).toBeGreaterThanOrEqual(30);
    expect(readies).toBe(3);
  });

  it('drain() answers true when idle and false when an action outlives the timeout', async () => {
    const box = outbox();
    expect(await box.drain(1)).toBe(true);
    let release!: () => void;
    const held = box.enqueue('text', 'x', () => new Promise<void>((r) => (release = r)));
    expect(await box.drain(5)).toBe(false);
    const drained = box.drain(60_000);
    release();
    await held;
    expect(await drained).toBe(true);
  });
});

describe('Outbox journal', () => {
  it('restores sent ids, dropped ids, echoes and pending sends from the document and the log', async () => {
    const store = new MemorySessionStore(
      new Map([
        [
          'bot/outbox',
          JSON.stringify({
            version: 1,
            pending: [entry(1), entry(2), entry(5), { nope: true }],
            sent: [['c2', 'M2'], 'junk'],
            dropped: ['c5', 9],
            echoes: true,
          }),
        ],
      ]),
      new Map([
        [
          'bot/outbox',
          [
            JSON.stringify({ j: entry(3) }),
            JSON.stringify({ j: entry(4) }),
            JSON.stringify({ a: ['c3', 1234] }),
            JSON.stringify({ a: ['c9', 1] }),
            JSON.stringify({ s: ['c4', 'M4'] }),
            JSON.stringify({ x: 'c1' }),
            'null',
          ],
        ],
      ]),
    );
    const box = outbox(store);
    const replay = await box.load();
    expect(replay.map((e) => e.clientMsgId)).toEqual(['c3']);
    expect(box.attemptedAt('c3')).toBe(1234);
    expect(box.attemptedAt('c9')).toBeUndefined();
    expect(box.wasSent('c2') && box.wasSent('c4')).toBe(true);
    expect(box.wasSent('c1')).toBe(false);
    expect([...box.knownMsgIds()].sort()).toEqual(['M2', 'M4']);
    expect(box.echoesSeen).toBe(true);
    expect(box.pendingSends).toBe(1);
  });

  it('a document of another shape is ignored; noteEchoes is journaled once and survives a crash', async () => {
    const store = new MemorySessionStore(
      new Map([['bot/outbox', JSON.stringify({ version: 1, pending: [entry(1)], sent: 'nope', echoes: true })]]),
    );
    const box = outbox(store);
    expect(await box.load()).toEqual([]);
    expect(box.echoesSeen).toBe(false);
    box.noteEchoes();
    box.noteEchoes();
    expect(box.echoesSeen).toBe(true);
    await box.durable();
    expect(await store.log.read('bot/outbox')).toEqual([{ e: 1 }]);
    const again = outbox(store.snapshot());
    await again.load();
    expect(again.echoesSeen).toBe(true);
    await box.close();
    expect(await store.get('bot/outbox')).toMatchObject({ echoes: true });
    const plain = new MemorySessionStore();
    const fresh = outbox(plain);
    await fresh.load();
    await fresh.close();
    expect('echoes' in ((await plain.get('bot/outbox')) as object)).toBe(false);
  });

  it('markAttempted stamps a pending send once; settle records the answer or the drop', async () => {
    const store = new MemorySessionStore();
    const box = outbox(store);
    await box.load();
    await box.journal(entry(1));
    await box.markAttempted('c1');
    const first = box.attemptedAt('c1');
    expect(first).toEqual(expect.any(Number));
    await box.markAttempted('c1');
    await box.markAttempted('c404');
    expect(box.attemptedAt('c1')).toBe(first);
    expect((await store.log.read('bot/outbox')).filter((r) => 'a' in (r as object))).toHaveLength(1);
    box.settle('c1', 'M1');
    expect(box.pendingSends).toBe(0);
    expect(box.wasSent('c1')).toBe(true);
    expect(box.knownMsgIds().has('M1')).toBe(true);
    box.settle('c404', undefined); // neither pending nor answered: nothing to record
    box.settle('late', 'M9'); // an answer for a send no longer pending still counts as sent
    expect(box.wasSent('late')).toBe(true);
    await box.durable();
    expect(await store.log.read('bot/outbox')).not.toContainEqual({ x: 'c404' });
    await box.close();
    const doc = (await store.get('bot/outbox')) as { sent: Array<[string, string]>; dropped: string[] };
    expect(doc.sent).toEqual([
      ['c1', 'M1'],
      ['late', 'M9'],
    ]);
    expect(doc.dropped).toEqual([]);
  });
});
