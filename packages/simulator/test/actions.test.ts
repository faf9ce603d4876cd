import { createSimulator, type Simulator } from '../src/index.js';
import { CGI, loginAndInit, raw, type Json, type TestClient } from './helpers/client.js';
import { upload } from './helpers/upload.js';

const ROOM = '1000000001@chatroom';

describe('every bot action against a live session', () => {
  let sim: Simulator;
  let c: TestClient;
  beforeEach(async () => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100, synccheckHoldMs: 50 });
    c = await loginAndInit(sim.url);
    await c.drain();
  });
  afterEach(async () => {
    await sim.close();
  });

  const post = (endpoint: string, body: Record<string, unknown>, query = ''): Promise<Json> =>
    c.postJson(`${CGI}${endpoint}?pass_ticket=${c.pt}${query}`, { BaseRequest: c.baseRequest(), ...body });
  const msg = (fields: Record<string, unknown>): Record<string, unknown> => ({
    Msg: { FromUserName: c.selfUserName, LocalID: '1', ClientMsgId: '1', ...fields },
    Scene: 0,
  });

  it('uploads in chunks, sends image/video/file/emoticon, and the media downloads back', async () => {
    const data = Buffer.alloc(300_001, 7);
    data.write('hello', 0);
    const answers = await upload(c, data, 'big.bin', 3);
    expect(answers[0]).toMatch(
      /^\{\n"BaseResponse": \{\n"Ret": 0,\n"ErrMsg": ""\n\}\n,\n"MediaId": "",\n"StartPos": 100001/,
    );
    const last = JSON.parse(answers[2]!);
    expect(last.MediaId).toMatch(/^@crypt_/);
    expect(last.StartPos).toBe(data.length);
    const mediaId: string = last.MediaId;

    const alice = sim.userNameOf('wxid_alice');
    const img = await post(
      'webwxsendmsgimg',
      msg({ Type: 3, MediaId: mediaId, ToUserName: alice, Content: '' }),
      '&fun=async&f=json',
    );
    expect(img.BaseResponse.Ret).toBe(0);
    const vid = await post(
      'webwxsendvideomsg',
      msg({ Type: 43, MediaId: mediaId, ToUserName: alice, Content: '' }),
      '&fun=async&f=json',
    );
    expect(vid.BaseResponse.Ret).toBe(0);
    const appContent = `<appmsg appid='wxeb7ec651dd0aefa9' sdkver=''><title>big.bin</title><des></des><action></action><type>6</type><content></content><url></url><lowurl></lowurl><appattach><totallen>${data.length}</totallen><attachid>${mediaId}</attachid><fileext>bin</fileext></appattach><extinfo></extinfo></appmsg>`;
    const file = await post(
      'webwxsendappmsg',
      msg({ Type: 6, Content: appContent, ToUserName: alice }),
      '&fun=async&f=json',
    );
    expect(file.BaseResponse.Ret).toBe(0);
    const emo = await post(
      'webwxsendemoticon',
      msg({ Type: 47, EmojiFlag: 2, MediaId: mediaId, ToUserName: alice }),
      '&fun=sys',
    );
    expect(emo.BaseResponse.Ret).toBe(0);
    const bogus = await post(
      'webwxsendmsgimg',
      msg({ Type: 3, MediaId: '@crypt_nope', ToUserName: alice }),
      '&fun=async&f=json',
    );
    expect(bogus.BaseResponse.Ret).toBe(1);

    const skey = encodeURIComponent(c.creds.skey);
    const big = await raw(`${sim.url}${CGI}webwxgetmsgimg?&MsgID=${img.MsgID}&skey=${skey}`, { jar: c.jar });
    expect(big.body.equals(data)).toBe(true);
    const slave = await raw(`${sim.url}${CGI}webwxgetmsgimg?&MsgID=${img.MsgID}&skey=${skey}&type=slave`, {
      jar: c.jar,
    });
    expect(slave.body.length).toBeGreaterThan(0);
    expect(slave.body.length).toBeLessThan(data.length);
    const part = await raw(`${sim.url}${CGI}webwxgetvideo?msgid=${vid.MsgID}&skey=${skey}`, {
      jar: c.jar,
      headers: { Range: 'bytes=0-4' },
    });
    expect(part.status).toBe(206);
    expect(part.text).toBe('hello');
    expect(part.headers['content-range']).toBe(`bytes 0-4/${data.length}`);
    const dt = c.jar.cookies.get('webwx_data_ticket')!;
    const got = await raw(
      `${sim.fileUrl}${CGI}webwxgetmedia?sender=${c.selfUserName}&mediaid=${encodeURIComponent(mediaId)}&filename=big.bin&fromuser=${c.creds.wxuin}&pass_ticket=${c.pt}&webwx_data_ticket=${encodeURIComponent(dt)}`,
      { jar: c.jar },
    );
    expect(got.body.equals(data)).toBe(true);
    // Wrong skey: an empty answer, like an <img> gets from the real server.
    expect((await raw(`${sim.url}${CGI}webwxgetmsgimg?&MsgID=${img.MsgID}&skey=bad`, { jar: c.jar })).body.length).toBe(
      0,
    );

    const echoes = await c.drain();
    expect(echoes.map((m: Json) => m.MsgType)).toEqual([3, 43, 49, 47]);
    expect(echoes[2].AppMsgType).toBe(6);
    expect(echoes[2].FileName).toBe('big.bin');
    expect(echoes[2].MediaId).toBe(mediaId);
    expect(
      sim
        .actions()
        .filter((a) => a.endpoint.startsWith('webwxsend'))
        .map((a) => a.endpoint),
    ).toEqual(['webwxsendmsgimg', 'webwxsendvideomsg', 'webwxsendappmsg', 'webwxsendemoticon', 'webwxsendmsgimg']);
  });

  it('downloads incoming voice, video, image and file sent by others', async () => {
    const voice = sim.send({ from: 'wxid_alice', kind: 'voice', duration: 3215 });
    const video = sim.send({ from: 'wxid_bob', room: ROOM, kind: 'video', size: 5000 });
    const file = sim.send({ from: 'wxid_alice', kind: 'file', fileName: 'notes.txt', data: Buffer.from('file body') });
    const msgs = await c.drain();
    expect(msgs.find((m: Json) => m.MsgId === voice.msgId).VoiceLength).toBe(3215);
    const fileMsg = msgs.find((m: Json) => m.MsgId === file.msgId);
    expect(fileMsg).toMatchObject({ MsgType: 49, AppMsgType: 6, FileName: 'notes.txt', FileSize: '9' });
    expect(fileMsg.Content).toContain('&lt;appmsg appid=');
    const skey = encodeURIComponent(c.creds.skey);
    const v = await raw(`${sim.url}${CGI}webwxgetvoice?msgid=${voice.msgId}&skey=${skey}`, { jar: c.jar });
    expect(v.body.subarray(0, 3).toString()).toBe('ID3');
    const vid = await raw(`${sim.url}${CGI}webwxgetvideo?msgid=${video.msgId}&skey=${skey}`, {
      jar: c.jar,
      headers: { Range: 'bytes=0-' },
    });
    expect(vid.status).toBe(206);
    expect(vid.body.length).toBe(5000);
    const f = await raw(
      `${sim.url}${CGI}webwxgetmedia?sender=${fileMsg.FromUserName}&mediaid=${encodeURIComponent(fileMsg.MediaId)}&encryfilename=${fileMsg.EncryFileName}&fromuser=${c.creds.wxuin}&pass_ticket=${c.pt}&webwx_data_ticket=${encodeURIComponent(c.jar.cookies.get('webwx_data_ticket')!)}`,
      { jar: c.jar },
    );
    expect(f.text).toBe('file body');
    const icon = await raw(`${sim.url}${CGI}webwxgeticon?seq=0&username=${sim.userNameOf('wxid_alice')}&skey=${skey}`, {
      jar: c.jar,
    });
    expect(icon.headers['content-type']).toBe('image/jpeg');
    const head = await raw(`${sim.url}${CGI}webwxgetheadimg?seq=0&username=${sim.userNameOf(ROOM)}&skey=${skey}`, {
      jar: c.jar,
    });
    expect(head.body.length).toBeGreaterThan(0);
  });

  it('every incoming kind has its wire shape', async () => {
    const kinds = ['image', 'emoticon', 'link', 'mini-program', 'transfer', 'red-packet', 'location'] as const;
    for (const kind of kinds) sim.send({ from: 'wxid_alice', kind });
    sim.send({ from: 'wxid_alice', kind: 'card', card: 'wxid_bob' });
    const said = sim.say({ from: 'wxid_alice', text: 'oops' });
    sim.send({ from: 'wxid_alice', kind: 'recall', msgId: said.msgId });
    const got = await c.drain();
    const types = got.map((m: Json) => [m.MsgType, m.AppMsgType, m.SubMsgType]);
    expect(types).toEqual([
      [3, 0, 0],
      [47, 0, 0],
      [49, 5, 0],
      [49, 33, 0],
      [49, 2000, 0],
      [10000, 0, 0],
      [1, 0, 48],
      [42, 0, 0],
      [1, 0, 0],
      [10002, 0, 0],
    ]);
    expect(got[5].Content).toBe('收到红包，请在手机上查看');
    expect(got[7].RecommendInfo.UserName).toBe(sim.userNameOf('wxid_bob'));
    expect(got[9].Content).toContain(`&lt;msgid&gt;${said.msgId}&lt;/msgid&gt;`);
    expect(got[9].Content).toContain('"Alice" 撤回了一条消息');
  });

  it('friend request → accept makes a contact and the 10000 notice', async () => {
    const { ticket } = sim.friendRequest({ from: { wxid: 'wxid_newbie', nickName: 'Newbie' }, text: '我是 Newbie' });
    const [req] = await c.drain();
    expect(req).toMatchObject({ MsgType: 37, FromUserName: 'fmessage' });
    expect(req.RecommendInfo).toMatchObject({ NickName: 'Newbie', Ticket: ticket, OpCode: 2, Content: '我是 Newbie' });
    const verify = (t: string): Promise<Json> =>
      post('webwxverifyuser', {
        Opcode: 3,
        VerifyUserListSize: 1,
        VerifyUserList: [{ Value: req.RecommendInfo.UserName, VerifyUserTicket: t }],
        VerifyContent: '',
        SceneListCount: 1,
        SceneList: [33],
        skey: c.creds.skey,
      });
    expect((await verify('v2_wrong@stranger')).BaseResponse.Ret).toBe(1);
    expect((await verify(ticket)).BaseResponse.Ret).toBe(0);
    const { json } = await c.sync();
    expect(json.ModContactList[0]).toMatchObject({
      UserName: req.RecommendInfo.UserName,
      NickName: 'Newbie',
      ContactFlag: 3,
    });
    expect(json.AddMsgList[0]).toMatchObject({
      MsgType: 10000,
      Content: '你已添加了Newbie，现在可以开始聊天了。',
      Status: 4,
    });
    expect(sim.world.person('wxid_newbie')!.kind).toBe('friend');
    // Opcode 2: the bot asks a stranger; the other side accepts.
    const erin = sim.userNameOf('wxid_erin');
    const add = await post('webwxverifyuser', {
      Opcode: 2,
      VerifyUserListSize: 1,
      VerifyUserList: [{ Value: erin, VerifyUserTicket: '' }],
      VerifyContent: 'hi erin',
      SceneListCount: 1,
      SceneList: [33],
    });
    expect(add.BaseResponse.Ret).toBe(0);
    sim.acceptBotRequest('wxid_erin');
    expect(sim.world.person('wxid_erin')!.kind).toBe('friend');
  });

  it('rooms: create, add, kick, rename change the world and tell the members', async () => {
    const alice = sim.userNameOf('wxid_alice');
    const bob = sim.userNameOf('wxid_bob');
    const created = await post(
      'webwxcreatechatroom',
      { MemberCount: 2, MemberList: [{ UserName: alice }, { UserName: bob }], Topic: '' },
      `&r=${Date.now()}`,
    );
    expect(created.BaseResponse).toEqual({ Ret: 0, ErrMsg: 'Everything is OK' });
    expect(created.ChatRoomName).toMatch(/^@@[0-9a-f]{64}$/);
    expect(created.MemberCount).toBe(3);
    const roomId = sim.stableIdOf(created.ChatRoomName)!;
    expect(roomId).toMatch(/^\d+@chatroom$/);

    const upd = (fun: string, body: Record<string, unknown>): Promise<Json> =>
      post('webwxupdatechatroom', { ChatRoomName: created.ChatRoomName, ...body }, `&fun=${fun}`);
    const carol = sim.userNameOf('wxid_carol');
    const added = await upd('addmember', { AddMemberList: carol });
    expect(added.MemberList[0].UserName).toBe(carol);
    expect((await upd('delmember', { DelMemberList: bob })).BaseResponse.Ret).toBe(0);
    expect(sim.world.room(roomId)!.members.has('wxid_bob')).toBe(false);
    expect((await upd('modtopic', { NewTopic: 'New <Topic>' })).BaseResponse.Ret).toBe(0);
    expect(sim.world.room(roomId)!.topic).toBe('New <Topic>');
    expect((await upd('invitemember', { InviteMemberList: sim.userNameOf('wxid_erin') })).BaseResponse.Ret).toBe(0);
    expect(sim.world.room(roomId)!.members.has('wxid_erin')).toBe(false);
    // Not the owner of the Family room: cannot remove.
    const family = sim.userNameOf('1000000002@chatroom');
    const denied = await post(
      'webwxupdatechatroom',
      { ChatRoomName: family, DelMemberList: sim.userNameOf('wxid_carol') },
      '&fun=delmember',
    );
    expect(denied.BaseResponse.Ret).not.toBe(0);

    const { json } = await c.sync();
    const notices = json.AddMsgList.filter((m: Json) => m.MsgType === 10000).map((m: Json) => m.Content);
    expect(notices).toEqual([
      '你邀请"Alice、Bob"加入了群聊',
      '你邀请"Carol"加入了群聊',
      '你将"Bob"移出了群聊',
      '你修改群名为“New &lt;Topic&gt;”',
    ]);
    const lastMod = json.ModContactList[json.ModContactList.length - 1];
    expect(lastMod.NickName).toBe('New &lt;Topic&gt;');

    // Other people's room events.
    sim.roomRename({ room: ROOM, topic: 'dong', by: 'wxid_alice' });
    sim.roomJoin({ room: ROOM, members: 'wxid_carol', inviter: 'wxid_alice' });
    sim.roomKick({ room: ROOM, member: 'wxid_bot', by: 'wxid_bob' });
    const more = (await c.sync()).json.AddMsgList.map((m: Json) => m.Content);
    expect(more).toEqual(['"Alice"修改群名为“dong”', '"Alice"邀请"Carol"加入了群聊', '你被"Bob"移出群聊']);
  });

  it('oplog remark and pin, revoke, statusnotify, logout', async () => {
    const alice = sim.userNameOf('wxid_alice');
    expect((await post('webwxoplog', { UserName: alice, CmdId: 2, RemarkName: 'Ally' })).BaseResponse.Ret).toBe(0);
    expect(sim.world.person('wxid_alice')!.remarkName).toBe('Ally');
    expect((await post('webwxoplog', { UserName: alice, CmdId: 3, OP: 1 })).BaseResponse.Ret).toBe(0);
    const mods = (await c.sync()).json.ModContactList;
    expect(mods[0].RemarkName).toBe('Ally');
    expect(mods[1].ContactFlag & 2048).toBe(2048);

    const sent = await c.sendText(alice, 'to be revoked');
    const rv = await post('webwxrevokemsg', { SvrMsgId: sent.MsgID, ToUserName: alice, ClientMsgId: '1' });
    expect(rv).toEqual({ BaseResponse: { Ret: 0, ErrMsg: '' }, Introduction: '', SysWording: '' });
    expect(
      (await post('webwxrevokemsg', { SvrMsgId: sent.MsgID, ToUserName: alice, ClientMsgId: '1' })).BaseResponse.Ret,
    ).toBe(1);

    const sn = await c.post(`${CGI}webwxstatusnotify?lang=zh_CN&pass_ticket=${c.pt}`, {
      BaseRequest: c.baseRequest(),
      Code: 3,
      FromUserName: c.selfUserName,
      ToUserName: c.selfUserName,
      ClientMsgId: Date.now(),
    });
    expect(sn.text).toMatch(/^\{"BaseResponse": \{"Ret": 0,"ErrMsg": ""\},"MsgID": "\d+"\}$/);

    const out = await raw(`${sim.url}${CGI}webwxlogout?redirect=1&type=0&skey=${encodeURIComponent(c.creds.skey)}`, {
      body: `sid=${c.creds.wxsid}&uin=${c.creds.wxuin}`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      jar: c.jar,
    });
    expect(out.status).toBe(200);
    expect((await c.synccheck()).text).toBe('window.synccheck={retcode:"1101",selector:"0"}');
    expect(sim.actions().map((a) => a.endpoint)).toContain('webwxlogout');
  });
});
