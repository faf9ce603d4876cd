import { jest } from '@jest/globals';
import { pino } from 'pino';
import { DEFAULT_BUCKETS, Outbox, type OutboxOptions, type SendJournalEntry } from '../../src/client/outbox.js';
import { NotFriend, RateLimited, SendExpired } from '../../src/client/errors.js';
import { MemorySessionStore } from '../../src/session/file-store.js';
import { sendFingerprint } from '../../src/client/send-causes.js';
import { NOTE_WINDOW_MS } from '../../src/client/journal.js';

// Unit tests finish in milliseconds: a mutant that stalls one should fail it in seconds (mutation runs).
jest.setTimeout(3000);

const FREE = { burst: 1_000_000, perSecond: 1_000_000 };

function outbox(store = new MemorySessionStore(), extra: Partial<OutboxOptions> = {}): Outbox {
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
    pino({ level: 'silent' }),
  );
}

/** A run() whose completion the test controls. */
function gate(): { run: () => Promise<void>; open: () => void; started: boolean } {
  let open!: () => void;
  const g = {
    started: false,
    open: () => open(),
    run: () => {
      g.started = true;
      return new Promise<void>((r) => {
        open = r;
      });
    },
  };
  return g;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const notesWritten = (): Promise<void> => new Promise((r) => setTimeout(r, NOTE_WINDOW_MS + 5));

function entry(n: number, to = `@u${n}`): SendJournalEntry {
  return { clientMsgId: `c${n}`, kind: 'text', msgType: 1, to, content: `m${n}`, session: 's', createdAt: 0 };
}

describe('Outbox', () => {
  it('runs up to the class limit at once, and one at a time per chat, in order', async () => {
    const box = outbox(undefined, { concurrency: { text: 3 } });
    const gates = Array.from({ length: 5 }, () => gate());
    const chats = ['@a', '@b', '@a', '@c', '@d'];
    const order: number[] = [];
    const jobs = gates.map((g, i) =>
      box.enqueue(
        'text',
        'webwxsendmsg',
        async () => {
          order.push(i);
          await g.run();
        },
        chats[i],
      ),
    );
    await tick();
    // @a #0, @b #1, @c #3 run (limit 3); @a #2 waits for #0; #4 waits for a slot.
    expect(gates.map((g) => g.started)).toEqual([true, true, false, true, false]);
    gates[1]!.open();
    await tick();
    expect(gates[4]!.started).toBe(true);
    expect(gates[2]!.started).toBe(false);
    gates[0]!.open();
    await tick();
    expect(gates[2]!.started).toBe(true);
    for (const g of gates) g.open();
    await Promise.all(jobs);
    expect(order.indexOf(0)).toBeLessThan(order.indexOf(2));
    expect(await box.drain(100)).toBe(true);
  });

  it('a chat waiting out 1205 holds neither the class slot nor other chats; its own next send keeps its order', async () => {
    const stop = new AbortController();
    const box = outbox(undefined, {
      concurrency: { text: 1 },
      rateLimitRetries: Infinity,
      backoffBaseMs: 60_000,
      backoffMaxMs: 60_000,
      maxAgeMs: 600_000,
      signal: stop.signal,
    });
    const order: string[] = [];
    let refusals = 0;
    const refused = box.enqueue(
      'text',
      'webwxsendmsg',
      () => {
        refusals++;
        return Promise.reject(new RateLimited('webwxsendmsg'));
      },
      '@stuck',
    );
    const sameChat = box.enqueue('text', 'webwxsendmsg', () => Promise.resolve(order.push('stuck#2')), '@stuck');
    // A failed assertion must not leave the refused action sleeping out its backoff.
    const cleanup = setTimeout(() => stop.abort(), 4000);
    await tick();
    // Only one slot, and @stuck waits in backoff: the others must go now.
    await box.enqueue('text', 'webwxsendmsg', () => Promise.resolve(order.push('a')), '@a');
    await box.enqueue('text', 'webwxsendmsg', () => Promise.resolve(order.push('b')), '@b');
    expect(order).toEqual(['a', 'b']);
    // 'a' accepted woke it once (the window may have ended); refused again, it waits its backoff out.
    expect(refusals).toBe(2);
    expect(box.rateFactor('text')).toBeLessThan(1); // the class still slowed down
    clearTimeout(cleanup);
    stop.abort();
    await expect(refused).rejects.toThrow('stopped');
    await sameChat.catch(() => undefined);
    expect(order).not.toContain('stuck#2'); // never ahead of the refused send of its chat
  });

  it('after 1205 a send waits at most refusedMaxMs (5 s by default), however long the backoff grew', async () => {
    const stop = new AbortController();
    const waits: number[] = [];
    const box = outbox(undefined, {
      backoffBaseMs: 60_000,
      backoffMaxMs: 60_000,
      maxAgeMs: 600_000,
      signal: stop.signal,
      onRateLimited: (e) => {
        waits.push(e.retryInMs);
        if (waits.length === 1) stop.abort(); // one backoff is enough to read
      },
    });
    const refused = box.enqueue('text', 'webwxsendmsg', () => Promise.reject(new RateLimited('webwxsendmsg')), {
      orderKey: '@a',
      journaled: true,
    });
    await expect(refused).rejects.toThrow('stopped');
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeLessThanOrEqual(5_000);
    expect(waits[0]).toBeGreaterThan(0);
  });

  it('a send the server accepts ends the 1205 wait of every held send of its class at once', async () => {
    const stop = new AbortController();
    // Without the wake-up these would wait up to the (large) cap: the test would time out.
    const box = outbox(undefined, {
      backoffBaseMs: 60_000,
      backoffMaxMs: 60_000,
      refusedMaxMs: 60_000,
      maxAgeMs: 600_000,
      signal: stop.signal,
    });
    const cleanup = setTimeout(() => stop.abort(), 4000);
    let windowOpen = true;
    const rateLimited = new Set<string>();
    const send = (chat: string): Promise<string> =>
      box.enqueue(
        'text',
        'webwxsendmsg',
        () => {
          if (windowOpen) {
            rateLimited.add(chat);
            return Promise.reject(new RateLimited('webwxsendmsg'));
          }
          return Promise.resolve(chat);
        },
        { orderKey: chat, journaled: true },
      );
    const held = ['@a', '@b', '@c'].map(send);
    while (rateLimited.size < 3) await tick();
    windowOpen = false;
    // Another chat's send goes through: the window is over, the held ones retry now, in their own order.
    await expect(send('@d')).resolves.toBe('@d');
    await expect(Promise.all(held)).resolves.toEqual(['@a', '@b', '@c']);
    clearTimeout(cleanup);
    stop.abort();
  });

  it('a journaled send refused with 1205 is retried until maxAgeMs, then SendExpired; 1204 is not retried', async () => {
    // rateLimitRetries is 0 here: it bounds room and friend actions, not journaled sends.
    const box = outbox(undefined, { maxAgeMs: 50, backoffBaseMs: 5, backoffMaxMs: 10 });
    await expect(
      box.enqueue('room', 'webwxupdatechatroom', () => Promise.reject(new RateLimited('webwxupdatechatroom'))),
    ).rejects.toBeInstanceOf(RateLimited);
    let tries = 0;
    const err = await box
      .enqueue(
        'text',
        'webwxsendmsg',
        () => {
          tries++;
          return Promise.reject(new RateLimited('webwxsendmsg'));
        },
        { orderKey: '@a', clientMsgId: 'c1', journaled: true },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendExpired);
    expect((err as SendExpired).clientMsgId).toBe('c1');
    expect(tries).toBeGreaterThan(2);
    let friendTries = 0;
    await expect(
      box.enqueue('text', 'webwxsendmsg', () => {
        friendTries++;
        return Promise.reject(new NotFriend('webwxsendmsg'));
      }),
    ).rejects.toBeInstanceOf(NotFriend);
    expect(friendTries).toBe(1);
  });

  it('the attempted mark is journaled and restored, so a restart knows the request may have gone out', async () => {
    const store = new MemorySessionStore();
    const box = outbox(store);
    await box.load();
    await box.journal(entry(1));
    await box.journal(entry(2));
    await box.markAttempted('c1');
    const replay = await outbox(store.snapshot()).load();
    expect(replay.find((e) => e.clientMsgId === 'c1')?.attemptedAt).toEqual(expect.any(Number));
    expect(replay.find((e) => e.clientMsgId === 'c2')?.attemptedAt).toBeUndefined();
  });

  it('a failed action does not stall its chat', async () => {
    const box = outbox();
    const failed = box.enqueue('text', 'webwxsendmsg', () => Promise.reject(new Error('boom')), '@a');
    const next = box.enqueue('text', 'webwxsendmsg', () => Promise.resolve('ok'), '@a');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });

  it('a send dropped after a definitive failure stays dropped even if a crash mid-fold replays its journal record', async () => {
    const store = new MemorySessionStore();
    const box = outbox(store);
    await box.load();
    await box.journal(entry(7));
    box.settle('c7', undefined);
    await box.close();
    // A crash between saving the document and clearing the log leaves the old record behind.
    await store.log.append('bot/outbox', [{ j: entry(7) }]);
    expect(await outbox(store).load()).toEqual([]);
  });

  it('a send whose journal write failed is forgotten: the caller was told it failed, no restart sends it', async () => {
    const store = new MemorySessionStore();
    const log = store.log;
    let fail = true;
    const flaky = Object.assign(Object.create(store) as MemorySessionStore, {
      log: {
        ...log,
        append: (k: string, r: readonly unknown[]) => (fail ? Promise.reject(new Error('EIO')) : log.append(k, r)),
      },
    });
    const box = outbox(flaky);
    await box.load();
    await expect(box.journal(entry(1))).rejects.toThrow('EIO');
    expect(box.pendingSends).toBe(0);
    fail = false;
    await box.journal(entry(2));
    await box.close();
    const again = outbox(store);
    expect((await again.load()).map((e) => e.clientMsgId)).toEqual(['c2']);
  });

  it("a send's cause survives a crash with its outcome: answered, unknown, or refused (then forgotten)", async () => {
    const store = new MemorySessionStore();
    const box = outbox(store);
    await box.load();
    const caused = (n: number): SendJournalEntry => ({ ...entry(n, '@a'), cause: 'm1' });
    for (const n of [1, 2, 3, 4]) await box.journal(caused(n));
    box.settle('c1', '9001');
    box.settle('c2', undefined, true); // SendOutcomeUnknown
    box.settle('c3', undefined); // refused: provably not delivered
    await box.durable();
    const crashed = store.snapshot();
    await box.release();
    const after = outbox(crashed);
    expect((await after.load()).map((e) => e.clientMsgId)).toEqual(['c4']);
    expect(after.msgIdOf('c1')).toBe('9001');
    expect(after.outcomeUnknown('c2')).toBe(true);
    expect(after.outcomeUnknown('c1')).toBe(false);
    const r = after.recoveredCauses();
    const fp = (n: number): string => sendFingerprint(caused(n));
    expect([r.claim('m1', fp(1)), r.claim('m1', fp(2)), r.claim('m1', fp(3)), r.claim('m1', fp(4))]).toEqual([
      'c1',
      'c2',
      undefined,
      'c4',
    ]);
    // Folded into the document, it says the same.
    await after.close();
    const folded = outbox(crashed);
    await folded.load();
    expect(folded.outcomeUnknown('c2')).toBe(true);
    expect(folded.recoveredCauses().claim('m1', fp(4))).toBe('c4');
  });

  it('journals sends before they run and replays only unanswered ones after a crash', async () => {
    const store = new MemorySessionStore();
    const box = outbox(store);
    await box.load();
    for (let i = 1; i <= 4; i++) await box.journal(entry(i));
    box.settle('c1', '111');
    box.settle('c2', undefined); // definitive failure: dropped, never replayed
    await notesWritten(); // settle() notes its record: nobody waits for it, it lands within the note window
    const crashed = store.snapshot();
    const again = outbox(crashed);
    const replay = await again.load();
    expect(replay.map((e) => e.clientMsgId)).toEqual(['c3', 'c4']);
    expect(again.wasSent('c1')).toBe(true);
    expect(again.knownMsgIds().has('111')).toBe(true);
    // The journal was folded on load: the log is empty and the document holds it all.
    expect(await crashed.log.read('bot/outbox')).toEqual([]);
    await again.close();
  });
});
