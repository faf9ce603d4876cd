import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { WebWxClient } from '../../src/client/client.js';
import { FileSessionStore, MemorySessionStore } from '../../src/session/file-store.js';
import { FAST, newClient, simClientOptions, simSuite, startSim, waitFor } from './helpers.js';

describe('restart mid-stream', () => {
  const env = simSuite();

  it('a crash mid-handling re-delivers on restart; nothing is lost or handled twice', async () => {
    const sim = await env.start();
    const store = new MemorySessionStore();
    const first = newClient(sim, env.dir, { sessionStore: store });
    const handled = new Map<string, number>();
    const count = (id: string): void => {
      handled.set(id, (handled.get(id) ?? 0) + 1);
    };
    let hang = false;
    first.setMessageHandler(async (m) => {
      if (hang) return new Promise<void>(() => {}); // crashes before finishing these
      count(m.raw.MsgId);
    });
    await first.start();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(sim.say({ from: 'wxid_alice', text: `a${i}` }).msgId);
    await waitFor(() => ids.every((id) => handled.has(id)), 'first five handled');
    hang = true;
    for (let i = 0; i < 5; i++) ids.push(sim.say({ from: 'wxid_bob', text: `b${i}` }).msgId);
    // Wait until the stuck ones are journaled and the SyncKey covering them persisted.
    await waitFor(() => first['inbox'].inflightCount === 5, 'five in flight');
    const crashed = store.snapshot();
    first.halt();
    for (let i = 0; i < 3; i++) ids.push(sim.say({ from: 'wxid_carol', text: `c${i}` }).msgId);

    const second = newClient(sim, env.dir, { sessionStore: crashed });
    second.setMessageHandler(async (m) => {
      count(m.raw.MsgId);
    });
    const vias: string[] = [];
    second.on('login', (e) => vias.push(e.via));
    await second.start();
    expect(vias).toEqual(['hot']);
    await waitFor(() => ids.every((id) => handled.has(id)), 'all 13 handled', 8000);
    await new Promise((r) => setTimeout(r, 300));
    expect([...handled.values()].every((n) => n === 1)).toBe(true);
    expect(handled.size).toBe(13);
    await second.stop();
  });

  it('with the file store, entries journaled in the log survive a crash (no fold) and are handled once', async () => {
    const sim = await env.start();
    const dir = `${env.dir}/file-crash`;
    const first = newClient(sim, env.dir, { sessionStore: new FileSessionStore(dir) });
    const handled = new Map<string, number>();
    const count = (id: string): void => {
      handled.set(id, (handled.get(id) ?? 0) + 1);
    };
    let hang = false;
    first.setMessageHandler(async (m) => {
      if (hang) return new Promise<void>(() => {});
      count(m.raw.MsgId);
    });
    await first.start();
    const ids = [sim.say({ from: 'wxid_alice', text: 'one' }).msgId];
    await waitFor(() => handled.has(ids[0]!), 'first handled');
    hang = true;
    for (let i = 0; i < 3; i++) ids.push(sim.say({ from: 'wxid_bob', text: `b${i}` }).msgId);
    await waitFor(() => first['inbox'].inflightCount === 3, 'three in flight');
    // Let a checkpoint save the SyncKey past them: the server will not send them again, only the log has them.
    await new Promise((r) => setTimeout(r, 300));
    first.halt(); // no stop(): nothing is folded or closed

    const second = newClient(sim, env.dir, { sessionStore: new FileSessionStore(dir) });
    second.setMessageHandler(async (m) => {
      count(m.raw.MsgId);
    });
    await second.start();
    await waitFor(() => ids.every((id) => handled.has(id)), 'all four handled', 8000);
    await new Promise((r) => setTimeout(r, 300));
    expect([...handled.values()].every((n) => n === 1)).toBe(true);
    await second.stop();
  });

  it('a send accepted before a crash is re-sent on restart with the same ClientMsgId, and only once', async () => {
    const sim = await env.start();
    const store = new MemorySessionStore();
    const first = newClient(sim, env.dir, { sessionStore: store });
    first.setMessageHandler(async () => {});
    await first.start();
    const bob = sim.userNameOf('wxid_bob');
    // The server is slow: the send is journaled, the request is in flight when the process dies.
    sim.addFault({ kind: 'drop', endpoint: 'webwxsendmsg', times: 1 });
    sim.addFault({ kind: 'latency', ms: 5000, endpoint: 'webwxsendmsg', times: 1 });
    const pending = first.sendText(bob, 'must arrive once').catch((e: unknown) => e);
    await waitFor(() => first['outbox'].pendingSends === 1, 'journaled');
    await new Promise((r) => setTimeout(r, 100));
    const crashed = store.snapshot();
    first.halt();
    await pending;
    sim.clearFaults();

    const second = new WebWxClient(
      simClientOptions(sim, env.dir, { sessionStore: crashed, logger: pino({ level: 'silent' }) }),
      FAST,
    );
    second.setMessageHandler(async () => {});
    await second.start();
    await sim.waitForAction((a) => a.endpoint === 'webwxsendmsg' && a.ret === 0 && a.content === 'must arrive once', {
      timeoutMs: 5000,
    });
    await waitFor(() => second['outbox'].pendingSends === 0, 'journal emptied');
    await new Promise((r) => setTimeout(r, 200));
    const delivered = sim
      .actions()
      .filter((a) => a.endpoint === 'webwxsendmsg' && a.ret === 0 && a.content === 'must arrive once');
    expect(delivered).toHaveLength(1);
    await second.stop();
    // A third start must not send it again.
    const third = newClient(sim, env.dir, { sessionStore: crashed });
    third.setMessageHandler(async () => {});
    await third.start();
    await new Promise((r) => setTimeout(r, 200));
    expect(
      sim.actions().filter((a) => a.endpoint === 'webwxsendmsg' && a.content === 'must arrive once' && a.ret === 0),
    ).toHaveLength(1);
    await third.stop();
  });

  it('a media send is journaled before its upload: a crash mid-upload uploads and sends it once on restart', async () => {
    const sim = await env.start();
    const store = new MemorySessionStore();
    const dir = `${env.dir}/media-crash`;
    const first = newClient(sim, dir, { sessionStore: store });
    first.setMessageHandler(async () => {});
    await first.start();
    const bob = sim.userNameOf('wxid_bob');
    sim.addFault({ kind: 'latency', ms: 5000, endpoint: 'webwxuploadmedia', times: 1 });
    const pending = first.sendImage(bob, Buffer.from('PNG-BYTES-crash'), 'crash.png').catch((e: unknown) => e);
    await waitFor(() => first['outbox'].pendingSends === 1, 'journaled');
    expect(readdirSync(join(dir, 'outbox-media', 'bot'))).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 100));
    const crashed = store.snapshot();
    first.halt();
    await pending;
    sim.clearFaults();
    expect(sim.actions().filter((a) => a.endpoint === 'webwxsendmsgimg')).toHaveLength(0);

    const second = newClient(sim, dir, { sessionStore: crashed });
    second.setMessageHandler(async () => {});
    await second.start();
    await sim.waitForAction((a) => a.endpoint === 'webwxsendmsgimg' && a.ret === 0, { timeoutMs: 5000 });
    await waitFor(() => second['outbox'].pendingSends === 0, 'journal emptied');
    await waitFor(() => readdirSync(join(dir, 'outbox-media', 'bot')).length === 0, 'spool file removed');
    expect(sim.actions().filter((a) => a.endpoint === 'webwxsendmsgimg' && a.ret === 0)).toHaveLength(1);
    await second.stop();
    // A file no journaled send refers to (a crash between spooling and journaling) is swept at start.
    writeFileSync(join(dir, 'outbox-media', 'bot', 'orphan'), 'x');
    const third = newClient(sim, dir, { sessionStore: crashed.snapshot() });
    third.setMessageHandler(async () => {});
    await third.start();
    expect(readdirSync(join(dir, 'outbox-media', 'bot'))).toEqual([]);
    await third.stop();
  });

  it('a graceful stop persists the SyncKey: restart neither replays history nor loses messages sent while down', async () => {
    const sim = await env.start();
    const store = new MemorySessionStore();
    const seen: string[] = [];
    const first = newClient(sim, env.dir, { sessionStore: store });
    first.setMessageHandler(async (m) => {
      seen.push(m.raw.Content);
    });
    await first.start();
    sim.say({ from: 'wxid_alice', text: 'before' });
    await waitFor(() => seen.includes('before'), 'before');
    await first.stop();
    sim.say({ from: 'wxid_alice', text: 'while down' });
    const second = newClient(sim, env.dir, { sessionStore: store });
    second.setMessageHandler(async (m) => {
      seen.push(m.raw.Content);
    });
    await second.start();
    await waitFor(() => seen.includes('while down'), 'while down');
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.filter((t) => t === 'before')).toHaveLength(1);
    await second.stop();
  });

  it('two accounts run side by side with separate jars, stores and queues', async () => {
    const sim = await env.start();
    const sim2 = await startSim({
      world: {
        self: { wxid: 'wxid_other', uin: 2100000002, nickName: 'Other' },
        friends: [{ wxid: 'wxid_zed', nickName: 'Zed' }],
      },
    });
    try {
      const a = newClient(sim, env.dir, { account: 'a' });
      const b = newClient(sim2, env.dir, { account: 'b' });
      a.setMessageHandler(async () => {});
      b.setMessageHandler(async () => {});
      const [sa, sb] = await Promise.all([a.start(), b.start()]);
      expect(sa.nickName).toBe('Bot');
      expect(sb.nickName).toBe('Other');
      await Promise.all([
        a.sendText(sim.userNameOf('wxid_bob'), 'from a'),
        b.sendText(sim2.userNameOf('wxid_zed'), 'from b'),
      ]);
      expect(
        sim
          .actions()
          .filter((x) => x.endpoint === 'webwxsendmsg')
          .map((x) => x.content),
      ).toEqual(['from a']);
      expect(
        sim2
          .actions()
          .filter((x) => x.endpoint === 'webwxsendmsg')
          .map((x) => x.content),
      ).toEqual(['from b']);
      await Promise.all([a.stop(), b.stop()]);
    } finally {
      await sim2.close();
    }
  });
});
