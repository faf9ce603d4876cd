import { createSimulator, defaultWorld, type Simulator, type SimulatorOptions, type WorldSpec } from '../src/index.js';
import { CGI, loginAndInit, type Json, type TestClient } from './helpers/client.js';

const ROOM = '1000000001@chatroom';

/** The default world plus a room of exactly `size` members (self included) and friends to fill it and invite. */
function worldWithBigRoom(size: number): WorldSpec {
  const w = defaultWorld();
  const extra = Array.from({ length: size + 2 }, (_, i) => ({ wxid: `wxid_f${i}`, nickName: `F${i}` }));
  w.friends = [...(w.friends ?? []), ...extra];
  w.rooms = [
    ...(w.rooms ?? []),
    {
      id: '2000000001@chatroom',
      topic: 'Big',
      owner: 'wxid_bot',
      members: ['wxid_bot', ...extra.slice(0, size - 1).map((f) => f.wxid)],
    },
  ];
  return w;
}

describe('room roster changes reach the bot through ModChatRoomMemberList', () => {
  let sim: Simulator;
  let c: TestClient;
  const start = async (opts: SimulatorOptions = {}): Promise<void> => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100, synccheckHoldMs: 50, ...opts });
    c = await loginAndInit(sim.url);
    await c.drain();
  };
  afterEach(async () => {
    await sim.close();
  });
  const memberNames = (entry: Json): string[] => entry.MemberList.map((m: Json) => m.UserName).sort();

  it('a join, a leave and a kick each carry the whole new roster, in both lists by default', async () => {
    await start();
    const roomName = sim.userNameOf(ROOM);
    sim.roomJoin({ room: ROOM, members: 'wxid_carol', inviter: 'wxid_alice' });
    const joined = (await c.sync()).json;
    expect(joined.ModChatRoomMemberCount).toBe(1);
    const entry = joined.ModChatRoomMemberList[0];
    expect(Object.keys(entry)).toEqual(['UserName', 'ChatRoomOwner', 'MemberCount', 'MemberList', 'EncryChatRoomId']);
    expect(entry.UserName).toBe(roomName);
    expect(entry.ChatRoomOwner).toBe(sim.userNameOf('wxid_bot'));
    const expected = ['wxid_bot', 'wxid_alice', 'wxid_bob', 'wxid_erin', 'wxid_carol'].map((id) => sim.userNameOf(id));
    expect(memberNames(entry)).toEqual([...expected].sort());
    expect(entry.MemberCount).toBe(5);
    // Member entries have the batchgetcontact member shape; display names survive.
    const erin = entry.MemberList.find((m: Json) => m.UserName === sim.userNameOf('wxid_erin'));
    expect(erin).toMatchObject({ Uin: 0, NickName: 'Erin', DisplayName: 'E', MemberStatus: 0 });
    // The room's ModContactList entry carries the same roster.
    const mod = joined.ModContactList.find((m: Json) => m.UserName === roomName);
    expect(memberNames(mod)).toEqual(memberNames(entry));

    sim.roomLeave({ room: ROOM, member: 'wxid_bob' });
    const left = (await c.sync()).json;
    expect(left.AddMsgCount).toBe(0);
    expect(memberNames(left.ModChatRoomMemberList[0])).not.toContain(sim.userNameOf('wxid_bob'));
    expect(left.ModChatRoomMemberList[0].MemberCount).toBe(4);

    sim.roomKick({ room: ROOM, member: 'wxid_erin' });
    const kicked = (await c.sync()).json;
    expect(kicked.ModChatRoomMemberList[0].MemberCount).toBe(3);
  });

  it('synccheck wakes for a roster change alone (selector 4: no message)', async () => {
    await start();
    const check = c.synccheck();
    setTimeout(() => sim.roomLeave({ room: ROOM, member: 'wxid_bob' }), 10);
    expect((await check).text).toBe('window.synccheck={retcode:"0",selector:"4"}');
  });

  it("the bot's own addmember and delmember update the roster the same way", async () => {
    await start();
    const roomName = sim.userNameOf(ROOM);
    const upd = (fun: string, body: Record<string, unknown>): Promise<Json> =>
      c.postJson(`${CGI}webwxupdatechatroom?fun=${fun}&pass_ticket=${c.pt}`, {
        BaseRequest: c.baseRequest(),
        ChatRoomName: roomName,
        ...body,
      });
    expect((await upd('addmember', { AddMemberList: sim.userNameOf('wxid_carol') })).BaseResponse.Ret).toBe(0);
    expect((await upd('delmember', { DelMemberList: sim.userNameOf('wxid_alice') })).BaseResponse.Ret).toBe(0);
    const { json } = await c.sync();
    expect(json.ModChatRoomMemberList.map((e: Json) => e.MemberCount)).toEqual([5, 4]);
    expect(memberNames(json.ModChatRoomMemberList[1])).toContain(sim.userNameOf('wxid_carol'));
    expect(memberNames(json.ModChatRoomMemberList[1])).not.toContain(sim.userNameOf('wxid_alice'));
  });

  it('self joining or leaving is a contact change, not a roster update', async () => {
    await start();
    sim.roomKick({ room: ROOM, member: 'wxid_bot', by: 'wxid_alice' });
    const kicked = (await c.sync()).json;
    expect(kicked.ModChatRoomMemberCount).toBe(0);
    expect(kicked.ModContactList[0]).toMatchObject({ UserName: sim.userNameOf(ROOM), Statues: 0 });
    sim.roomJoin({ room: ROOM, members: 'wxid_bot', inviter: 'wxid_alice' });
    const back = (await c.sync()).json;
    expect(back.ModChatRoomMemberCount).toBe(0);
    expect(back.ModContactList[0]).toMatchObject({ UserName: sim.userNameOf(ROOM), Statues: 1 });
  });

  it("roomMemberUpdates picks one list only, so a client's handling of either can be checked", async () => {
    await start({ roomMemberUpdates: 'mod-chatroom-member' });
    sim.roomJoin({ room: ROOM, members: 'wxid_carol', inviter: 'wxid_alice' });
    const onlyMember = (await c.sync()).json;
    expect(onlyMember.ModContactCount).toBe(0);
    expect(onlyMember.ModChatRoomMemberCount).toBe(1);
    // Topic changes are contact changes whatever the setting.
    sim.roomRename({ room: ROOM, topic: 'renamed' });
    expect((await c.sync()).json.ModContactCount).toBe(1);
    await sim.close();

    await start({ roomMemberUpdates: 'mod-contact' });
    sim.roomJoin({ room: ROOM, members: 'wxid_carol', inviter: 'wxid_alice' });
    const onlyContact = (await c.sync()).json;
    expect(onlyContact.ModContactCount).toBe(1);
    expect(onlyContact.ModChatRoomMemberCount).toBe(0);
  });
});

describe('rooms at InviteStartCount members take invitations only', () => {
  let sim: Simulator;
  let c: TestClient;
  afterEach(async () => {
    await sim.close();
  });
  const upd = (fun: string, room: string, field: string, who: string): Promise<string> =>
    c
      .post(`${CGI}webwxupdatechatroom?fun=${fun}&pass_ticket=${c.pt}`, {
        BaseRequest: c.baseRequest(),
        ChatRoomName: sim.userNameOf(room),
        [field]: sim.userNameOf(who),
      })
      .then((r) => r.text);

  it('refuses addmember with Ret 1 and no members at 40; invitemember is accepted and changes nothing yet', async () => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100, world: worldWithBigRoom(40) });
    c = await loginAndInit(sim.url);
    expect((await c.init()).InviteStartCount).toBe(40);
    const big = '2000000001@chatroom';
    expect(sim.world.room(big)!.members.size).toBe(40);
    const refused = await upd('addmember', big, 'AddMemberList', 'wxid_f40');
    expect(refused).toBe(
      '{\n"BaseResponse": {\n"Ret": 1,\n"ErrMsg": ""\n}\n,\n"MemberCount": 0,\n"MemberList": []\n}\n',
    );
    expect(sim.world.room(big)!.members.has('wxid_f40')).toBe(false);
    const action = sim.actions().find((a) => a.endpoint === 'webwxupdatechatroom' && a.op === 'addmember');
    expect(action).toMatchObject({ ret: 1, to: big, members: ['wxid_f40'] });

    const invited = JSON.parse(await upd('invitemember', big, 'InviteMemberList', 'wxid_f40'));
    expect(invited.BaseResponse.Ret).toBe(0);
    expect(sim.world.room(big)!.members.has('wxid_f40')).toBe(false);
    // Accepting the invitation (the phone side) completes it.
    sim.roomJoin({ room: big, members: 'wxid_f40', inviter: 'wxid_bot' });
    expect(sim.world.room(big)!.members.size).toBe(41);
  });

  it('a room of 39 still takes addmember (and may grow past 40 by it)', async () => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100, world: worldWithBigRoom(39) });
    c = await loginAndInit(sim.url);
    const big = '2000000001@chatroom';
    const added = JSON.parse(await upd('addmember', big, 'AddMemberList', 'wxid_f39'));
    expect(added.BaseResponse.Ret).toBe(0);
    expect(added.MemberCount).toBe(1);
    expect(sim.world.room(big)!.members.size).toBe(40);
    // Now at the threshold: the next direct add is refused.
    expect(JSON.parse(await upd('addmember', big, 'AddMemberList', 'wxid_f40')).BaseResponse.Ret).toBe(1);
  });

  it('inviteStartCount moves the threshold and is what webwxinit announces', async () => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100, inviteStartCount: 4 });
    c = await loginAndInit(sim.url);
    expect((await c.init()).InviteStartCount).toBe(4);
    // ROOM has 4 members, Family 3.
    expect(JSON.parse(await upd('addmember', ROOM, 'AddMemberList', 'wxid_carol')).BaseResponse.Ret).toBe(1);
    expect(
      JSON.parse(await upd('addmember', '1000000002@chatroom', 'AddMemberList', 'wxid_bob')).BaseResponse.Ret,
    ).toBe(0);
  });
});
