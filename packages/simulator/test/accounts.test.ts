import { createSimulator, generateAccounts, generateWorld, type Simulator } from '../src/index.js';
import { CGI, loginAndInit, raw, type Json } from './helpers/client.js';
import { upload } from './helpers/upload.js';

const world = (wxid: string, uin: number) => ({
  self: { wxid, uin, nickName: wxid },
  friends: [{ wxid: 'wxid_alice', nickName: 'Alice' }],
  rooms: [],
});

async function control(sim: Simulator, method: string, path: string, body?: unknown): Promise<Json> {
  const r = await raw(`${sim.controlUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
  });
  return { status: r.status, body: JSON.parse(r.text) };
}

describe('many accounts behind one set of ports', () => {
  let sim: Simulator;
  afterEach(async () => {
    await sim.close();
  });

  beforeEach(async () => {
    sim = await createSimulator({
      accounts: [
        { id: 'a', world: world('wxid_a', 2200000001) },
        { id: 'b', world: world('wxid_b', 2200000002) },
      ],
      loginPollHoldMs: 50,
      synccheckHoldMs: 50,
    });
  });

  it('routes a login by its uuid to the phone that confirms it, later requests by Uin/Sid/cookies', async () => {
    expect(sim.accountIds()).toEqual(['a', 'b']);
    // B's phone confirms the first login, A's the second: each client becomes that account.
    const cb = await loginAndInit(sim.url, (uuid) => sim.account('b').confirm(uuid));
    const ca = await loginAndInit(sim.url, (uuid) => sim.account('a').confirm(uuid));
    expect(cb.creds.wxuin).toBe('2200000002');
    expect(ca.creds.wxuin).toBe('2200000001');
    expect(sim.account('a').session?.sid).toBe(ca.creds.wxsid);
    expect(sim.account('b').session?.sid).toBe(cb.creds.wxsid);
    // Both sessions live side by side: logging in B did not end A's.
    expect(sim.account('a').session?.ended).toBeUndefined();

    // A message to each account reaches only its own client.
    sim.account('a').say({ from: 'wxid_alice', text: 'to a' });
    sim.account('b').say({ from: 'wxid_alice', text: 'to b' });
    const texts = async (c: typeof ca): Promise<string[]> => (await c.drain()).map((m: Json) => m.Content);
    const [ofA, ofB] = [await texts(ca), await texts(cb)];
    expect(ofA).toContain('to a');
    expect(ofA).not.toContain('to b');
    expect(ofB).toContain('to b');
    expect(ofB).not.toContain('to a');
    // Sends are recorded by the account that made them.
    const peer = sim.account('a').userNameOf('wxid_alice');
    expect((await ca.sendText(peer, 'hi from a')).BaseResponse.Ret).toBe(0);
    expect(
      sim
        .account('a')
        .actions()
        .some((x) => x.endpoint === 'webwxsendmsg'),
    ).toBe(true);
    expect(
      sim
        .account('b')
        .actions()
        .some((x) => x.endpoint === 'webwxsendmsg'),
    ).toBe(false);
    // Uploads (multipart, streamed by their route) go by the cookies.
    const [answer] = await upload(cb, Buffer.from('file of b'), 'b.txt');
    expect(JSON.parse(answer!).BaseResponse.Ret).toBe(0);
    expect(
      sim
        .account('b')
        .actions()
        .some((x) => x.endpoint === 'webwxuploadmedia'),
    ).toBe(true);
    expect(
      sim
        .account('a')
        .actions()
        .some((x) => x.endpoint === 'webwxuploadmedia'),
    ).toBe(false);
    // synccheck (query uin/sid) and getcontact (cookies only) find their account.
    expect((await ca.synccheck()).text).toMatch(/retcode:"0"/);
    expect((await cb.getContacts()).some((c: Json) => c.UserName === sim.account('b').userNameOf('wxid_alice'))).toBe(
      true,
    );
  });

  it('refuses a request whose Sid, Skey or cookies belong to another account', async () => {
    const ca = await loginAndInit(sim.url, (uuid) => sim.account('a').confirm(uuid));
    const cb = await loginAndInit(sim.url, (uuid) => sim.account('b').confirm(uuid));
    const init = (br: Record<string, unknown>, jar = ca.jar) =>
      raw(`${sim.url}${CGI}webwxinit?r=1`, {
        body: JSON.stringify({ BaseRequest: br }),
        headers: { 'Content-Type': 'application/json' },
        jar,
      }).then((r) => JSON.parse(r.text).BaseResponse.Ret as number);
    expect(await init(ca.baseRequest())).toBe(0);
    // A's Uin with B's Sid: no such session of A.
    expect(await init({ ...ca.baseRequest(), Sid: cb.creds.wxsid })).toBe(1101);
    // A's Uin and Sid with B's Skey.
    expect(await init({ ...ca.baseRequest(), Skey: cb.creds.skey })).toBe(1100);
    // A's credentials with B's cookies.
    expect(await init(ca.baseRequest(), cb.jar)).toBe(1102);
    // A Uin no account has.
    expect(await init({ ...ca.baseRequest(), Uin: 1 })).toBe(1101);
  });

  it('a push login goes to the account its uin names; a claimed uuid is not another phone’s', async () => {
    const r = await raw(`${sim.url}${CGI}webwxpushloginurl?uin=2200000002`);
    const uuid = JSON.parse(r.text).uuid as string;
    expect(() => sim.account('a').confirm(uuid)).toThrow(/belongs to account "b"/);
    expect(sim.account('a').pendingLogins()).toEqual([]);
    expect(sim.account('b').pendingLogins()).toEqual([uuid]);
    sim.account('b').confirm(uuid);
  });

  it('the control API addresses each account; the plain paths stay the first one’s', async () => {
    const list = await control(sim, 'GET', '/accounts');
    expect(list.body.accounts.map((a: Json) => [a.id, a.uin, a.loggedIn])).toEqual([
      ['a', 2200000001, false],
      ['b', 2200000002, false],
    ]);
    await control(sim, 'POST', '/accounts/b/world/person', { wxid: 'wxid_new', nickName: 'New' });
    expect(sim.account('b').world.person('wxid_new')).toBeDefined();
    expect(sim.account('a').world.person('wxid_new')).toBeUndefined();
    expect((await control(sim, 'GET', '/world')).body.self.wxid).toBe('wxid_a');
    expect((await control(sim, 'GET', '/accounts/b/world')).body.self.wxid).toBe('wxid_b');
    const missing = await control(sim, 'GET', '/accounts/zz/world');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatch(/no account "zz" \(there: a, b\)/);
    const added = await control(sim, 'POST', '/accounts', { id: 'c', world: world('wxid_c', 2200000003) });
    expect(added.body).toEqual({ ok: true, id: 'c' });
    const c = await loginAndInit(sim.url, (uuid) => sim.account('c').confirm(uuid));
    expect(c.creds.wxuin).toBe('2200000003');
  });
});

describe('multi-account set-up', () => {
  it('refuses duplicate ids and uins, and world together with accounts', async () => {
    await expect(
      createSimulator({
        accounts: [
          { id: 'a', world: world('wxid_a', 1) },
          { id: 'a', world: world('wxid_b', 2) },
        ],
      }),
    ).rejects.toThrow(/id "a" is used twice/);
    await expect(
      createSimulator({
        accounts: [
          { id: 'a', world: world('wxid_a', 1) },
          { id: 'b', world: world('wxid_b', 1) },
        ],
      }),
    ).rejects.toThrow(/accounts\.b\.world\.self\.uin: 1 is also account "a"'s uin/);
    await expect(createSimulator({ world: world('wxid_a', 1), accounts: [] })).rejects.toThrow(/not both/);
  });

  it('autoConfirm gives each login to the next account without a session', async () => {
    const sim = await createSimulator({
      accounts: generateAccounts({ count: 3, friends: 2, rooms: 1, roomMembers: 2 }),
      autoConfirm: true,
      loginPollHoldMs: 50,
    });
    try {
      const uins: string[] = [];
      for (let i = 0; i < 3; i++) uins.push((await loginAndInit(sim.url)).creds.wxuin);
      expect(uins).toEqual(['1100000001', '1100000002', '1100000003']);
    } finally {
      await sim.close();
    }
  });
});

describe('generateAccounts', () => {
  it('the same seed makes the same accounts; another seed other ones', () => {
    const a = generateAccounts({ count: 5, seed: 7 });
    expect(generateAccounts({ count: 5, seed: 7 })).toEqual(a);
    expect(generateAccounts({ count: 5, seed: 8 })).not.toEqual(a);
    expect(a.map((x) => x.id)).toEqual(['acct0001', 'acct0002', 'acct0003', 'acct0004', 'acct0005']);
    expect(new Set(a.map((x) => x.world.self.uin)).size).toBe(5);
    // Small accounts: 500 friends, 20 rooms of 50 besides self.
    const w = a[0]!.world;
    expect(w.friends).toHaveLength(500);
    expect(w.rooms).toHaveLength(20);
    expect(w.rooms!.every((r) => r.members.length === 51)).toBe(true);
    // Account i does not depend on how many there are.
    expect(generateAccounts({ count: 2, seed: 7 })).toEqual(a.slice(0, 2));
    expect(generateWorld({ seed: 1 })).toEqual(generateWorld({ seed: 1 }));
  });
});
