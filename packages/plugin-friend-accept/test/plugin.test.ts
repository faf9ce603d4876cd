import {
  ActionLog,
  PluginHost,
  WEB_CAPABILITIES,
  createLogger,
  createMemoryStorage,
  type HostTransport,
  type TransportCapabilities,
} from '@wxbot/core';
import { defaultWorld } from '@wxbot/simulator';

import friendAccept from '../src/index.js';
import { decisions, start, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.bot.close();
  h = undefined;
});

describe('who gets accepted', () => {
  it('accepts everyone by default and records it', async () => {
    h = await start();
    await h.bot.friendRequest('Zed', 'hi');
    const [rec] = await h.records(1);
    h.bot.expectAccepted('Zed');
    expect(rec).toMatchObject({
      decision: 'accepted',
      reason: 'accepted',
      stableId: 'wxid_zed',
      nickName: 'Zed',
      verifyText: 'hi',
    });
  });

  it('with keywords or a regex, accepts only matching verify texts (either suffices)', async () => {
    h = await start({ keywords: ['GitHub'], regex: '^order-\\d+$', flags: 'i' });
    await h.bot.friendRequest('Ann', 'found you on github');
    await h.bot.friendRequest('Ben', 'ORDER-123');
    await h.bot.friendRequest('Cat', 'hello');
    const records = await h.records(3);
    expect(decisions(records).sort()).toEqual([
      'Ann: accepted (accepted)',
      'Ben: accepted (accepted)',
      'Cat: declined (verify text did not match)',
    ]);
    expect(h.bot.actions().filter((a) => a.action === 'acceptFriend')).toHaveLength(2);
  });

  it('declines the block list (stable id, alias, nick name) and spam keywords', async () => {
    h = await start({ block: ['wxid_spam1', 'Spammer'], blockKeywords: ['loan'] });
    await h.bot.friendRequest({ wxid: 'wxid_spam1', nickName: 'Nice person' }, 'hi');
    await h.bot.friendRequest({ wxid: 'wxid_spam2', nickName: 'Spammer' }, 'hi');
    await h.bot.friendRequest('Dan', 'cheap LOANS here');
    await h.bot.friendRequest('Eve', 'hello');
    const records = await h.records(4);
    expect(decisions(records)).toEqual([
      'Nice person: declined (blocked)',
      'Spammer: declined (blocked)',
      'Dan: declined (blocked keyword "loan")',
      'Eve: accepted (accepted)',
    ]);
  });

  it('does not accept someone who is already a friend', async () => {
    h = await start();
    await h.bot.friendRequest('Alice', 'again');
    expect(decisions(await h.records(1))).toEqual(['Alice: declined (already a friend)']);
  });
});

describe('after accepting', () => {
  it('welcomes (templated, random pick), sets a templated remark, and adds to small rooms / invites to large ones', async () => {
    const world = defaultWorld();
    // A room above the invite threshold.
    const crowd = Array.from({ length: 6 }, (_, i) => ({ wxid: `wxid_m${i}`, nickName: `M${i}` }));
    world.strangers!.push(...crowd);
    world.rooms!.push({
      id: '1000000009@chatroom',
      topic: 'Big room',
      owner: 'wxid_bot',
      members: ['wxid_bot', ...crowd.map((c) => c.wxid)],
    });
    h = await start(
      {
        welcome: ['Hi {nickname}!', 'Welcome {nickname}, you said "{verify}"'],
        random: () => 0.9,
        remark: '{nickname} (github)',
        rooms: ['测试群', '1000000009@chatroom'],
        inviteAbove: 5,
      },
      world,
    );
    await h.bot.friendRequest('Zed', 'from github');
    const [rec] = await h.records(1);
    expect(rec).toMatchObject({ decision: 'accepted' });
    expect(rec!.problems).toBeUndefined();
    h.bot.expectReply('Zed', 'Welcome Zed, you said "from github"');
    expect(h.bot.actions().find((a) => a.action === 'setRemark')).toMatchObject({
      remark: 'Zed (github)',
      status: 'done',
    });
    h.bot.expectAdded('测试群', 'wxid_zed');
    h.bot.expectInvited('Big room', 'wxid_zed');
    expect(h.bot.summary().map((a) => a.action)).toEqual([
      'acceptFriend',
      'send',
      'setRemark',
      'addMembers',
      'inviteMembers',
    ]);
  });

  it('records follow-up problems (unknown room) without failing the accept', async () => {
    h = await start({ rooms: ['No such room'] });
    await h.bot.friendRequest('Zed', 'hi');
    const [rec] = await h.records(1);
    expect(rec).toMatchObject({
      decision: 'accepted',
      problems: ['room "No such room": the bot is in no room with that id or topic'],
    });
  });

  it('records a failed accept (server error) with the reason', async () => {
    h = await start();
    h.bot.sim.addFault({ kind: 'ret', ret: 1, endpoint: 'webwxverifyuser', times: 5 });
    await h.bot.friendRequest('Zed', 'hi');
    const [rec] = await h.records(1);
    expect(rec).toMatchObject({
      decision: 'failed',
      reason: expect.stringMatching(/^accept failed: .*webwxverifyuser/),
    });
  });
});

describe('abuse', () => {
  it('a storm of 60 requests: accepts at most dailyCap, declines the rest with the reason, all recorded', async () => {
    h = await start({ dailyCap: 5 });
    for (let i = 0; i < 60; i++) await h.bot.friendRequest({ wxid: `wxid_storm${i}`, nickName: `Storm${i}` }, 'add me');
    const records = await h.records(60);
    expect(records.filter((r) => r.decision === 'accepted')).toHaveLength(5);
    expect(records.filter((r) => r.reason === 'daily cap (5) reached')).toHaveLength(55);
    expect(h.bot.actions().filter((a) => a.action === 'acceptFriend')).toHaveLength(5);
    expect(await h.store.get('daily')).toEqual({ day: expect.stringMatching(/^\d{4}-\d\d-\d\d$/), accepted: 5 });
  });

  it('one person asking 20 times while waiting is accepted once, with the newest ticket', async () => {
    h = await start({ delayMs: { min: 1500, max: 1500 } });
    for (let i = 0; i < 20; i++) await h.bot.friendRequest({ wxid: 'wxid_eager', nickName: 'Eager' }, `please ${i}`);
    const records = await h.records(1);
    expect(decisions(records)).toEqual(['Eager: accepted (accepted)']);
    expect(records[0]!.verifyText).toBe('please 19');
    expect(h.bot.actions().filter((a) => a.action === 'acceptFriend')).toHaveLength(1);
  });

  it('the daily cap survives a restart (counts are in storage) and resets the next day', async () => {
    let clock = new Date(2026, 0, 5, 10, 0).getTime();
    const first = await start({ dailyCap: 1, now: () => clock });
    h = first;
    await first.bot.friendRequest('Ann', 'hi');
    await first.records(1);
    await first.bot.close();
    h = await start({ dailyCap: 1, now: () => clock }, defaultWorld(), first.storage);
    await h.bot.friendRequest('Ben', 'hi');
    expect(decisions(await h.records(2))).toEqual([
      'Ann: accepted (accepted)',
      'Ben: declined (daily cap (1) reached)',
    ]);
    clock += 24 * 3600_000;
    await h.bot.friendRequest('Cat', 'hi');
    expect(decisions(await h.records(3))[2]).toBe('Cat: accepted (accepted)');
  });

  it('a clock that moves between readings still accepts everyone', async () => {
    // Each reading a millisecond later, as on a loaded machine: reading it twice once made a -1 ms delay,
    // the timer refused it and the request was never accepted nor recorded.
    let clock = Date.now();
    h = await start({ now: () => clock++ });
    await h.bot.friendRequest('Zed', 'hi');
    await h.bot.friendRequest('Yan', 'hi');
    expect(decisions(await h.records(2)).sort()).toEqual(['Yan: accepted (accepted)', 'Zed: accepted (accepted)']);
  });

  it('an accept that cannot be scheduled is recorded as failed, and a repeat is decided afresh', async () => {
    // A broken random source (NaN) makes the delay NaN, which the plugin's timer refuses.
    h = await start({ random: () => Number.NaN });
    await h.bot.friendRequest('Zed', 'hi');
    await h.bot.friendRequest('Zed', 'hi again');
    const records = await h.records(2);
    expect(records.map((r) => `${r.decision} ${r.verifyText}`)).toEqual(['failed hi', 'failed hi again']);
    expect(records[0]!.reason).toMatch(/^could not schedule the accept: .*delay must be a finite number/);
    expect(h.bot.actions().filter((a) => a.action === 'acceptFriend')).toHaveLength(0);
  });

  it('keeps at most historyLimit records', async () => {
    h = await start({ historyLimit: 3, keywords: ['never'] });
    for (let i = 0; i < 5; i++) await h.bot.friendRequest({ wxid: `wxid_p${i}`, nickName: `P${i}` }, 'hi');
    await h.records(3);
    await new Promise((r) => setTimeout(r, 50));
    expect((await h.history()).map((r) => r.nickName)).toEqual(['P2', 'P3', 'P4']);
  });
});

/** A plugin host on a transport like the official bot API: direct chats only, no rooms, no friend requests. */
function officialBotHost(): PluginHost {
  const capabilities: TransportCapabilities = {
    ...WEB_CAPABILITIES,
    rooms: false,
    friendRequests: false,
    addFriends: false,
    roomAdmin: false,
    recall: false,
    replyWindowMs: 86_400_000,
  };
  return new PluginHost({
    logger: createLogger({ level: 'silent' }),
    storage: createMemoryStorage(),
    log: new ActionLog(),
    transport: {
      name: 'ilink',
      capabilities,
      contacts: {} as HostTransport['contacts'],
      sendText: () => Promise.reject(new Error('unused')),
    },
  });
}

describe('capabilities', () => {
  it('requires friend requests: refused on a transport without them', () => {
    expect(() => officialBotHost().check([{ plugin: friendAccept, options: {} }])).toThrow(
      /^plugin "@wxbot\/plugin-friend-accept" needs the "friendRequests" capability, which the "ilink" transport/,
    );
  });
});
