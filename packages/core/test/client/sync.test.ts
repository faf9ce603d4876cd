import type { IncomingMessage } from '../../src/client/types.js';
import { simSuite, waitFor } from './helpers.js';

describe('sync loop', () => {
  const env = simSuite();

  it('drains ContinueFlag, hands every message over exactly once and builds stable ids from MsgType 51', async () => {
    const { sim, client } = await env.startWithClient({ syncBatchSize: 3 });
    const got: IncomingMessage[] = [];
    client.setMessageHandler(async (m) => {
      got.push(m);
    });
    await client.start();
    for (let i = 0; i < 10; i++) sim.say({ from: 'wxid_alice', text: `m${i}` });
    await waitFor(() => got.length >= 10, '10 messages');
    await new Promise((r) => setTimeout(r, 200));
    const texts = got.map((m) => m.raw.Content);
    expect(texts).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    expect(got.every((m) => typeof m.raw.MsgId === 'string' && !m.sentByBot)).toBe(true);
    expect(got.some((m) => m.raw.MsgType === 51)).toBe(false);
    const alice = client.contacts.contact(sim.userNameOf('wxid_alice'))!;
    expect(alice.stableId).toBe('wxid_alice');
    expect(alice.stableIdConfidence).toBe('wxid');
    expect(client.contacts.byStableId('wxid_alice')?.userName).toBe(alice.userName);
    await client.stop();
  });

  it('once() listeners fire once and are gone; on() listeners keep firing', async () => {
    const { client } = await env.startWithClient();
    const once: string[] = [];
    const all: string[] = [];
    client.once('state', (e) => once.push(e.to));
    client.on('state', (e) => all.push(e.to));
    await client.start();
    await client.stop();
    expect(once).toEqual(['logging-in']);
    expect(all.length).toBeGreaterThanOrEqual(3);
  });

  it('marks the bot’s own sends sentByBot, and the owner’s phone messages as self but not sentByBot', async () => {
    const { sim, client } = await env.startWithClient();
    const got: IncomingMessage[] = [];
    client.setMessageHandler(async (m) => {
      got.push(m);
    });
    const self = await client.start();
    const bob = sim.userNameOf('wxid_bob');
    await client.sendText(bob, 'from the bot');
    sim.send({ from: 'wxid_bot', to: 'wxid_bob', kind: 'text', text: 'typed on the phone' });
    await waitFor(() => got.length >= 2, 'echo + phone message');
    const botEcho = got.find((m) => m.raw.Content === 'from the bot')!;
    const phone = got.find((m) => m.raw.Content === 'typed on the phone')!;
    expect(botEcho.raw.FromUserName).toBe(self.userName);
    expect(botEcho.sentByBot).toBe(true);
    expect(phone.raw.FromUserName).toBe(self.userName);
    expect(phone.sentByBot).toBe(false);
    await client.stop();
  });

  it('applies room joins, renames and kicks (ModContact / ModChatRoomMember) to the store', async () => {
    const { sim, client } = await env.startWithClient();
    client.setMessageHandler(async () => {});
    await client.start();
    const roomName = sim.userNameOf('1000000001@chatroom');
    expect(client.contacts.members(roomName).size).toBe(4);
    sim.roomJoin({ room: '1000000001@chatroom', members: 'wxid_carol', inviter: 'wxid_bot' });
    await waitFor(() => client.contacts.members(roomName).size === 5, 'carol joined');
    sim.roomRename({ room: '1000000001@chatroom', topic: 'Renamed', by: 'wxid_alice' });
    await waitFor(() => client.contacts.room(roomName)?.topic === 'Renamed', 'rename');
    sim.roomKick({ room: '1000000001@chatroom', member: 'wxid_erin', by: 'wxid_bot' });
    await waitFor(() => client.contacts.members(roomName).size === 4, 'erin kicked');
    await client.stop();
  });

  it('survives dropped requests, 5xx and latency spikes without losing or doubling messages', async () => {
    const { sim, client } = await env.startWithClient({ seed: 3 });
    const got: string[] = [];
    const errors: string[] = [];
    client.on('error', (e) => errors.push(e.error.message));
    client.setMessageHandler(async (m) => {
      got.push(m.raw.Content);
    });
    await client.start();
    sim.addFault({ kind: 'drop', endpoint: 'webwxsync', times: 2 });
    sim.addFault({ kind: 'http', status: 503, endpoint: 'synccheck', times: 2 });
    sim.addFault({ kind: 'latency', ms: 400, endpoint: 'webwxsync', probability: 0.5, times: 3 });
    sim.addFault({ kind: 'http', status: 502, endpoint: 'webwxsync', probability: 0.3, times: 3 });
    for (let i = 0; i < 20; i++) sim.say({ from: i % 2 ? 'wxid_alice' : 'wxid_bob', text: `f${i}` });
    await waitFor(() => got.length >= 20, '20 messages under faults', 15000);
    await new Promise((r) => setTimeout(r, 300));
    expect([...got].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `f${i}`).sort());
    expect(errors.length).toBeGreaterThan(0);
    expect(client.state).toBe('syncing');
    await client.stop();
  });

  it('the watchdog aborts a long poll that hangs past watchdogMs and the loop carries on; idle polls never trip it', async () => {
    const { sim, client } = await env.startWithClient(
      {},
      { recovery: { backoff: { baseMs: 10, maxMs: 50 }, keepAliveMs: 0, watchdogMs: 400 } },
    );
    const contexts: string[] = [];
    client.on('error', (e) => contexts.push(e.context));
    const got: string[] = [];
    client.setMessageHandler(async (m) => {
      got.push(m.raw.Content);
    });
    await client.start();
    // Idle: the simulator answers each long poll with selector 0 after 150 ms, which is progress.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(contexts).toEqual([]);
    // The next synccheck hangs for 2.5 s (under the 3 s long-poll timeout): only the watchdog can end it.
    sim.addFault({ kind: 'latency', ms: 2_500, endpoint: 'synccheck', times: 1 });
    await waitFor(() => contexts.includes('watchdog: aborting the stuck poll'), 'the watchdog', 2_000);
    sim.say({ from: 'wxid_alice', text: 'after the watchdog' });
    await waitFor(() => got.includes('after the watchdog'), 'a message after the watchdog', 2_000);
    expect(client.state).toBe('syncing');
    await client.stop();
  });

  it('keeps the session alive with an invisible status notification to itself every keepAliveMs', async () => {
    const { sim, client } = await env.startWithClient(
      {},
      { recovery: { backoff: { baseMs: 10, maxMs: 50 }, keepAliveMs: 150, watchdogMs: 0 } },
    );
    const got: string[] = [];
    client.setMessageHandler(async (m) => {
      got.push(m.raw.Content);
    });
    await client.start();
    const self = client.contacts.self.userName;
    const pings = () =>
      sim.actions().filter((a) => a.endpoint === 'webwxstatusnotify' && a['op'] === '3' && a['toUserName'] === self);
    const atStart = pings().length; // the login's own notification
    await waitFor(() => pings().length >= atStart + 3, 'three keep-alive pings', 3_000);
    expect(pings().every((a) => a['ret'] === 0)).toBe(true);
    expect(got).toEqual([]); // nothing reaches the plugins
    await client.stop();
    const after = pings().length;
    await new Promise((r) => setTimeout(r, 400));
    expect(pings().length).toBe(after); // stopped with the client
  });

  it('a stuck selector trips the breaker: back off, re-init, carry on', async () => {
    const { sim, client } = await env.startWithClient(
      {},
      {
        recovery: { backoff: { baseMs: 10, maxMs: 50 }, stuckSyncThreshold: 3, keepAliveMs: 0, watchdogMs: 0 },
      },
    );
    const recovered: string[] = [];
    client.on('recovered', (e) => recovered.push(e.via));
    const got: string[] = [];
    client.setMessageHandler(async (m) => {
      got.push(m.raw.Content);
    });
    await client.start();
    sim.addFault({ kind: 'stuck-selector', times: 6 });
    await waitFor(() => recovered.includes('reinit'), 'breaker re-init', 8000);
    const inits = sim.actions().filter((a) => a.endpoint === 'webwxinit').length;
    expect(inits).toBeGreaterThanOrEqual(2);
    sim.say({ from: 'wxid_alice', text: 'after the breaker' });
    await waitFor(() => got.includes('after the breaker'), 'message after breaker', 8000);
    await client.stop();
  });

  it('a 1101 kick mid-stream emits a typed logout, recovers by QR and loses nothing', async () => {
    const { sim, client } = await env.startWithClient(
      {},
      {
        recovery: { backoff: { baseMs: 10, maxMs: 50 }, onLogout: ['reinit', 'qr'], keepAliveMs: 0, watchdogMs: 0 },
      },
    );
    const logouts: Array<{ reason: string; retcode?: number }> = [];
    const recovered: string[] = [];
    client.on('logout', (e) => logouts.push(e));
    client.on('recovered', (e) => recovered.push(e.via));
    const got: string[] = [];
    client.setMessageHandler(async (m) => {
      got.push(m.raw.Content);
    });
    await client.start();
    sim.say({ from: 'wxid_alice', text: 'before kick' });
    await waitFor(() => got.includes('before kick'), 'before kick');
    sim.expireSession(1101);
    await waitFor(() => recovered.includes('qr'), 'recovered by qr', 8000);
    expect(logouts[0]).toMatchObject({ reason: 'logged-out-elsewhere', retcode: 1101 });
    sim.say({ from: 'wxid_alice', text: 'after kick' });
    await waitFor(() => got.includes('after kick'), 'after kick', 8000);
    expect(got.filter((t) => t === 'before kick')).toHaveLength(1);
    // A new login gives new UserNames; stable ids still find the same people.
    expect(client.contacts.byStableId('wxid_alice')?.userName).toBe(sim.userNameOf('wxid_alice'));
    await client.stop();
  });

  it('logout from the phone (1100) with recovery disabled ends in logged-out, typed', async () => {
    const { sim, client } = await env.startWithClient(
      {},
      {
        recovery: { onLogout: false, backoff: { baseMs: 10, maxMs: 50 }, keepAliveMs: 0, watchdogMs: 0 },
      },
    );
    const reasons: string[] = [];
    client.on('logout', (e) => reasons.push(e.reason));
    client.setMessageHandler(async () => {});
    await client.start();
    sim.logoutFromPhone();
    await waitFor(() => client.state === 'logged-out', 'logged-out state', 5000);
    expect(reasons).toEqual(['not-logged-in']);
    await expect(client.sendText(sim.userNameOf('wxid_bob'), 'x')).rejects.toMatchObject({ code: 'LOGGED_OUT' });
    await client.stop();
  });

  it('never waits on a hanging handler: polling continues', async () => {
    const { sim, client } = await env.startWithClient();
    const started: string[] = [];
    client.setMessageHandler((m) => {
      started.push(m.raw.Content);
      return new Promise<void>(() => {}); // never settles
    });
    await client.start();
    sim.say({ from: 'wxid_alice', text: 'one' });
    sim.say({ from: 'wxid_bob', text: 'two' });
    await waitFor(() => started.length === 2, 'both delivered despite the hang');
    sim.say({ from: 'wxid_bob', text: 'three' });
    await waitFor(() => started.length === 3, 'third delivered');
    client.halt();
  });
});
