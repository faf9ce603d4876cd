import { createSimulator, type Simulator } from '../src/index.js';
import { OfflineQueue } from '../src/offline.js';
import type { Session } from '../src/session.js';
import { loginAndInit, type Json } from './helpers/client.js';

describe('OfflineQueue', () => {
  it('keeps the latest `limit` messages; 0 keeps none', () => {
    const seen: number[] = [];
    const q = new OfflineQueue(2);
    for (const n of [1, 2, 3]) q.add(() => seen.push(n));
    q.flush(undefined as unknown as Session); // the queued closures ignore it here
    expect(seen).toEqual([2, 3]);
    expect(q.size).toBe(0);
    const none = new OfflineQueue(0);
    none.add(() => seen.push(9));
    expect(none.size).toBe(0);
  });
});

describe('messages that arrive while no session is live', () => {
  let sim: Simulator;
  afterEach(async () => {
    await sim.close();
  });

  it('come with the next login’s first webwxsync, after the key its webwxinit answered with', async () => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100, synccheckHoldMs: 100 });
    const { msgId } = sim.say({ from: 'wxid_alice', text: 'sent while offline' });
    const c = await loginAndInit(sim.url);
    const msgs: Json[] = await c.drain();
    const offline = msgs.find((m: Json) => m.MsgId === msgId);
    expect(offline?.Content).toBe('sent while offline');
    expect(offline?.MsgType).toBe(1);
    // Handed over once: confirmed by the next request's key, a second login does not get it again.
    await c.sync();
    const again = await loginAndInit(sim.url);
    expect((await again.drain()).some((m: Json) => m.MsgId === msgId)).toBe(false);
  });

  it('a friend request that arrived offline names the person by the new session’s UserName', async () => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100, synccheckHoldMs: 100 });
    sim.friendRequest({ from: 'wxid_erin', text: 'hi' });
    const c = await loginAndInit(sim.url);
    const request = (await c.drain()).find((m: Json) => m.MsgType === 37);
    expect(request?.RecommendInfo.UserName).toBe(sim.userNameOf('wxid_erin'));
  });

  it('what a session that died never got to the client comes with the next login; what it confirmed does not', async () => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100, synccheckHoldMs: 100 });
    const c = await loginAndInit(sim.url);
    await c.drain();
    const confirmed = sim.say({ from: 'wxid_alice', text: 'synced' }).msgId;
    await c.drain();
    await c.sync(); // this request's key confirms 'synced'
    const owed = [1, 2, 3].map((i) => sim.say({ from: 'wxid_bob', text: `owed ${i}` }).msgId);
    sim.expireSession(1101);
    const next = await loginAndInit(sim.url);
    const ids = (await next.drain()).map((m: Json) => m.MsgId as string);
    expect(ids.filter((id) => owed.includes(id))).toEqual(owed);
    expect(ids).not.toContain(confirmed);
  });

  it('offlineMessages: 0 drops them', async () => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100, synccheckHoldMs: 100, offlineMessages: 0 });
    const { msgId } = sim.say({ from: 'wxid_alice', text: 'lost' });
    const c = await loginAndInit(sim.url);
    expect((await c.drain()).some((m: Json) => m.MsgId === msgId)).toBe(false);
  });
});
