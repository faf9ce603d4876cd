import type { BotAction, Simulator } from '@wxbot/simulator';

import { SendOutcomeUnknown } from '../../src/client/errors.js';
import { MemorySessionStore } from '../../src/session/file-store.js';
import { newClient, simSuite, waitFor } from './helpers.js';
import type { WebWxClient } from '../../src/client/client.js';

const accepted = (sim: Simulator, endpoint: string): BotAction[] =>
  sim.actions().filter((a) => a.endpoint === endpoint && a.ret === 0);

/** How many times the server accepted each text. */
function deliveries(sim: Simulator): Map<string, number> {
  const n = new Map<string, number>();
  for (const a of accepted(sim, 'webwxsendmsg')) n.set(a.content ?? '', (n.get(a.content ?? '') ?? 0) + 1);
  return n;
}

describe('a send whose answer was lost is not sent twice', () => {
  const env = simSuite();
  const clients: WebWxClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.stop().catch(() => undefined)));
  });

  it('accept-then-drop on a third of the sends: every send resolves, each text arrives exactly once', async () => {
    const { sim, client } = await env.startWithClient();
    client.setMessageHandler(async () => {});
    await client.start();
    sim.addFault({ kind: 'accept-then-drop', endpoint: 'webwxsendmsg', probability: 0.33 });
    const to = ['wxid_alice', 'wxid_bob', 'wxid_carol', 'dave1988'].map((w) => sim.userNameOf(w));
    const texts = Array.from({ length: 40 }, (_, i) => `m${i}`);
    const results = await Promise.all(texts.map((t, i) => client.sendText(to[i % to.length]!, t)));
    const dropped = sim.actions().filter((a) => a.endpoint === 'webwxsendmsg' && a.responseDropped === true).length;
    expect(dropped).toBeGreaterThan(3); // the fault really fired
    const n = deliveries(sim);
    expect(texts.map((t) => n.get(t) ?? 0)).toEqual(texts.map(() => 1));
    // Reconciled sends resolve with the server's MsgId of the one delivery.
    const ids = new Map(accepted(sim, 'webwxsendmsg').map((a) => [a.content, a.msgId]));
    expect(results.map((r) => r.msgId)).toEqual(texts.map((t) => ids.get(t)));
    expect(client['outbox'].pendingSends).toBe(0);
  });

  it('a request dropped before the server saw it is proven absent by the next syncs and sent once', async () => {
    const { sim, client } = await env.startWithClient();
    client.setMessageHandler(async () => {});
    await client.start();
    sim.addFault({ kind: 'drop', endpoint: 'webwxsendmsg', times: 1 });
    const sent = await client.sendText(sim.userNameOf('wxid_bob'), 'after a drop');
    expect(deliveries(sim).get('after a drop')).toBe(1);
    expect(sent.msgId).toBe(accepted(sim, 'webwxsendmsg')[0]!.msgId);
  });

  it('media: an image whose answer was lost is reconciled by its echo, not uploaded and sent again', async () => {
    const { sim, client } = await env.startWithClient();
    client.setMessageHandler(async () => {});
    await client.start();
    sim.addFault({ kind: 'accept-then-drop', endpoint: 'webwxsendmsgimg', times: 1 });
    const sent = await client.sendImage(sim.userNameOf('wxid_alice'), Buffer.from('PNG-lost-answer'), 'a.png');
    const imgs = accepted(sim, 'webwxsendmsgimg');
    expect(imgs).toHaveLength(1);
    expect(sent.msgId).toBe(imgs[0]!.msgId);
  });

  it('room operations are at most once: a lost answer is SendOutcomeUnknown, never a second request', async () => {
    const { sim, client } = await env.startWithClient();
    client.setMessageHandler(async () => {});
    await client.start();
    const room = sim.userNameOf('1000000001@chatroom');
    sim.addFault({ kind: 'accept-then-drop', endpoint: 'webwxupdatechatroom', times: 1 });
    const err = await client.setTopic(room, 'new topic').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendOutcomeUnknown);
    expect(sim.actions().filter((a) => a.endpoint === 'webwxupdatechatroom')).toHaveLength(1);
  });

  it('a kill -9 after the request went out: the restart finds its echo and does not send it again', async () => {
    const sim = await env.start();
    const store = new MemorySessionStore();
    const first = newClient(sim, env.dir, { sessionStore: store });
    clients.push(first);
    first.setMessageHandler(async () => {});
    await first.start();
    const bob = sim.userNameOf('wxid_bob');
    await first.sendText(bob, 'warm-up'); // the session is saved with its SyncKey
    await new Promise((r) => setTimeout(r, 150)); // a checkpoint persists the SyncKey (checkpointMs 50)
    sim.addFault({ kind: 'accept-then-drop', endpoint: 'webwxsendmsg', times: 1 });
    let crashed: MemorySessionStore | undefined;
    // The process dies the moment the server takes the request: before any answer or sync reaches it.
    const off = sim.onAction((a) => {
      if (a.endpoint === 'webwxsendmsg' && a.content === 'in flight at the crash') {
        crashed = store.snapshot();
        first.halt();
      }
    });
    await first.sendText(bob, 'in flight at the crash').catch(() => undefined);
    off();
    expect(crashed).toBeDefined();
    const journaled = (await crashed!.log.read('bot/outbox')) as Array<Record<string, unknown>>;
    expect(journaled.some((r) => 'a' in r)).toBe(true); // the "attempted" mark was written before the request

    const second = newClient(sim, env.dir, { sessionStore: crashed! });
    clients.push(second);
    second.setMessageHandler(async () => {});
    await second.start();
    await waitFor(() => second['outbox'].pendingSends === 0, 'the journaled send settled');
    expect(deliveries(sim).get('in flight at the crash')).toBe(1);
    await second.stop();
  });

  it('a kill -9 after the attempted mark but before the server took it: the restart proves absence and sends once', async () => {
    const sim = await env.start();
    const store = new MemorySessionStore();
    const first = newClient(sim, env.dir, { sessionStore: store });
    clients.push(first);
    first.setMessageHandler(async () => {});
    await first.start();
    const bob = sim.userNameOf('wxid_bob');
    await first.sendText(bob, 'warm-up');
    await new Promise((r) => setTimeout(r, 150));
    // The request is dropped on arrival and the process dies with it.
    sim.addFault({ kind: 'drop', endpoint: 'webwxsendmsg', times: 1 });
    const pending = first.sendText(bob, 'never reached').catch(() => undefined);
    await waitFor(() => sim.faults()[0]!.fired === 1, 'the request dropped');
    const crashed = store.snapshot();
    first.halt();
    await pending;
    const second = newClient(sim, env.dir, { sessionStore: crashed });
    clients.push(second);
    second.setMessageHandler(async () => {});
    await second.start();
    await waitFor(() => deliveries(sim).get('never reached') === 1, 'sent after the restart');
    await waitFor(() => second['outbox'].pendingSends === 0, 'journal emptied');
    expect(deliveries(sim).get('never reached')).toBe(1);
    await second.stop();
  });
});
