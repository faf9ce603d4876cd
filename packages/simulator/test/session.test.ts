import { createSimulator, type Simulator } from '../src/index.js';
import { loginAndInit, raw, TestClient, type Json } from './helpers/client.js';

describe('login → init → contacts → sync → sendmsg', () => {
  let sim: Simulator;
  afterEach(async () => {
    await sim.close();
  });

  it('walks the whole login dance with the real bodies', async () => {
    sim = await createSimulator({ loginPollHoldMs: 100, synccheckHoldMs: 100 });
    const c = new TestClient(sim.url);
    const uuid = await c.jslogin();
    expect(uuid).toMatch(/^[A-Za-z0-9_-]{10}[AQgw]==$/);
    const qr = await raw(`${sim.loginUrl}/qrcode/${uuid}`);
    expect(qr.status).toBe(200);
    expect(qr.body.subarray(1, 4).toString()).toBe('PNG');

    expect((await c.poll(uuid)).text).toBe('window.code=408;');
    sim.scan(uuid);
    const scanned = await c.poll(uuid);
    expect(scanned.text).toMatch(/^window\.code=201;window\.userAvatar = 'data:img\/jpg;base64,[^']+';$/);
    const pending = c.poll(uuid, 0);
    setTimeout(() => sim.confirm(), 20);
    const ok = (await pending).text;
    const m = /^window\.code=200;window\.redirect_uri="([^"]+)";$/.exec(ok);
    expect(m).not.toBeNull();
    const redirect = m![1]!;
    expect(redirect.startsWith(`${sim.url}/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=`)).toBe(true);
    expect(redirect).toContain(`&uuid=${uuid}&lang=zh_CN&scan=`);

    const page = await c.newLoginPage(redirect);
    expect(page.text).toMatch(
      /^<error><ret>0<\/ret><message><\/message><skey>@crypt_[0-9a-f]{8}_[0-9a-f]{32}<\/skey><wxsid>[^<]{16}<\/wxsid><wxuin>\d+<\/wxuin><pass_ticket>[^<]+<\/pass_ticket><isgrayscale>1<\/isgrayscale><\/error>$/,
    );
    for (const k of ['wxuin', 'wxsid', 'webwx_data_ticket', 'webwx_auth_ticket', 'wxloadtime', 'mm_lang'])
      expect(c.jar.cookies.has(k)).toBe(true);
    // The ticket is single-use.
    expect((await raw(`${redirect}&fun=new&version=v2`)).text).toContain('<ret>1</ret>');
    // The uuid is spent.
    expect((await c.poll(uuid)).text).toBe('window.code=400;');

    const init = await c.init();
    expect(init.BaseResponse).toEqual({ Ret: 0, ErrMsg: '' });
    expect(init.User.Uin).toBe(Number(c.creds.wxuin));
    expect(init.User.UserName).toMatch(/^@[0-9a-f]{64}$/);
    expect(init.SKey).toBe(c.creds.skey);
    expect(init.ChatSet.endsWith(',')).toBe(true);
    expect(init.Count).toBe(init.ContactList.length);
    const initRoom = init.ContactList.find((x: Json) => x.UserName.startsWith('@@'));
    expect(initRoom.UserName).toMatch(/^@@[0-9a-f]{64}$/);
    expect(initRoom.MemberCount).toBe(0);

    const contacts = await c.getContacts();
    const alice = contacts.find((x: Json) => x.NickName === 'Alice');
    expect(alice.UserName).toMatch(/^@[0-9a-f]{64}$/);
    const news = contacts.find((x: Json) => x.NickName === '每日新闻');
    expect(news.VerifyFlag & 8).toBe(8);
    expect(contacts.find((x: Json) => x.UserName === 'filehelper')).toBeDefined();

    const rooms = await c.batchGet([sim.userNameOf('1000000001@chatroom')]);
    expect(rooms.Count).toBe(1);
    expect(rooms.ContactList[0].MemberList.map((m: Json) => m.UserName)).toContain(sim.userNameOf('wxid_alice'));

    // First sync: the MsgType 51 / StatusNotifyCode 4 entry, stable ids paired with UserNames by position.
    expect((await c.synccheck()).text).toBe('window.synccheck={retcode:"0",selector:"2"}');
    const first = await c.sync();
    const notify = first.json.AddMsgList.find((x: Json) => x.MsgType === 51);
    expect(notify.StatusNotifyCode).toBe(4);
    expect(notify.FromUserName).toBe(c.selfUserName);
    const stable = /&lt;username&gt;([^&]*)&lt;\/username&gt;/.exec(notify.Content)![1]!.split(',');
    const session = notify.StatusNotifyUserName.split(',');
    expect(stable.length).toBe(session.length);
    stable.forEach((id: string, i: number) => expect(sim.userNameOf(id)).toBe(session[i]));
    expect(stable).toContain('wxid_bot');
    expect(first.json.SyncCheckKey.List.length).toBeGreaterThan(0);

    // Quiet: synccheck is held and answers selector 0.
    expect((await c.synccheck()).text).toBe('window.synccheck={retcode:"0",selector:"0"}');

    // A message arrives while synccheck is held.
    const held = c.synccheck();
    setTimeout(() => sim.say({ from: 'wxid_alice', text: 'hi <you>\nsecond line 😄' }), 20);
    expect((await held).text).toBe('window.synccheck={retcode:"0",selector:"2"}');
    const { text, json } = await c.sync();
    const msg = json.AddMsgList[0];
    expect(msg.MsgType).toBe(1);
    expect(msg.FromUserName).toBe(alice.UserName);
    expect(msg.ToUserName).toBe(c.selfUserName);
    expect(msg.Content).toBe('hi &lt;you&gt;<br/>second line <span class="emoji emoji1f604"></span>');
    expect(typeof msg.MsgId).toBe('string');
    expect(BigInt(msg.MsgId) > 2n ** 53n).toBe(true);
    expect(text).toContain(`"NewMsgId": ${msg.MsgId}`);

    // Room message from someone else carries @sender:<br/>.
    sim.say({ from: 'wxid_bob', room: '1000000001@chatroom', text: 'hello room' });
    const roomMsg = (await c.sync()).json.AddMsgList[0];
    expect(roomMsg.FromUserName).toBe(sim.userNameOf('1000000001@chatroom'));
    expect(roomMsg.Content).toBe(`${sim.userNameOf('wxid_bob')}:<br/>hello room`);

    // The bot replies; the action is recorded and echoed back through sync.
    const sent = await c.sendText(alice.UserName, 'pong & more');
    expect(sent.BaseResponse.Ret).toBe(0);
    expect(sent.MsgID).toMatch(/^\d+$/);
    const action = await sim.waitForAction((a) => a.endpoint === 'webwxsendmsg', { timeoutMs: 1000 });
    expect(action).toMatchObject({
      to: 'wxid_alice',
      toUserName: alice.UserName,
      content: 'pong & more',
      msgType: 1,
      ret: 0,
    });
    const echo = (await c.sync()).json.AddMsgList[0];
    expect(echo).toMatchObject({
      MsgId: sent.MsgID,
      FromUserName: c.selfUserName,
      ToUserName: alice.UserName,
      Content: 'pong &amp; more',
    });
  });

  it('regenerates session UserNames at every login while wxid and Uin stay', async () => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100, synccheckHoldMs: 50 });
    const a = await loginAndInit(sim.url);
    const aliceFirst = sim.userNameOf('wxid_alice');
    const b = await loginAndInit(sim.url);
    expect(sim.userNameOf('wxid_alice')).not.toBe(aliceFirst);
    expect(b.creds.wxuin).toBe(a.creds.wxuin);
    // The first session was replaced.
    expect((await a.synccheck()).text).toBe('window.synccheck={retcode:"1101",selector:"0"}');
    expect((await a.sendText(aliceFirst, 'x')).BaseResponse.Ret).toBe(1101);
    // A stale UserName from the old login is unknown now.
    expect((await b.sendText(aliceFirst, 'x')).BaseResponse.Ret).toBe(1204);
    expect((await b.sendText(sim.userNameOf('wxid_alice'), 'x')).BaseResponse.Ret).toBe(0);
  });
});
