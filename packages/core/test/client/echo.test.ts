import { jest } from '@jest/globals';
import type { RawMessage } from '../../src/wire/types.js';
import { BOT_MSG_ID_MEMORY, EchoTracker } from '../../src/client/echo.js';

const echo = (msgId: string, content = 'hi'): RawMessage =>
  ({ MsgId: msgId, FromUserName: '@self', ToUserName: '@bob', MsgType: 1, Content: content }) as RawMessage;

test('ids of sent messages are remembered for echo detection, but only the latest BOT_MSG_ID_MEMORY', () => {
  const tracker = new EchoTracker();
  const extra = 5;
  for (let i = 1; i <= BOT_MSG_ID_MEMORY + extra; i++) tracker.ids.add(`id${i}`);
  expect(tracker.ids.size).toBe(BOT_MSG_ID_MEMORY);
  // The oldest ids are forgotten: their echoes (long past) are no longer marked as the bot's.
  for (let i = 1; i <= extra; i++) expect(tracker.isBotMessage(echo(`id${i}`))).toBe(false);
  expect(tracker.isBotMessage(echo(`id${extra + 1}`))).toBe(true);
  expect(tracker.isBotMessage(echo(`id${BOT_MSG_ID_MEMORY + extra}`))).toBe(true);
});

test('an echo that beats the send answer is the bot’s while the send is in flight, and its id is learned', () => {
  jest.useFakeTimers();
  try {
    const tracker = new EchoTracker();
    const release = tracker.sending('@bob', 1, 'hi');
    expect(tracker.isBotMessage(echo('m1'))).toBe(true);
    expect(tracker.isBotMessage(echo('m2', 'other text'))).toBe(false);
    release();
    // The marker outlives the answer briefly: the echo can trail the HTTP answer.
    expect(tracker.isBotMessage(echo('m3'))).toBe(true);
    jest.advanceTimersByTime(30_000);
    expect(tracker.isBotMessage(echo('m4'))).toBe(false);
    expect(tracker.isBotMessage(echo('m1'))).toBe(true);
  } finally {
    jest.useRealTimers();
  }
});

test('a file send (MsgType 6) matches its echo as an app message (49)', () => {
  const tracker = new EchoTracker();
  tracker.sending('@bob', 6, '<appmsg/>');
  expect(tracker.isBotMessage({ ...echo('f1', '<other/>'), MsgType: 49 })).toBe(true);
});

test('markers of many answered sends expire with one timer, each after its own grace', () => {
  jest.useFakeTimers();
  try {
    const tracker = new EchoTracker();
    const releases = Array.from({ length: 50 }, (_, i) => tracker.sending('@bob', 1, `t${i}`));
    for (const r of releases.slice(0, 25)) r();
    jest.advanceTimersByTime(10_000);
    for (const r of releases.slice(25)) r();
    // One timer for all of them (the old code armed one per send).
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(20_000);
    expect(tracker.isBotMessage(echo('a', 't0'))).toBe(false); // released at 0: expired at 30 s
    expect(tracker.isBotMessage(echo('b', 't30'))).toBe(true); // released at 10 s: still in its grace
    jest.advanceTimersByTime(10_000);
    expect(tracker.isBotMessage(echo('c', 't31'))).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  } finally {
    jest.useRealTimers();
  }
});

describe('sends on the wire (the sync loop reads the echo once they are answered)', () => {
  afterEach(() => jest.useRealTimers());

  test('settled() is undefined with no send out, and resolves when the last one settles', async () => {
    const tracker = new EchoTracker();
    expect(tracker.settled(500)).toBeUndefined();
    const a = tracker.sending('@bob', 1, 'one');
    const b = tracker.sending('@bob', 1, 'two');
    let quiet = false;
    void tracker.settled(10_000)!.then(() => (quiet = true));
    a();
    await Promise.resolve();
    expect(quiet).toBe(false);
    b();
    await Promise.resolve();
    await Promise.resolve();
    expect(quiet).toBe(true);
    expect(tracker.settled(500)).toBeUndefined();
  });

  test('settled() gives up after its bound, and a waiter that gave up is not kept', async () => {
    jest.useFakeTimers();
    const tracker = new EchoTracker();
    const release = tracker.sending('@bob', 1, 'slow');
    let quiet = false;
    void tracker.settled(500)!.then(() => (quiet = true));
    await jest.advanceTimersByTimeAsync(499);
    expect(quiet).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(quiet).toBe(true);
    expect((tracker as unknown as { quiet: unknown[] }).quiet).toHaveLength(0);
    release();
  });

  test('answered() counts taken sends and learns the id; a send that failed is not counted', () => {
    const tracker = new EchoTracker();
    const failed = tracker.sending('@bob', 1, 'x');
    failed();
    expect(tracker.answeredCount).toBe(0);
    tracker.answered('m9');
    tracker.answered('');
    expect(tracker.answeredCount).toBe(2);
    expect(tracker.ids.has('m9')).toBe(true);
    expect(tracker.ids.size).toBe(1);
  });
});

test('settled() gives up at once when its signal aborts, and not at all when it already has', async () => {
  const tracker = new EchoTracker();
  const release = tracker.sending('@bob', 1, 'slow');
  const ctl = new AbortController();
  let quiet = false;
  void tracker.settled(60_000, ctl.signal)!.then(() => (quiet = true));
  ctl.abort();
  await Promise.resolve();
  await Promise.resolve();
  expect(quiet).toBe(true);
  expect((tracker as unknown as { quiet: unknown[] }).quiet).toHaveLength(0);
  expect(tracker.settled(60_000, ctl.signal)).toBeUndefined();
  release();
});
