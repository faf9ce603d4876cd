import { defaultWorld } from '@wxbot/simulator';

import { WAITING_KEY, type WaitingRequest } from '../src/waiting.js';
import { decisions, eventually, start, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.bot.close();
  h = undefined;
});

/** A bot whose accept is far off, stopped with Zed's request still waiting. */
async function stopWithZedWaiting(): Promise<Harness> {
  const first = await start({ delayMs: { min: 60_000, max: 60_000 } });
  h = first;
  await first.bot.friendRequest('Zed', 'hi');
  await eventually(
    async () => ((await first.store.get<unknown[]>(WAITING_KEY)) ?? []).length === 1,
    'the waiting entry',
  );
  await first.bot.close();
  h = undefined;
  return first;
}

describe('requests waiting for their slot survive a restart', () => {
  it('are taken up again; the person asking again refreshes the ticket and is accepted once', async () => {
    const first = await stopWithZedWaiting();
    expect(await first.history()).toEqual([]);
    // Same simulator seed and world: Zed asking again gets the session name the new bot can verify.
    h = await start({ delayMs: { min: 1500, max: 1500 } }, defaultWorld(), first.storage);
    await h.bot.friendRequest('Zed', 'hi again');
    const records = await h.records(1);
    expect(decisions(records)).toEqual(['Zed: accepted (accepted)']);
    expect(records[0]!.verifyText).toBe('hi again');
    h.bot.expectAccepted('Zed');
    expect(h.bot.actions().filter((a) => a.action === 'acceptFriend')).toHaveLength(1);
    expect(await h.store.get(WAITING_KEY)).toEqual([]);
  });

  it('in a new session the old request cannot be verified: it is recorded as failed, not dropped', async () => {
    const first = await stopWithZedWaiting();
    h = await start({}, defaultWorld(), first.storage);
    const [rec] = await h.records(1);
    expect(rec).toMatchObject({
      nickName: 'Zed',
      decision: 'failed',
      reason: expect.stringMatching(/^accept failed: /),
    });
    expect(await h.store.get(WAITING_KEY)).toEqual([]);
  });

  it("are decided again under the new run's options (a restart is how rules change)", async () => {
    const first = await stopWithZedWaiting();
    h = await start({ blockKeywords: ['hi'] }, defaultWorld(), first.storage);
    expect(decisions(await h.records(1))).toEqual(['Zed: declined (blocked keyword "hi")']);
    expect(h.bot.actions().filter((a) => a.action === 'acceptFriend')).toHaveLength(0);
    expect(await h.store.get(WAITING_KEY)).toEqual([]);
  });

  it('an accept a restart interrupted is reported, never sent again; unreadable entries are skipped', async () => {
    const first = await stopWithZedWaiting();
    const stored = (await first.store.get<[string, WaitingRequest][]>(WAITING_KEY))!;
    expect(stored).toHaveLength(1);
    const [key, entry] = stored[0]!;
    await first.store.set(WAITING_KEY, [
      ['junk', { nope: true }],
      [key, { ...entry, started: true }],
    ]);
    h = await start({}, defaultWorld(), first.storage);
    const records = await h.records(1);
    expect(decisions(records)).toEqual([
      'Zed: failed (the bot stopped while accepting; whether the accept went through is unknown (check the phone))',
    ]);
    expect(h.bot.actions().filter((a) => a.action === 'acceptFriend')).toHaveLength(0);
    expect(await h.store.get(WAITING_KEY)).toEqual([]);
  });

  it('an accept already recorded when the restart came is neither reported again nor repeated', async () => {
    const first = await stopWithZedWaiting();
    const stored = (await first.store.get<[string, WaitingRequest][]>(WAITING_KEY))!;
    const [key, entry] = stored[0]!;
    const done = { ...entry.request, at: entry.queuedAt + 1, decision: 'accepted', reason: 'accepted' };
    await first.store.set('history', [done]);
    await first.store.set(WAITING_KEY, [[key, { ...entry, started: true }]]);
    h = await start({}, defaultWorld(), first.storage);
    await eventually(async () => (await h!.store.get<unknown[]>(WAITING_KEY))?.length === 0, 'the mark cleared');
    expect(await h.history()).toHaveLength(1);
    expect(h.bot.actions().filter((a) => a.action === 'acceptFriend')).toHaveLength(0);
  });
});

describe('asking again while the accept is on the wire', () => {
  it('is not queued twice: the newest ticket is retried once the first fails; one welcome, one record', async () => {
    h = await start({ welcome: 'Hi {nickname}' });
    h.bot.sim.addFault({ kind: 'latency', ms: 800, endpoint: 'webwxverifyuser', times: 1 });
    await h.bot.friendRequest('Zed', 'hi');
    await eventually(async () => {
      const stored = (await h!.store.get<[string, WaitingRequest][]>(WAITING_KEY)) ?? [];
      return stored.some(([, e]) => e.started === true);
    }, 'the accept under way');
    await h.bot.friendRequest('Zed', 'hi again');
    const [rec] = await h.records(1);
    expect(rec).toMatchObject({ decision: 'accepted', verifyText: 'hi again' });
    await new Promise((r) => setTimeout(r, 100));
    expect(await h.history()).toHaveLength(1);
    // The simulator, as WeChat, takes only the newest ticket: the first accept fails, the retry succeeds.
    expect(
      h.bot
        .actions()
        .filter((a) => a.action === 'acceptFriend')
        .map((a) => a.status),
    ).toEqual(['failed', 'done']);
    h.bot.expectAccepted('Zed');
    expect(h.bot.replies()).toEqual(['Hi Zed']);
    expect(await h.store.get(WAITING_KEY)).toEqual([]);
  });
});
