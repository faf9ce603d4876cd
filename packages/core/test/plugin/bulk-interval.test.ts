import { runBulk } from '../../src/plugin/bulk.js';
import type { SentMessage } from '../../src/message/sent.js';
import type { Target } from '../../src/plugin/types.js';

/**
 * minIntervalMs is the gap between messages on the wire. The outbox may hold a send (rate limits,
 * interactive actions first), so the gap counts from when a send settled, not when it was queued.
 */

function heldSend(holdMs: (n: number) => number, wire: number[]) {
  let n = 0;
  return async (to: Target): Promise<SentMessage> => {
    const id = String(n);
    await new Promise((r) => setTimeout(r, holdMs(n++)));
    const sentAt = Date.now();
    wire.push(sentAt);
    const toUserName = typeof to === 'string' ? to : 'someone';
    return { msgId: id, localId: id, toUserName, type: 1, endpoint: 'webwxsendmsg', sentAt };
  };
}

test('a send held in the outbox does not shorten the gap to the next one', async () => {
  const wire: number[] = [];
  // The first send waits 60 ms in the queue; the later ones go out at once.
  const send = heldSend((n) => (n === 0 ? 60 : 0), wire);
  const stopped = new AbortController().signal;
  const result = await runBulk(send, ['a', 'b', 'c'], 'hi', { minIntervalMs: 100 }, stopped);
  expect(result.sent).toHaveLength(3);
  expect(wire[1]! - wire[0]!).toBeGreaterThanOrEqual(100);
  expect(wire[2]! - wire[1]!).toBeGreaterThanOrEqual(100);
});

test('a timer that fires before the clock says it is due is waited out', async () => {
  const wire: number[] = [];
  const send = heldSend(() => 0, wire);
  const realSetTimeout = globalThis.setTimeout;
  // Every timer fires 5 ms early, which a slow clock read or a coarse timer can do by 1 ms.
  const early = ((fn: () => void, ms?: number) => realSetTimeout(fn, Math.max(0, (ms ?? 0) - 5))) as typeof setTimeout;
  globalThis.setTimeout = early;
  try {
    const result = await runBulk(send, ['a', 'b'], 'hi', { minIntervalMs: 40 }, new AbortController().signal);
    expect(result.sent).toHaveLength(2);
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  expect(wire[1]! - wire[0]!).toBeGreaterThanOrEqual(40);
});

test('cancelling during the wait stops before the next send', async () => {
  const wire: number[] = [];
  const send = heldSend(() => 0, wire);
  const stop = new AbortController();
  setTimeout(() => stop.abort(), 30);
  const result = await runBulk(
    send,
    ['a', 'b', 'c'],
    'hi',
    { minIntervalMs: 10_000, signal: stop.signal },
    new AbortController().signal,
  );
  expect(result).toMatchObject({ cancelled: true, notSent: ['b', 'c'] });
  expect(wire).toHaveLength(1);
});
