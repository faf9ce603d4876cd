import { keepHeldCursor, KEPT_KEY_REFUSALS } from '../../src/client/cursor-policy.js';
import { captureLogger, simSuite, waitFor } from './helpers.js';

const key = (v: number) => ({ Count: 1, List: [{ Key: 2, Val: v }] });

describe('keepHeldCursor', () => {
  it('keeps a held key of the same account, adopts otherwise', () => {
    const base = { reason: 'reinit' as const, uin: 1, offered: key(9) };
    expect(keepHeldCursor.afterInit({ ...base, held: key(5), heldUin: 1 })).toBe('keep');
    expect(keepHeldCursor.afterInit({ ...base, reason: 'login', held: key(5), heldUin: 1 })).toBe('keep');
    expect(keepHeldCursor.afterInit({ ...base, held: key(5), heldUin: 2 })).toBe('adopt');
    expect(keepHeldCursor.afterInit({ ...base, held: undefined, heldUin: undefined })).toBe('adopt');
    expect(keepHeldCursor.afterInit({ ...base, held: { Count: 0, List: [] }, heldUin: 1 })).toBe('adopt');
  });

  it(`calls a kept key invalid after ${KEPT_KEY_REFUSALS} refusals in a row`, () => {
    expect(keepHeldCursor.rejected(1, KEPT_KEY_REFUSALS - 1)).toBe(false);
    expect(keepHeldCursor.rejected(1, KEPT_KEY_REFUSALS)).toBe(true);
  });
});

describe('recovery keeps the SyncKey', () => {
  const env = simSuite();

  it('a stuck selector with messages queued: the breaker re-init loses none of them', async () => {
    const { sim, client } = await env.startWithClient(
      {},
      { recovery: { backoff: { baseMs: 10, maxMs: 50 }, stuckSyncThreshold: 3, keepAliveMs: 0, watchdogMs: 0 } },
    );
    const recovered: string[] = [];
    client.on('recovered', (e) => recovered.push(e.via));
    const got: string[] = [];
    client.setMessageHandler(async (m) => {
      got.push(m.raw.Content);
    });
    await client.start();
    sim.addFault({ kind: 'stuck-selector', endpoint: ['synccheck', 'webwxsync'] });
    await waitFor(() => sim.faults().some((f) => f.fired > 0), 'the stuck selector to start');
    const queued = Array.from({ length: 20 }, (_, i) => `queued ${i}`);
    for (const text of queued) sim.say({ from: 'wxid_alice', text });
    // The init answers with a key at the latest position: taking it would skip all 20.
    await waitFor(() => recovered.includes('reinit'), 'breaker re-init', 8000);
    sim.clearFaults();
    sim.say({ from: 'wxid_alice', text: 'probe' });
    await waitFor(() => got.includes('probe'), 'the probe after the breaker', 8000);
    expect(got.filter((t) => t.startsWith('queued'))).toEqual(queued);
    await client.stop();
  });

  it('a kept key webwxsync keeps refusing is proven invalid: the client continues from the init key', async () => {
    const { logger, lines } = captureLogger();
    const { sim, client } = await env.startWithClient(
      {},
      { logger, recovery: { backoff: { baseMs: 10, maxMs: 50 }, onLogout: ['push'], keepAliveMs: 0, watchdogMs: 0 } },
    );
    const recovered: string[] = [];
    client.on('recovered', (e) => recovered.push(e.via));
    const got: string[] = [];
    client.setMessageHandler(async (m) => {
      got.push(m.raw.Content);
    });
    await client.start();
    // From the push login's webwxinit on, webwxsync refuses (as a server would a key it cannot use).
    const off = sim.onAction((a) => {
      if (a.endpoint !== 'webwxinit') return;
      off();
      sim.addFault({ kind: 'ret', ret: 1, endpoint: 'webwxsync', times: KEPT_KEY_REFUSALS });
    });
    sim.expireSession(1101);
    await waitFor(() => recovered.includes('push'), 'recovered by push', 8000);
    sim.say({ from: 'wxid_alice', text: 'after the refusals' });
    await waitFor(() => got.includes('after the refusals'), 'delivery from the init key', 8000);
    expect(lines.some((l) => l.includes('keeps refusing the kept SyncKey'))).toBe(true);
    await client.stop();
  });

  it('fewer refusals than that are a passing fault: the kept key stays', async () => {
    const { logger, lines } = captureLogger();
    const { sim, client } = await env.startWithClient({}, { logger });
    const got: string[] = [];
    client.setMessageHandler(async (m) => {
      got.push(m.raw.Content);
    });
    await client.start();
    sim.addFault({ kind: 'ret', ret: 1, endpoint: 'webwxsync', times: KEPT_KEY_REFUSALS });
    sim.say({ from: 'wxid_alice', text: 'after a bad patch' });
    await waitFor(() => got.includes('after a bad patch'), 'delivery', 8000);
    // Not after a recovery: no key was kept, so refusals never replace it.
    expect(lines.some((l) => l.includes('keeps refusing the kept SyncKey'))).toBe(false);
    await client.stop();
  });

  it('messages sent while the session is dead (1101) arrive once after push login', async () => {
    const { sim, client } = await env.startWithClient(
      {},
      { recovery: { backoff: { baseMs: 10, maxMs: 50 }, onLogout: ['push'], keepAliveMs: 0, watchdogMs: 0 } },
    );
    const recovered: string[] = [];
    client.on('recovered', (e) => recovered.push(e.via));
    const got: string[] = [];
    client.setMessageHandler(async (m) => {
      got.push(m.raw.Content);
    });
    await client.start();
    // Said the moment the session ends, before the client can even notice.
    const gap = Array.from({ length: 5 }, (_, i) => `in the gap ${i}`);
    sim.expireSession(1101);
    for (const text of gap) sim.say({ from: 'wxid_carol', text });
    await waitFor(() => recovered.includes('push'), 'recovered by push', 8000);
    sim.say({ from: 'wxid_alice', text: 'probe' });
    await waitFor(() => got.includes('probe'), 'probe', 8000);
    expect(got.filter((t) => t.startsWith('in the gap'))).toEqual(gap);
    await client.stop();
  });

  it('messages the dead session never delivered (stuck, then 1101) arrive once after push login', async () => {
    const { sim, client } = await env.startWithClient(
      {},
      { recovery: { backoff: { baseMs: 10, maxMs: 50 }, onLogout: ['push'], keepAliveMs: 0, watchdogMs: 0 } },
    );
    const recovered: string[] = [];
    client.on('recovered', (e) => recovered.push(e.via));
    const got: string[] = [];
    client.setMessageHandler(async (m) => {
      got.push(m.raw.Content);
    });
    await client.start();
    sim.addFault({ kind: 'stuck-selector', endpoint: ['synccheck', 'webwxsync'] });
    await waitFor(() => sim.faults().some((f) => f.fired > 0), 'the stuck selector to start');
    const owed = Array.from({ length: 5 }, (_, i) => `owed ${i}`);
    for (const text of owed) sim.say({ from: 'wxid_bob', text });
    sim.clearFaults();
    sim.expireSession(1101);
    await waitFor(() => recovered.includes('push'), 'recovered by push', 8000);
    sim.say({ from: 'wxid_alice', text: 'probe' });
    await waitFor(() => got.includes('probe'), 'probe', 8000);
    expect(got.filter((t) => t.startsWith('owed'))).toEqual(owed);
    await client.stop();
  });

  it('push login after 1101 keeps the held key: messages queued before its webwxinit are not skipped', async () => {
    const { sim, client } = await env.startWithClient(
      {},
      { recovery: { backoff: { baseMs: 10, maxMs: 50 }, onLogout: ['push'], keepAliveMs: 0, watchdogMs: 0 } },
    );
    const recovered: string[] = [];
    client.on('recovered', (e) => recovered.push(e.via));
    const got: string[] = [];
    client.setMessageHandler(async (m) => {
      got.push(m.raw.Content);
    });
    await client.start();
    sim.say({ from: 'wxid_alice', text: 'before' });
    await waitFor(() => got.includes('before'), 'before');
    // Between the new session's login page and its webwxinit, messages queue in the new session.
    const off = sim.onAction((a) => {
      if (a.endpoint !== 'webwxnewloginpage') return;
      off();
      sim.say({ from: 'wxid_bob', text: 'queued before init' });
    });
    sim.expireSession(1101);
    await waitFor(() => recovered.includes('push'), 'recovered by push', 8000);
    sim.say({ from: 'wxid_alice', text: 'probe' });
    await waitFor(() => got.includes('probe'), 'probe', 8000);
    expect(got.filter((t) => t === 'queued before init')).toHaveLength(1);
    expect(got.filter((t) => t === 'before')).toHaveLength(1);
    await client.stop();
  });
});
