import { afterEach, describe, expect, it } from '@jest/globals';
import { FileSessionStore } from '@wxbot/core';

import type { IlinkTransport } from '../src/index.js';
import { DyingStore, fixture, until, type Fixture } from './helpers.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const ALICE = 'alice@im.wechat';

function recorder(t: IlinkTransport): string[] {
  const ids: string[] = [];
  t.setHandler((m) => {
    ids.push(m.message.id);
    return Promise.resolve();
  });
  return ids;
}

/** Waits until `ids` holds `sentinel`: any duplicate from the restart would have been delivered before it. */
async function drainedThrough(f: Fixture, ids: string[]): Promise<void> {
  const { messageId } = f.sim.say(ALICE, 'sentinel');
  await until(() => ids.includes(messageId), 5_000, 'the sentinel');
  ids.splice(ids.indexOf(messageId), 1);
}

describe('the receive loop across restarts', () => {
  it('resumes at the saved cursor: messages sent while stopped arrive once, earlier ones never again', async () => {
    fx = await fixture({ quota: false });
    const t1 = fx.transport();
    const first = recorder(t1);
    await t1.start();
    const before = [fx.sim.say(ALICE, 'a'), fx.sim.say(ALICE, 'b')].map((m) => m.messageId);
    await until(() => first.length === 2);
    await t1.stop();
    const during = [fx.sim.say(ALICE, 'c'), fx.sim.say(ALICE, 'd')].map((m) => m.messageId);
    const t2 = fx.transport();
    const second = recorder(t2);
    await t2.start();
    await drainedThrough(fx, second);
    expect(first).toEqual(before);
    expect(second).toEqual(during);
  });

  it('loses and doubles nothing when the process dies at any write', async () => {
    let crashedMidFlow = 0;
    let survived = 0;
    for (let dieAt = 1; dieAt <= 12; dieAt += 1) {
      fx = await fixture({ quota: false });
      const f = fx;
      const store = new DyingStore(new FileSessionStore(f.dir), dieAt);
      const t1 = f.transport({ sessionStore: store });
      const first = recorder(t1);
      const all: string[] = [];
      await t1.start().catch(() => undefined);
      for (let burst = 0; burst < 2; burst += 1) {
        for (const text of ['x', 'y', 'z']) all.push(f.sim.say(ALICE, `${text}${burst}`).messageId);
        await until(() => store.dead || first.length === all.length, 5_000, `burst ${burst}`);
      }
      if (store.dead) crashedMidFlow += 1;
      else survived += 1;
      // kill -9: nothing more reaches the disk, whatever the dying process still does.
      store.dead = true;
      await t1.stop().catch(() => undefined);

      const inbox = (await new FileSessionStore(f.dir).get('default/ilink-inbox')) as { done: string[] } | undefined;
      const done = new Set(inbox?.done ?? []);
      const t2 = f.transport();
      const second = recorder(t2);
      await t2.start();
      await drainedThrough(f, second);

      const expectedAgain = all.filter((id) => !done.has(id));
      expect({ dieAt, second: [...second].sort() }).toEqual({ dieAt, second: [...expectedAgain].sort() });
      expect(new Set(second).size).toBe(second.length);
      // Handled and durably marked done in the first life: never handed over again.
      for (const id of done) expect(first).toContain(id);
      expect(new Set([...first, ...second])).toEqual(new Set(all));
      await f.close();
      fx = undefined;
    }
    // Every write of the flow was a crash point once, and the last lives saw the whole flow through.
    expect(crashedMidFlow).toBeGreaterThanOrEqual(6);
    expect(survived).toBeGreaterThan(0);
  });

  it.each(['drop', 'http-500', 'accept-then-drop', 'rate-limit', 'latency'] as const)(
    'delivers every message once through getupdates faults (%s)',
    async (kind) => {
      fx = await fixture({ quota: false });
      const t = fx.transport();
      const ids = recorder(t);
      const errors: Error[] = [];
      t.on('error', (e) => errors.push(e.error));
      await t.start();
      const all: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        fx.sim.fault({ op: 'getupdates', kind, times: 2, delayMs: 300 });
        all.push(fx.sim.say(ALICE, `m${i}`).messageId);
        all.push(fx.sim.say(ALICE, `n${i}`).messageId);
        await until(() => all.every((id) => ids.includes(id)), 5_000, `round ${i}`);
      }
      await drainedThrough(fx, ids);
      expect(ids).toEqual(all);
      // A late answer is no error: the long poll just takes longer.
      if (kind === 'latency') expect(errors).toEqual([]);
      else expect(errors.length).toBeGreaterThan(0);
    },
  );
});
