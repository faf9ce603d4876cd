import { afterEach, describe, expect, it } from '@jest/globals';

import { SessionTimeout, type IlinkTransport } from '../src/index.js';
import { fixture, until, type Fixture } from './helpers.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const ALICE = 'alice@im.wechat';

async function ready(): Promise<IlinkTransport> {
  fx = await fixture({ quota: false });
  const t = fx.transport();
  await t.start();
  fx.sim.say(ALICE, 'hi');
  await until(() => t.contacts.contact(ALICE) !== undefined);
  return t;
}

describe('the iLink outbox', () => {
  it.each(['drop', 'http-500'] as const)('retries a send through %s and it arrives once', async (kind) => {
    const t = await ready();
    fx!.sim.fault({ op: 'sendmessage', kind, times: 2 });
    const sent = await t.sendText(ALICE, 'through');
    expect(fx!.sim.sent().map((s) => s.text)).toEqual(['through']);
    expect(sent.localId).toBe(fx!.sim.sent()[0]?.clientId);
  });

  it('does not retry a session timeout', async () => {
    const t = await ready();
    fx!.sim.fault({ op: 'sendmessage', kind: 'session-timeout', times: 1 });
    await expect(t.sendText(ALICE, 'x')).rejects.toBeInstanceOf(SessionTimeout);
    await t.sendText(ALICE, 'y');
    expect(fx!.sim.sent().map((s) => s.text)).toEqual(['y']);
  });

  it('holds the whole queue after ret -2, keeping the order', async () => {
    const t = await ready();
    fx!.sim.fault({ op: 'sendmessage', kind: 'rate-limit', times: 1 });
    await Promise.all([t.sendText(ALICE, 'first'), t.sendText(ALICE, 'second'), t.sendText(ALICE, 'third')]);
    expect(fx!.sim.sent().map((s) => s.text)).toEqual(['first', 'second', 'third']);
  });
});
