import { afterEach, describe, expect, it } from '@jest/globals';
import { FileSessionStore, type SentMessage } from '@wxbot/core';

import { IlinkNetworkError, SendOutcomeUnknown, type IlinkTransport } from '../src/index.js';
import { DyingStore, fixture, until, type Fixture } from './helpers.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const ALICE = 'alice@im.wechat';

/** A handler that answers every message once, passing the message id as the send's cause. */
function answering(t: IlinkTransport, results: (SentMessage | Error)[], gate?: Promise<void>): void {
  t.setHandler(async (m) => {
    try {
      results.push(await t.sendText(m.message.chat.userName, 'the answer', { cause: m.message.id }));
    } catch (err) {
      results.push(err as Error);
    }
    await gate;
  });
}

describe('sends made while handling a message', () => {
  it('are not made again when a crash hands the message over a second time', async () => {
    fx = await fixture({ quota: false });
    const store = new DyingStore(new FileSessionStore(fx.dir), Number.POSITIVE_INFINITY);
    const t1 = fx.transport({ sessionStore: store });
    let release!: () => void;
    const first: (SentMessage | Error)[] = [];
    answering(t1, first, new Promise<void>((r) => (release = r)));
    await t1.start();
    fx.sim.say(ALICE, 'question');
    await until(() => first.length === 1, 5_000, 'the first answer');
    // The process dies after the answer went out, before the message was marked handled.
    store.dead = true;
    release();
    await t1.stop().catch(() => undefined);

    const t2 = fx.transport();
    const second: (SentMessage | Error)[] = [];
    answering(t2, second);
    await t2.start();
    await until(() => second.length === 1, 5_000, 'the re-run');
    expect((second[0] as SentMessage).msgId).toBe((first[0] as SentMessage).msgId);
    expect(fx.sim.sent().map((s) => s.text)).toEqual(['the answer']);
  });

  it('settle as SendOutcomeUnknown when the first run never learnt whether the server took it', async () => {
    fx = await fixture({ quota: false });
    const store = new DyingStore(new FileSessionStore(fx.dir), Number.POSITIVE_INFINITY);
    const t1 = fx.transport({ sessionStore: store, sendRetry: { attempts: 1 } });
    let release!: () => void;
    const first: (SentMessage | Error)[] = [];
    answering(t1, first, new Promise<void>((r) => (release = r)));
    await t1.start();
    // The server takes the send, and the answer is lost on the way back.
    fx.sim.fault({ op: 'sendmessage', kind: 'accept-then-drop' });
    fx.sim.say(ALICE, 'question');
    await until(() => first.length === 1, 5_000, 'the first attempt');
    expect(first[0]).toBeInstanceOf(IlinkNetworkError);
    // The process dies before the message is marked handled.
    store.dead = true;
    release();
    await t1.stop().catch(() => undefined);

    const t2 = fx.transport();
    const second: (SentMessage | Error)[] = [];
    answering(t2, second);
    await t2.start();
    await until(() => second.length === 1, 5_000, 'the re-run');
    expect(second[0]).toBeInstanceOf(SendOutcomeUnknown);
    expect(fx.sim.sent()).toHaveLength(1);
  });
});
