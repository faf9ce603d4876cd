/**
 * The account's own messages (sentByBot, the echoes of the bot's sends) without a journal record when
 * nothing consumes them durably (setHandler's `journalOwn`): delivered from memory, no done mark, left
 * out of a fold; everything else journaled as before.
 */
import { pino } from 'pino';

import { Inbox } from '../../src/client/inbox.js';
import type { IncomingMessage } from '../../src/client/types.js';
import { MemorySessionStore } from '../../src/session/file-store.js';
import type { RawMessage } from '../../src/wire/types.js';

const KEY = 'inbox';
const raw = (id: string): RawMessage => ({ MsgId: id, MsgType: 1, FromUserName: '@a', Content: id }) as RawMessage;

function make(journalOwn?: () => boolean) {
  const store = new MemorySessionStore();
  const inbox = new Inbox(store, KEY, 100, pino({ level: 'silent' }), () => undefined);
  const got: string[] = [];
  inbox.setHandler((m: IncomingMessage) => {
    got.push(`${m.raw.MsgId}${m.sentByBot ? ' (own)' : ''}`);
    return Promise.resolve();
  }, journalOwn);
  return { store, inbox, got };
}

async function records(store: MemorySessionStore): Promise<unknown[]> {
  return await store.log.read(KEY);
}

/** Lets the handlers started one per turn run and settle (no idle(): it stops the inbox and folds). */
const settled = async (_inbox: Inbox): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

test('when nothing consumes them durably, own messages are delivered without a record or a done mark', async () => {
  const { store, inbox, got } = make(() => false);
  await inbox.load();
  await inbox.accept([
    { raw: raw('in1'), sentByBot: false },
    { raw: raw('echo1'), sentByBot: true },
  ]);
  inbox.deliverPending();
  await settled(inbox);
  expect(got).toEqual(['in1', 'echo1 (own)']);
  await inbox.durable();
  const written = await records(store);
  expect(written.filter((r) => JSON.stringify(r).includes('echo1'))).toEqual([]);
  expect(written.filter((r) => JSON.stringify(r).includes('in1')).map((r) => Object.keys(r as object)[0])).toEqual([
    'a',
    'd',
  ]);
  // Still deduped in memory: the same echo again is not handed over twice.
  expect(await inbox.accept([{ raw: raw('echo1'), sentByBot: true }])).toEqual([]);
});

test('by default, and when something consumes them durably, own messages are journaled like any other', async () => {
  for (const journalOwn of [undefined, () => true]) {
    const { store, inbox, got } = make(journalOwn);
    await inbox.load();
    await inbox.accept([{ raw: raw('echo2'), sentByBot: true }]);
    inbox.deliverPending();
    await settled(inbox);
    await inbox.durable();
    expect(got).toEqual(['echo2 (own)']);
    expect((await records(store)).map((r) => Object.keys(r as object)[0])).toEqual(['a', 'd']);
  }
});

test('an own message not yet handled is left out of a fold (it was never durable), an inbound one is kept', async () => {
  const store = new MemorySessionStore();
  const inbox = new Inbox(store, KEY, 100, pino({ level: 'silent' }), () => undefined);
  await inbox.load();
  // No handler yet: entries wait in memory; the answer is asked as they arrive.
  inbox.setHandler(
    () => new Promise<void>(() => undefined),
    () => false,
  );
  await inbox.accept([
    { raw: raw('in3'), sentByBot: false },
    { raw: raw('echo3'), sentByBot: true },
  ]);
  await (inbox as unknown as { journal: { fold(): Promise<void> } }).journal.fold();
  const doc = (await store.get(KEY)) as { pending: IncomingMessage[] };
  expect(doc.pending.map((m) => m.raw.MsgId)).toEqual(['in3']);
  // A restart delivers the inbound message again; the echo is gone, as a crash loses it.
  const again = new Inbox(store, KEY, 100, pino({ level: 'silent' }), () => undefined);
  await again.load();
  const got: string[] = [];
  again.setHandler((m) => {
    got.push(m.raw.MsgId);
    return Promise.resolve();
  });
  await settled(again);
  expect(got).toEqual(['in3']);
});
