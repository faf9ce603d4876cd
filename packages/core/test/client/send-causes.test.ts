import type { BotAction, Simulator } from '@wxbot/simulator';

import type { WebWxClient } from '../../src/client/client.js';
import type { IncomingMessage } from '../../src/client/types.js';
import type { SentMessage } from '../../src/message/sent.js';
import { MemorySessionStore } from '../../src/session/file-store.js';
import { newClient, simSuite, waitFor } from './helpers.js';

const accepted = (sim: Simulator): BotAction[] =>
  sim.actions().filter((a) => a.endpoint === 'webwxsendmsg' && a.ret === 0);

const deliveries = (sim: Simulator, text: string): number => accepted(sim).filter((a) => a.content === text).length;

describe('a handler run again after a crash does not repeat the sends its first run made', () => {
  const env = simSuite();
  const clients: WebWxClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.stop().catch(() => undefined)));
  });

  /** The first client, warmed up so its session and SyncKey are saved. */
  async function firstClient(sim: Simulator, store: MemorySessionStore): Promise<WebWxClient> {
    const first = newClient(sim, env.dir, { sessionStore: store });
    clients.push(first);
    return first;
  }

  it('kill -9 inside the reply (the server took it): the redelivered message is answered once', async () => {
    const sim = await env.start();
    const store = new MemorySessionStore();
    const first = await firstClient(sim, store);
    const echo =
      (c: WebWxClient, results: unknown[]) =>
      async (m: IncomingMessage): Promise<void> => {
        if (m.sentByBot || !m.raw.Content.startsWith('q')) return;
        results.push(
          await c
            .sendText(m.raw.FromUserName, `echo ${m.raw.Content}`, { cause: m.raw.MsgId })
            .catch((e: unknown) => e),
        );
      };
    const firstResults: unknown[] = [];
    first.setMessageHandler(echo(first, firstResults));
    await first.start();
    sim.say({ from: 'wxid_alice', text: 'q0' });
    await waitFor(() => deliveries(sim, 'echo q0') === 1, 'the warm-up reply');
    await new Promise((r) => setTimeout(r, 150)); // a checkpoint persists the SyncKey (checkpointMs 50)
    let crashed: MemorySessionStore | undefined;
    // The process dies the moment the server takes the reply: the handler never finishes.
    const off = sim.onAction((a) => {
      if (a.endpoint === 'webwxsendmsg' && a.content === 'echo q1' && crashed === undefined) {
        crashed = store.snapshot();
        first.halt();
      }
    });
    sim.say({ from: 'wxid_alice', text: 'q1' });
    await waitFor(() => crashed !== undefined, 'the crash inside the reply');
    off();
    expect(deliveries(sim, 'echo q1')).toBe(1);

    const second = newClient(sim, env.dir, { sessionStore: crashed! });
    clients.push(second);
    const results: unknown[] = [];
    second.setMessageHandler(echo(second, results));
    await second.start();
    await waitFor(() => results.length === 1, 'the redelivered q1 handled', 8000);
    sim.say({ from: 'wxid_alice', text: 'q2' });
    await waitFor(() => deliveries(sim, 'echo q2') === 1, 'a later reply');
    expect(deliveries(sim, 'echo q1')).toBe(1);
    // The second run's call settled with the one delivery's MsgID.
    const delivered = accepted(sim).find((a) => a.content === 'echo q1')!;
    expect((results[0] as SentMessage).msgId).toBe(delivered.msgId);
    await waitFor(() => second['outbox'].pendingSends === 0, 'the journal emptied');
  }, 20_000);

  it('kill -9 after a first reply was answered, inside a second: neither is sent twice', async () => {
    const sim = await env.start();
    const store = new MemorySessionStore();
    const first = await firstClient(sim, store);
    const twice =
      (c: WebWxClient, runs: { n: number }) =>
      async (m: IncomingMessage): Promise<void> => {
        if (m.sentByBot || m.raw.Content !== 'hello') return;
        runs.n++;
        const opts = { cause: m.raw.MsgId };
        await c.sendText(m.raw.FromUserName, 'one', opts);
        await c.sendText(m.raw.FromUserName, 'one', opts); // the same text twice is two sends
        await c.sendText(m.raw.FromUserName, 'two', opts);
      };
    first.setMessageHandler(twice(first, { n: 0 }));
    await first.start();
    let crashed: MemorySessionStore | undefined;
    const off = sim.onAction((a) => {
      if (a.endpoint === 'webwxsendmsg' && a.content === 'two' && crashed === undefined) {
        crashed = store.snapshot();
        first.halt();
      }
    });
    sim.say({ from: 'wxid_bob', text: 'hello' });
    await waitFor(() => crashed !== undefined, 'the crash inside the last reply');
    off();
    expect([deliveries(sim, 'one'), deliveries(sim, 'two')]).toEqual([2, 1]);

    const second = newClient(sim, env.dir, { sessionStore: crashed! });
    clients.push(second);
    const runs = { n: 0 };
    second.setMessageHandler(twice(second, runs));
    await second.start();
    await waitFor(() => runs.n === 1 && second['inbox'].pendingCount === 0, 'the redelivered hello handled', 8000);
    expect([deliveries(sim, 'one'), deliveries(sim, 'two')]).toEqual([2, 1]);
  }, 20_000);
});
