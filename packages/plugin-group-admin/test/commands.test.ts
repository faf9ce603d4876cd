import { defaultWorld } from '@wxbot/simulator';

import { eventually, FAMILY, M, ROOM, start, world, type Started } from './helpers.js';

let s: Started | undefined;
afterEach(async () => {
  await s?.bot.close();
  s = undefined;
});

const kinds = (st: Started) => st.bot.actions().map((a) => a.action);

describe('who is an admin', () => {
  it('an admin named by stable id removes a member', async () => {
    s = await start({ admins: ['wxid_alice'] });
    expect(await s.say(`/kick @Bob${M}`, 'wxid_alice')).toEqual(['Removed Bob.']);
    s.bot.expectRemoved(ROOM, 'Bob');
  });

  it('an impostor with the admin’s nick name and room name is refused, once per cooldown', async () => {
    s = await start({ admins: ['wxid_alice'] });
    expect(await s.say(`/kick @Bob${M}`, 'wxid_mallory')).toEqual(['Only admins can use /kick.']);
    expect(await s.say(`/kick @Bob${M}`, 'wxid_mallory')).toEqual([]);
    expect(await s.say('/topic pwned', 'wxid_mallory')).toEqual([]);
    expect(kinds(s)).toEqual(['send']);
  });

  it('an admin named by a remark the owner set is accepted; someone whose nick name equals that remark is not', async () => {
    const w = world();
    w.friends!.push({ wxid: 'wxid_fake_carol', nickName: 'Carol' });
    w.rooms![0]!.members.push('wxid_carol', { wxid: 'wxid_fake_carol', displayName: 'Carol' });
    s = await start({ admins: ['Carol'] }, w);
    expect(await s.say('/topic Hikers', 'wxid_fake_carol')).toEqual(['Only admins can use /topic.']);
    expect(await s.say('/topic Hikers', 'wxid_carol')).toEqual([]);
    s.bot.expectTopic(ROOM, 'Hikers');
  });

  it('the account itself (typing on the phone) is an admin; admins cannot be kicked', async () => {
    s = await start({ admins: ['wxid_alice'] });
    expect(await s.say(`/kick @Alice${M}`, 'wxid_bot')).toEqual([
      'Ambiguous name: 2 members are called "Alice"; ask them to set distinct room names, or remove by hand.',
    ]);
    expect(await s.say(`/kick @E${M}`, 'wxid_bot')).toEqual(['Removed E.']);
    s.bot.expectRemoved(ROOM, 'Erin');
  });

  it('refuses to kick an admin', async () => {
    const w = world();
    w.rooms![0]!.members.push({ wxid: 'wxid_carol', displayName: 'Boss' });
    s = await start({ admins: ['wxid_alice', 'Carol'] }, w);
    expect(await s.say(`/kick @Boss${M}`, 'wxid_alice')).toEqual(['Boss is an admin; not removing.']);
    expect(kinds(s)).toEqual(['send']);
  });
});

describe('commands', () => {
  it('says when a member is not found or the name is ambiguous', async () => {
    s = await start({ admins: ['wxid_bob'] });
    expect(await s.say(`/kick @Nobody${M}`, 'Bob')).toEqual([
      'Member not found: nobody in this room is called "Nobody".',
    ]);
    expect(await s.say(`/warn @Alice${M}`, 'Bob')).toEqual([
      'Ambiguous name: 2 members are called "Alice"; ask them to set distinct room names, or remove by hand.',
    ]);
    expect(await s.say('/kick', 'Bob')).toEqual(['Usage: /kick @name']);
    expect(kinds(s).every((k) => k === 'send')).toBe(true);
  });

  it('/warn escalates to removal at kickAfter, counts kept in storage', async () => {
    s = await start({ admins: ['wxid_alice'], antiSpam: { kickAfter: 2 } });
    expect(await s.say(`/warn @Bob${M} stop spamming`, 'wxid_alice')).toEqual([
      `@Bob${M}warning 1/2: stop spamming. At 2 you will be removed.`,
    ]);
    expect(await s.storage.namespace('@wxbot/plugin-group-admin').get('strikes')).toEqual({
      '1000000001@chatroom': { wxid_bob: { count: 1, name: 'Bob' } },
    });
    expect(await s.say(`/warn @Bob${M}`, 'wxid_alice')).toEqual(['Removed Bob: warned by an admin (warning 2/2).']);
    s.bot.expectRemoved(ROOM, 'Bob');
    expect(await s.storage.namespace('@wxbot/plugin-group-admin').get('strikes')).toEqual({
      '1000000001@chatroom': {},
    });
  });

  it('/topic renames; /pin and /unpin; /remark sets a friend’s remark', async () => {
    s = await start({ admins: ['wxid_alice'] });
    expect(await s.say('/topic', 'wxid_alice')).toEqual(['Usage: /topic <new name>']);
    await s.say('/topic  Weekend hikers 2026 ', 'wxid_alice');
    s.bot.expectTopic('1000000001@chatroom', 'Weekend hikers 2026');
    expect(await s.say('/pin', 'wxid_alice', '1000000001@chatroom')).toEqual(['Pinned this room.']);
    expect(await s.say('/unpin', 'wxid_alice', '1000000001@chatroom')).toEqual(['Unpinned this room.']);
    expect(await s.say(`/remark @Bob${M} Bob from the club`, 'wxid_alice', '1000000001@chatroom')).toEqual([
      'Remark for Bob set to "Bob from the club".',
    ]);
    expect(
      s.bot
        .actions()
        .filter((a) => a.action !== 'send')
        .map((a) => [a.action, a.status, a.remark ?? a.topic]),
    ).toEqual([
      ['setTopic', 'done', 'Weekend hikers 2026'],
      ['pin', 'done', undefined],
      ['unpin', 'done', undefined],
      ['setRemark', 'done', 'Bob from the club'],
    ]);
  });

  it('/invite adds a friend to a small room, invites to a large one, and explains unknown, ambiguous and present names', async () => {
    const w = world();
    w.friends!.push({ wxid: 'wxid_sam1', nickName: 'Sam' }, { wxid: 'wxid_sam2', nickName: 'Sam' });
    s = await start({ admins: ['wxid_alice'], inviteAbove: 4 }, w);
    expect(await s.say('/invite Bob', 'wxid_alice', FAMILY)).toEqual([]);
    s.bot.expectAdded(FAMILY, 'Bob');
    expect(await s.say('/invite Carol', 'wxid_alice')).toEqual(['Invitation sent to Carol.']); // 5 members > 4
    s.bot.expectInvited(ROOM, 'wxid_carol');
    expect(await s.say('/invite Nobody', 'wxid_alice')).toEqual(['Not found: the bot has no contact called "Nobody".']);
    expect(await s.say('/invite Sam', 'wxid_alice')).toEqual([
      'Ambiguous name: several of the bot’s contacts are called "Sam"; use their remark name.',
    ]);
    expect(await s.say('/invite Bob', 'wxid_alice')).toEqual(['Bob is already in this room.']);
    // A room's topic is not a person: never invited as a member.
    expect(await s.say(`/invite ${FAMILY}`, 'wxid_alice')).toEqual([
      `Not found: the bot has no contact called "${FAMILY}".`,
    ]);
    expect(
      s.bot.wireActions().filter((a) => a.endpoint === 'webwxupdatechatroom' && a.op === 'invitemember'),
    ).toHaveLength(1);
  });

  it('/help lists the enabled commands; disabled ones are ignored', async () => {
    s = await start({ admins: ['wxid_alice'], commands: ['help', 'kick'], prefix: '!' });
    expect(await s.say('!help', 'wxid_alice')).toEqual([
      'Admin commands:\n!help — this list\n!kick @name — remove a member',
    ]);
    expect(await s.say('!topic x', 'wxid_alice')).toEqual([]);
    expect(await s.say('/help', 'wxid_alice')).toEqual([]);
  });

  it('only acts in managed rooms, never in private chats', async () => {
    s = await start({ admins: ['wxid_alice'], rooms: ['1000000001@chatroom'] });
    expect(await s.say('/help', 'wxid_alice', FAMILY)).toEqual([]);
    expect((await s.bot.receive('/help', { from: 'Alice' })).length).toBe(0);
    expect((await s.say('/help', 'wxid_alice')).length).toBe(1);
  });
});

describe('failures are reported once, never in a loop', () => {
  it('not the owner: says so once, and stops asking WeChat', async () => {
    s = await start({ admins: ['wxid_alice'] });
    const [first] = await s.say(`/kick @小红${M}`, 'wxid_alice', FAMILY);
    expect(first).toMatch(
      /^Could not remove 小红: (WeChat refused \(Ret 1\); the bot may not be the room owner|the bot is not the owner of this room, and only the owner can remove members)\.$/,
    );
    for (let i = 0; i < 5; i++) expect(await s.say(`/kick @小红${M}`, 'wxid_alice', FAMILY)).toEqual([]);
    expect(s.bot.wireActions().filter((a) => a.endpoint === 'webwxupdatechatroom').length).toBeLessThanOrEqual(1);
  });

  it('1205 from WeChat: reported once per window, then again after it', async () => {
    let now = 1_000_000;
    s = await start({ admins: ['wxid_alice'], failureReportMs: 60_000, now: () => now });
    s.bot.sim.addFault({ kind: 'ret', ret: 1205, endpoint: 'webwxupdatechatroom' });
    expect(await s.say('/topic A', 'wxid_alice')).toEqual([
      'Could not rename the room: WeChat is rate-limiting the bot (1205); try again later.',
    ]);
    expect(await s.say('/topic B', 'wxid_alice')).toEqual([]);
    now += 60_000;
    expect(await s.say('/topic C', 'wxid_alice')).toHaveLength(1);
    expect(
      s.bot
        .actions()
        .filter((a) => a.action === 'setTopic')
        .map((a) => a.status),
    ).toEqual(['failed', 'failed', 'failed']);
  });
});

describe('welcome and farewell', () => {
  it('greets joiners; bids farewell when the owner removes someone on the phone, not after its own /kick', async () => {
    s = await start(
      { admins: ['wxid_alice'], welcome: 'Welcome {names} to {room}!', farewell: 'Bye {names}.' },
      defaultWorld(),
    );
    await s.bot.roomJoin(ROOM, ['Dave 🌛', 'Carol']);
    s.bot.expectReply(ROOM, 'Welcome Dave 🌛, Carol to 测试群!');
    s.bot.sim.roomKick({ room: '1000000001@chatroom', member: 'wxid_bob', by: 'wxid_bot' });
    await eventually(
      () => s!.bot.replies().length === 2 && s!.bot.actions().every((a) => a.status === 'done'),
      'the farewell',
    );
    s.bot.expectReply(ROOM, 'Bye Bob.');
    await s.say(`/kick @E${M}`, 'wxid_alice');
    // The removal notice of E comes back through sync; give it time to be (not) answered.
    await eventually(
      () => s!.bot.wireActions().filter((a) => a.endpoint === 'webwxupdatechatroom').length === 1,
      'the kick',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(s.bot.replies()).toEqual(['Welcome Dave 🌛, Carol to 测试群!', 'Bye Bob.', 'Removed E.']);
  });
});
