import { createSimulator, generateWorld, type Simulator } from '../src/index.js';
import { CGI, loginAndInit, raw, TestClient } from './helpers/client.js';

describe('error paths, faults, control API, load', () => {
  let sim: Simulator;
  afterEach(async () => {
    await sim.close();
  });

  it('checks credentials like the real server', async () => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100, synccheckHoldMs: 50 });
    const c = await loginAndInit(sim.url);
    const init = (br: Record<string, unknown>, query = `pass_ticket=${c.pt}`): Promise<number> =>
      c
        .postJson(`${CGI}webwxinit?r=1&${query}`, { BaseRequest: { ...c.baseRequest(), ...br } })
        .then((r) => r.BaseResponse.Ret);
    expect(await init({})).toBe(0);
    expect(await init({ Sid: 'nope' })).toBe(1101);
    expect(await init({ Uin: 1 })).toBe(1101);
    expect(await init({ Skey: '@crypt_bad' })).toBe(1100);
    expect(await init({}, 'pass_ticket=wrong')).toBe(-14);
    // Body sent as text/plain is still JSON to the server.
    const plain = await raw(`${sim.url}${CGI}webwxinit?r=1`, {
      body: JSON.stringify({ BaseRequest: c.baseRequest() }),
      headers: { 'Content-Type': 'text/plain' },
      jar: c.jar,
    });
    expect(JSON.parse(plain.text).BaseResponse.Ret).toBe(0);
    // Without cookies.
    const bare = await raw(`${sim.url}${CGI}webwxinit?r=1`, { body: JSON.stringify({ BaseRequest: c.baseRequest() }) });
    expect(JSON.parse(bare.text).BaseResponse.Ret).toBe(1102);
    const sc = await raw(
      `${sim.url}${CGI}synccheck?sid=${c.creds.wxsid}&uin=${c.creds.wxuin}&skey=${encodeURIComponent(c.creds.skey)}&synckey=${c.syncKeyParam()}`,
    );
    expect(sc.text).toBe('window.synccheck={retcode:"1102",selector:"0"}');
    // More than 50 names in one batch.
    const many = Array.from({ length: 51 }, () => sim.userNameOf('wxid_alice'));
    expect((await c.batchGet(many)).BaseResponse.Ret).toBe(1);
    // Phone logout.
    sim.logoutFromPhone();
    expect((await c.synccheck()).text).toBe('window.synccheck={retcode:"1100",selector:"0"}');
    expect((await c.sync()).json.BaseResponse.Ret).toBe(1100);
  });

  it('bans web login (1203), serves the desktop variant as a 301, expires uuids (400), push login', async () => {
    sim = await createSimulator({ loginPollHoldMs: 50, uuidTtlMs: 150 });
    sim.ban({ webLogin: true });
    const c = new TestClient(sim.url);
    const uuid = await c.jslogin();
    sim.confirm(uuid);
    const redirect = /redirect_uri="([^"]+)"/.exec((await c.poll(uuid)).text)![1]!;
    const banned = await raw(`${redirect}&fun=new&version=v2`);
    expect(banned.text).toMatch(/^<error><ret>1203<\/ret><message>为了你的帐号安全，此微信号已不允许登录网页微信。/);
    // The desktop (UOS) variant needs its headers and answers 301 with the XML and the cookies.
    const noHeaders = await raw(`${redirect}&fun=new&version=v2&mod=desktop`);
    expect(noHeaders.text).toContain('<ret>1203</ret>');
    const desk = await c.newLoginPage(`${redirect}&mod=desktop`, {
      'client-version': '2.0.0',
      extspam: 'Go8FCIkFEokFCggw',
    });
    expect(desk.status).toBe(301);
    expect(desk.text).toContain('<ret>0</ret>');
    expect(c.jar.cookies.get('wxuin')).toBe(c.creds.wxuin);
    expect((await c.init()).BaseResponse.Ret).toBe(0);

    const late = await c.jslogin();
    await new Promise((r) => setTimeout(r, 200));
    expect((await c.poll(late)).text).toBe('window.code=400;');

    const bad = await raw(`${sim.url}${CGI}webwxpushloginurl?uin=12345`);
    expect(bad.text).toBe('{"ret":"1","msg":"param error"}');
    const push = await raw(`${sim.url}${CGI}webwxpushloginurl?uin=${sim.world.self.uin}`);
    const m = /^\{"ret":"0","msg":"all ok","uuid":"([^"]+)"\}$/.exec(push.text);
    expect(m).not.toBeNull();
    expect(sim.pendingLogins()).toContain(m![1]);
    sim.confirm(m![1]);
    expect((await c.poll(m![1]!)).text).toMatch(/^window\.code=200;/);
  });

  it('injects faults reproducibly and rate-limits fast senders with 1205', async () => {
    sim = await createSimulator({
      autoConfirm: true,
      loginPollHoldMs: 100,
      synccheckHoldMs: 50,
      rateLimit: { max: 3, windowMs: 60_000 },
    });
    const c = await loginAndInit(sim.url);
    await c.drain();
    const alice = sim.userNameOf('wxid_alice');
    const rets: number[] = [];
    for (let i = 0; i < 5; i++) rets.push((await c.sendText(alice, `m${i}`)).BaseResponse.Ret);
    expect(rets).toEqual([0, 0, 0, 1205, 1205]);

    sim.addFault({ kind: 'http', status: 503, endpoint: 'webwxinit', times: 1 });
    expect((await c.post(`${CGI}webwxinit?r=1`, { BaseRequest: c.baseRequest() })).status).toBe(503);
    expect((await c.init()).BaseResponse.Ret).toBe(0);
    sim.addFault({ kind: 'ret', ret: 1101, endpoint: 'webwxsync', times: 1 });
    expect((await c.sync()).json.BaseResponse.Ret).toBe(1101);
    sim.addFault({ kind: 'drop', endpoint: 'synccheck', times: 1 });
    await expect(c.synccheck()).rejects.toThrow();
    sim.clearFaults();
    await c.drain();
    sim.addFault({ kind: 'stuck-selector' });
    expect((await c.synccheck()).text).toBe('window.synccheck={retcode:"0",selector:"2"}');
    sim.say({ from: 'wxid_alice', text: 'hidden' });
    expect((await c.sync()).json.AddMsgCount).toBe(0);
    sim.clearFaults();
    expect((await c.sync()).json.AddMsgList[0].Content).toBe('hidden');
    // A stuck-selector rule starts when it first fires: `after` holds it back like any rule.
    sim.addFault({ kind: 'stuck-selector', endpoint: 'synccheck', after: 1 });
    sim.say({ from: 'wxid_alice', text: 'seen' });
    expect((await c.sync()).json.AddMsgList[0].Content).toBe('seen');
    expect((await c.synccheck()).text).toBe('window.synccheck={retcode:"0",selector:"0"}');
    expect((await c.synccheck()).text).toBe('window.synccheck={retcode:"0",selector:"2"}');
    expect((await c.sync()).json.AddMsgCount).toBe(0);
    sim.clearFaults();
    sim.addFault({ kind: 'latency', ms: 30, endpoint: 'webwxsync' });
    sim.addFault({ kind: 'expire-session', endpoint: 'webwxsync', after: 1 });
    expect((await c.sync()).json.BaseResponse.Ret).toBe(0);
    expect((await c.sync()).json.BaseResponse.Ret).toBe(1101);
    expect((await c.synccheck()).text).toBe('window.synccheck={retcode:"1101",selector:"0"}');
  });

  it('drives everything through the HTTP control API', async () => {
    sim = await createSimulator({ loginPollHoldMs: 100, synccheckHoldMs: 50 });
    // A local tool, as the guard wants it: JSON content type on every POST, no Origin.
    const ctl = (method: string, path: string, body?: unknown) =>
      raw(`${sim.controlUrl}${path}`, {
        method,
        ...(method === 'POST' || method === 'PUT' ? { headers: { 'Content-Type': 'application/json' } } : {}),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).then((r) => ({ status: r.status, json: JSON.parse(r.text) }));
    const c = new TestClient(sim.url);
    const uuid = await c.jslogin();
    expect((await ctl('GET', '/login')).json.pending).toEqual([uuid]);
    expect((await ctl('POST', '/login/confirm', {})).json.uuid).toBe(uuid);
    const redirect = /redirect_uri="([^"]+)"/.exec((await c.poll(uuid)).text)![1]!;
    await c.newLoginPage(redirect);
    await c.init();
    await c.drain();
    expect((await ctl('POST', '/say', { from: 'wxid_alice', text: 'via http' })).json.msgId).toMatch(/^\d+$/);
    const bad = await ctl('POST', '/say', { from: 'wxid_nobody', text: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('say.from: unknown person "wxid_nobody" (not in the world)');
    expect((await ctl('POST', '/send', { from: 'wxid_alice', kind: 'nope' })).json.error).toMatch(
      /^send\.kind: expected one of/,
    );
    expect((await ctl('POST', '/faults', { kind: 'latency' })).json.error).toBe(
      'fault.ms: latency needs a non-negative number of milliseconds',
    );
    expect((await ctl('PUT', '/world', { self: { wxid: 'x' } })).json.error).toContain(
      'self.uin: expected a positive integer',
    );
    const waiting = ctl('POST', '/actions/wait', { match: { endpoint: 'webwxsendmsg' }, timeoutMs: 2000 });
    await c.sendText(sim.userNameOf('wxid_alice'), 'reply');
    expect((await waiting).json.action).toMatchObject({ endpoint: 'webwxsendmsg', to: 'wxid_alice', content: 'reply' });
    expect(
      (await ctl('POST', '/room/rename', { room: '1000000001@chatroom', topic: 'T', by: 'wxid_alice' })).status,
    ).toBe(200);
    const msgs = await c.drain();
    expect(msgs.map((m) => m.Content)).toEqual(['via http', 'reply', '"Alice"修改群名为“T”']);
    expect((await ctl('POST', '/logout')).status).toBe(200);
    expect((await c.synccheck()).text).toBe('window.synccheck={retcode:"1100",selector:"0"}');
  });

  it('pages 10,000 contacts and batch-fetches a 500-member room', async () => {
    const world = generateWorld({ friends: 10_000, rooms: [{ members: 500, strangers: 200 }], seed: 7 });
    sim = await createSimulator({
      world,
      autoConfirm: true,
      loginPollHoldMs: 100,
      synccheckHoldMs: 50,
      contactPageSize: 1500,
    });
    const c = await loginAndInit(sim.url);
    const t0 = Date.now();
    const contacts = await c.getContacts();
    const pagingMs = Date.now() - t0;
    const people = contacts.filter((x) => !x.UserName.startsWith('@@'));
    expect(people.filter((x) => x.ContactFlag === 3 && x.VerifyFlag === 0).length).toBe(10_000);
    expect(new Set(contacts.map((x) => x.UserName)).size).toBe(contacts.length);
    const room = contacts.find((x) => x.UserName.startsWith('@@'));
    const got = await c.batchGet([room.UserName]);
    expect(got.ContactList[0].MemberList.length).toBe(501);
    // Members who are strangers can be looked up in batches of 50 with the room as EncryChatRoomId.
    const members: string[] = got.ContactList[0].MemberList.map((m: { UserName: string }) => m.UserName);
    let fetched = 0;
    for (let i = 0; i < members.length; i += 50)
      fetched += Number((await c.batchGet(members.slice(i, i + 50), room.UserName)).Count);
    expect(fetched).toBe(501);
    // Informational, never asserted: how long paging took.
    process.stdout.write(`[sim] 10k-contact paging: ${pagingMs} ms over ${Math.ceil(contacts.length / 1500)} pages\n`);
  });

  it('serves 100 concurrent long polls while messages keep flowing; ContinueFlag on backlog', async () => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100, synccheckHoldMs: 300, syncBatchSize: 20 });
    const c = await loginAndInit(sim.url);
    await c.drain();
    const t0 = Date.now();
    const polls = Array.from({ length: 100 }, () => c.synccheck());
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push(sim.say({ from: 'wxid_alice', text: `burst ${i}` }).msgId);
    const answers = await Promise.all(polls);
    expect(answers.every((a) => a.text === 'window.synccheck={retcode:"0",selector:"2"}')).toBe(true);
    const first = await c.sync();
    expect(first.json.AddMsgCount).toBe(20);
    expect(first.json.ContinueFlag).toBe(1);
    const rest = await c.drain();
    expect([...first.json.AddMsgList, ...rest].map((m) => m.MsgId)).toEqual(ids);
    process.stdout.write(`[sim] 100 concurrent synccheck + 50 msgs: ${Date.now() - t0} ms\n`);
  });

  it('serves login, push and file endpoints on separate hosts', async () => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100, synccheckHoldMs: 50, separateHosts: true });
    expect(new Set([sim.url, sim.loginUrl, sim.pushUrl, sim.fileUrl]).size).toBe(4);
    expect((await raw(`${sim.url}/jslogin?appid=x`)).status).toBe(404);
    const c = await loginAndInit(sim.url, undefined, { login: sim.loginUrl, push: sim.pushUrl, file: sim.fileUrl });
    expect((await c.synccheck()).text).toMatch(/retcode:"0"/);
    expect((await raw(`${sim.url}${CGI}synccheck`)).status).toBe(404);
  });
});
