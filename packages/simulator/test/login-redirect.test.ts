import { createSimulator, type Simulator } from '../src/index.js';
import { raw, TestClient } from './helpers/client.js';

const PAGE = 'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage';
const UOS = { 'client-version': '2.0.0', extspam: 'Go8FCIkFEokFCggw' };

/** jslogin with `extra`, confirm on the phone, return the confirm answer's window.redirect_uri. */
async function confirmedRedirect(sim: Simulator, c: TestClient, extra: string): Promise<string> {
  const uuid = await c.jslogin(extra);
  sim.confirm(uuid);
  const body = (await c.poll(uuid)).text;
  const m = /^window\.code=200;window\.redirect_uri="([^"]+)";$/.exec(body);
  if (!m) throw new Error(`no redirect in ${body}`);
  return m[1]!;
}

describe("jslogin's redirect_uri decides the confirm answer's window.redirect_uri", () => {
  let sim: Simulator;
  let c: TestClient;
  beforeEach(async () => {
    sim = await createSimulator({ loginPollHoldMs: 100, synccheckHoldMs: 50 });
    c = new TestClient(sim.url);
  });
  afterEach(async () => {
    await sim.close();
  });

  it('keeps its path and query (mod=desktop), on our own host, then ticket, uuid, lang and scan', async () => {
    const redirect = await confirmedRedirect(sim, c, `&redirect_uri=${encodeURIComponent(`${PAGE}?mod=desktop`)}`);
    expect(redirect).toMatch(
      new RegExp(
        `^${sim.url}/cgi-bin/mmwebwx-bin/webwxnewloginpage\\?mod=desktop&ticket=[^&]+@qrticket_0&uuid=[^&]+&lang=zh_CN&scan=\\d+$`,
      ),
    );
    // Followed as given, it is the desktop variant: without the UOS headers it is refused, with them a 301.
    expect((await raw(`${redirect}&fun=new&version=v2`)).text).toContain('<ret>1203</ret>');
    const page = await c.newLoginPage(redirect, UOS);
    expect(page.status).toBe(301);
    expect(page.text).toContain('<ret>0</ret>');
    const login = sim.actions().filter((a) => a.endpoint === 'webwxnewloginpage');
    expect(login.map((a) => [a.op, a.ret])).toEqual([
      ['desktop', 1203],
      ['desktop', 0],
    ]);
  });

  it('reads the parameter unencoded too, as wechat4u and itchat send it (the ? inside the value)', async () => {
    const redirect = await confirmedRedirect(sim, c, `&redirect_uri=${PAGE}?mod=desktop`);
    expect(new URL(redirect).searchParams.get('mod')).toBe('desktop');
  });

  it('without mod, the plain web variant; without redirect_uri, the default page; lang is echoed', async () => {
    const plain = await confirmedRedirect(sim, c, `&redirect_uri=${encodeURIComponent(PAGE)}`);
    expect(plain.startsWith(`${sim.url}/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=`)).toBe(true);
    const page = await c.newLoginPage(plain);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<ret>0</ret>');

    const none = await confirmedRedirect(sim, new TestClient(sim.url), '');
    expect(none.startsWith(`${sim.url}/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=`)).toBe(true);

    const uuid = /uuid = "([^"]+)"/.exec(
      (await raw(`${sim.loginUrl}/jslogin?appid=wx782c26e4c19acffb&fun=new&lang=en_US&redirect_uri=${PAGE}`)).text,
    )![1]!;
    sim.confirm(uuid);
    const en = /redirect_uri="([^"]+)"/.exec((await c.poll(uuid)).text)![1]!;
    expect(new URL(en).searchParams.get('lang')).toBe('en_US');
    expect(en).toContain(`&uuid=${uuid}&lang=en_US&scan=`);
  });

  it('refuses a redirect_uri that is not an absolute http(s) URL with code 400, like a missing appid', async () => {
    for (const bad of ['webwxnewloginpage', 'javascript:alert(1)', 'ftp://wx.qq.com/x']) {
      const r = await raw(`${sim.loginUrl}/jslogin?appid=wx782c26e4c19acffb&redirect_uri=${encodeURIComponent(bad)}`);
      expect(r.text).toBe('window.QRLogin.code = 400; window.QRLogin.uuid = "";');
    }
    expect(sim.pendingLogins()).toEqual([]);
  });

  it('a path other than the login page is kept as asked (following it then finds nothing)', async () => {
    const redirect = await confirmedRedirect(
      sim,
      c,
      `&redirect_uri=${encodeURIComponent('https://wx.qq.com/cgi-bin/mmwebwx-bin/elsewhere?a=1')}`,
    );
    expect(redirect).toMatch(new RegExp(`^${sim.url}/cgi-bin/mmwebwx-bin/elsewhere\\?a=1&ticket=`));
    expect((await raw(redirect)).status).toBe(404);
  });
});
