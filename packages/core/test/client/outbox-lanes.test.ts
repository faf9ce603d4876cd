import { jest } from '@jest/globals';
import { pino } from 'pino';

import { DEFAULT_BUCKETS, Outbox, type OutboxOptions } from '../../src/client/outbox.js';
import { MemorySessionStore } from '../../src/session/file-store.js';

/** Issue 16 item 5: a handler's reply is not stuck behind a bulk send, and both keep to the same limits. */

function outbox(store = new MemorySessionStore()): Outbox {
  return new Outbox(
    store,
    'bot/outbox',
    {
      buckets: { ...DEFAULT_BUCKETS, text: { burst: 5, perSecond: 1 } },
      jitterMs: 0,
      rateLimitRetries: 0,
      networkRetries: 0,
      backoffBaseMs: 1,
      backoffMaxMs: 1,
      ready: () => Promise.resolve(),
      onRateLimited: () => undefined,
      signal: new AbortController().signal,
    } satisfies OutboxOptions,
    pino({ level: 'silent' }),
  );
}

/** Lets promise callbacks run without moving the fake clock. */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

beforeEach(() => {
  jest.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  jest.useRealTimers();
});

test('a reply jumps a 200-message bulk queue and goes out at once, within the same rate limit', async () => {
  const box = outbox();
  const sent: { what: string; at: number }[] = [];
  const send = (what: string) => () => {
    sent.push({ what, at: Date.now() });
    return Promise.resolve();
  };
  const bulk = Array.from({ length: 200 }, (_, i) =>
    box.enqueue('text', 'webwxsendmsg', send(`bulk ${i}`), { orderKey: `@member${i}`, lane: 'bulk' }),
  );
  await flush();
  await jest.advanceTimersByTimeAsync(10_000);
  const before = sent.length;
  // 3 at once (2 of the burst of 5 are left for replies), then 1 a second.
  expect(before).toBeGreaterThanOrEqual(12);
  expect(before).toBeLessThanOrEqual(14);

  const reply = box.enqueue('text', 'webwxsendmsg', send('reply'), { orderKey: '@alice' });
  await flush();
  // Sent before any further bulk message, without the clock moving.
  expect(sent.map((s) => s.what).slice(before)).toEqual(['reply']);
  await reply;

  // The bulk send goes on at the account's pace: over 60 s, no more than the bucket allows.
  await jest.advanceTimersByTimeAsync(60_000);
  const window = sent.filter((s) => s.at <= 1_000_000 + 70_000);
  expect(window.length).toBeLessThanOrEqual(5 + 70);
  expect(window.length).toBeGreaterThan(60);
  await jest.advanceTimersByTimeAsync(200_000);
  await Promise.all(bulk);
  expect(sent).toHaveLength(201);
  // Chats have no order between them; every bulk message went out once.
  expect(new Set(sent.map((s) => s.what)).size).toBe(201);
});

test('interactive actions keep their old behaviour: FIFO, every slot and the whole burst', async () => {
  const box = outbox();
  const sent: string[] = [];
  const jobs = Array.from({ length: 6 }, (_, i) =>
    box.enqueue(
      'text',
      'webwxsendmsg',
      () => {
        sent.push(`m${i}`);
        return Promise.resolve();
      },
      `@c${i}`,
    ),
  );
  await flush();
  expect(sent).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  await jest.advanceTimersByTimeAsync(1000);
  await Promise.all(jobs);
  expect(sent).toHaveLength(6);
});

test('a journaled bulk send keeps its lane across a restart (its replay waits behind replies too)', async () => {
  jest.useRealTimers();
  const store = new MemorySessionStore();
  const before = outbox(store);
  await before.load();
  await before.journal({
    clientMsgId: 'c1',
    kind: 'text',
    msgType: 1,
    to: '@bob',
    content: 'news',
    session: 's',
    createdAt: 0,
    lane: 'bulk',
  });
  await before.close();
  const after = outbox(store);
  expect((await after.load()).map((e) => [e.clientMsgId, e.lane])).toEqual([['c1', 'bulk']]);
  await after.close();
});
