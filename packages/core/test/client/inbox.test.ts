import { jest } from '@jest/globals';
import { pino } from 'pino';

import { Inbox } from '../../src/client/inbox.js';
import type { IncomingMessage } from '../../src/client/types.js';
import type { RawMessage } from '../../src/wire/types.js';
import { MemorySessionStore } from '../../src/session/file-store.js';

// Unit tests finish in milliseconds: a mutant that stalls one should fail it in seconds (mutation runs).
jest.setTimeout(3000);

function entry(n: number): { raw: RawMessage; sentByBot: boolean } {
  return { raw: { MsgId: `m${n}`, MsgType: 1, Content: `ping ${n}` } as RawMessage, sentByBot: false };
}

describe('Inbox delivery', () => {
  it('starts one handler per turn, so what a handler sends leaves before the next message is dispatched', async () => {
    const inbox = new Inbox(new MemorySessionStore(), 'inbox', 100, pino({ level: 'silent' }), () => undefined);
    await inbox.load();
    const events: string[] = [];
    let handled = 0;
    const all = new Promise<void>((resolve) => {
      inbox.setHandler(async (m: IncomingMessage) => {
        events.push(`start ${m.raw.MsgId}`);
        // Node writes a request to its socket from a nextTick: that is what must not wait for the batch.
        process.nextTick(() => events.push(`write ${m.raw.MsgId}`));
        await Promise.resolve();
        if (++handled === 4) resolve();
      });
    });
    const fresh = await inbox.accept([entry(1), entry(2), entry(3), entry(4)]);
    expect(fresh).toHaveLength(4);
    inbox.deliverPending();
    await all;
    expect(events).toEqual([
      'start m1',
      'write m1',
      'start m2',
      'write m2',
      'start m3',
      'write m3',
      'start m4',
      'write m4',
    ]);
    expect(await inbox.idle(1000)).toBe(true);
  });

  it('once stopping, starts nothing more: the rest stays journaled and is delivered at the next start', async () => {
    const store = new MemorySessionStore();
    const silent = pino({ level: 'silent' });
    const first = new Inbox(store, 'inbox', 100, silent, () => undefined);
    await first.load();
    const started: string[] = [];
    let stopping: Promise<boolean> | undefined;
    first.setHandler(async (m: IncomingMessage) => {
      started.push(m.raw.MsgId);
      stopping ??= first.idle(1000); // stop() arrives while the batch is being started
    });
    await first.accept([entry(1), entry(2), entry(3)]);
    first.deliverPending();
    await new Promise((r) => setTimeout(r, 20));
    expect(await stopping).toBe(true);
    expect(started).toEqual(['m1']);

    const second = new Inbox(store, 'inbox', 100, silent, () => undefined);
    await second.load();
    const replayed: string[] = [];
    second.setHandler(async (m: IncomingMessage) => {
      replayed.push(m.raw.MsgId);
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(replayed).toEqual(['m2', 'm3']);
    expect(await second.idle(1000)).toBe(true);
  });
});

describe('Inbox per-chat gates', () => {
  const chatEntry = (n: number, from: string): { raw: RawMessage; sentByBot: boolean } => ({
    raw: { MsgId: `c${n}`, MsgType: 1, FromUserName: from, Content: `${from} ${n}` } as RawMessage,
    sentByBot: false,
  });

  it('a gated chat waits alone, and its later entries queue behind its gate in order', async () => {
    const inbox = new Inbox(new MemorySessionStore(), 'inbox', 100, pino({ level: 'silent' }), () => undefined);
    await inbox.load();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    inbox.beforeDeliver = (msgs) =>
      msgs[0]!.raw.FromUserName === '@slow' && msgs[0]!.raw.MsgId === 'c1' ? gate : undefined;
    const got: string[] = [];
    let notify: (() => void) | undefined;
    inbox.setHandler(async (m) => {
      got.push(m.raw.MsgId);
      notify?.();
    });
    const reached = (n: number): Promise<void> =>
      new Promise<void>((resolve) => {
        notify = () => {
          if (got.length >= n) resolve();
        };
        notify();
      });
    await inbox.accept([chatEntry(1, '@slow'), chatEntry(2, '@fast')]);
    inbox.deliverPending();
    await reached(1);
    expect(got).toEqual(['c2']);
    // A later delivery for the gated chat needs no lookup of its own, yet must not overtake c1.
    await inbox.accept([chatEntry(3, '@slow'), chatEntry(4, '@fast')]);
    inbox.deliverPending();
    await reached(2);
    expect(got).toEqual(['c2', 'c4']);
    open();
    await reached(4);
    expect(got).toEqual(['c2', 'c4', 'c1', 'c3']);
    expect(await inbox.idle(1000)).toBe(true);
  });
});
