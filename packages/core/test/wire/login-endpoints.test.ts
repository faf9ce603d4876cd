import {
  LoginForbidden,
  ProtocolError,
  PushLoginFailed,
  RealNameRequired,
  ServerError,
  TicketFailed,
} from '../../src/wire/errors.js';
import { jsLogin, newLoginPage, pollLogin, pushLoginUrl } from '../../src/wire/login-endpoints.js';
import { fakeHttp } from './fake-http.js';

const ORIGIN = 'https://login.example';
const page = (ret: number, extra = ''): string =>
  `<error><ret>${ret}</ret><message>${extra}</message><skey>@k</skey><wxsid>s</wxsid><wxuin>42</wxuin><pass_ticket>pt</pass_ticket></error>`;

describe('jslogin', () => {
  it('sends the appid, the redirect target and the language, and answers the uuid', async () => {
    const http = fakeHttp(['window.QRLogin.code = 200; window.QRLogin.uuid = "U1";']);
    await expect(jsLogin(http, ORIGIN, 'https://main.example/page', 'en_US')).resolves.toBe('U1');
    expect(http.seen[0]).toMatchObject({ endpoint: 'jslogin', url: `${ORIGIN}/jslogin` });
    expect(http.seen[0]!.query).toMatchObject({ redirect_uri: 'https://main.example/page', fun: 'new', lang: 'en_US' });
    expect(typeof http.seen[0]!.query!['appid']).toBe('string');
  });

  it('a refusing code is a ServerError with the code; an unreadable body a ProtocolError naming jslogin', async () => {
    await expect(jsLogin(fakeHttp(['window.QRLogin.code = 400;']), ORIGIN, 'r', 'zh_CN')).rejects.toMatchObject({
      name: 'ServerError',
      endpoint: 'jslogin',
      ret: 400,
    });
    const err = await jsLogin(fakeHttp(['<html>busy</html>']), ORIGIN, 'r', 'zh_CN').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).endpoint).toBe('jslogin');
  });
});

describe('the login poll', () => {
  it('is a long poll for the uuid with tip and the caller timeout', async () => {
    const http = fakeHttp(['window.code=408;']);
    await expect(pollLogin(http, ORIGIN, 'U1', 1, 30_000)).resolves.toEqual({ kind: 'wait' });
    expect(http.seen[0]).toMatchObject({
      endpoint: 'login',
      url: `${ORIGIN}/cgi-bin/mmwebwx-bin/login`,
      longPoll: true,
      timeoutMs: 30_000,
    });
    expect(http.seen[0]!.query).toMatchObject({ loginicon: 'true', uuid: 'U1', tip: 1 });
  });

  it.each([
    ['window.code=201;window.userAvatar="data:img";', { kind: 'scanned', avatar: 'data:img' }],
    ['window.code=201;', { kind: 'scanned' }],
    [
      'window.code=200;window.redirect_uri="https://main.example/p?ticket=t";',
      { kind: 'confirmed', redirectUri: 'https://main.example/p?ticket=t' },
    ],
    ['window.code=400;', { kind: 'expired' }],
    ['window.code=402;', { kind: 'expired' }],
  ])('reads %s', async (body, answer) => {
    await expect(pollLogin(fakeHttp([body]), ORIGIN, 'U1', 0, 1000)).resolves.toEqual(answer);
  });

  it('refuses a confirmation without redirect_uri, an unknown code and garbage, naming the endpoint', async () => {
    await expect(pollLogin(fakeHttp(['window.code=200;']), ORIGIN, 'U', 0, 1)).rejects.toThrow(
      'login: code 200 without window.redirect_uri',
    );
    await expect(pollLogin(fakeHttp(['window.code=500;']), ORIGIN, 'U', 0, 1)).rejects.toBeInstanceOf(ServerError);
    const err = await pollLogin(fakeHttp(['nope']), ORIGIN, 'U', 0, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).endpoint).toBe('login');
  });
});

describe('webwxnewloginpage', () => {
  it('does not follow redirects and reads the keys from a 200 or a 301', async () => {
    for (const status of [200, 301]) {
      const http = fakeHttp([{ status, text: page(0) }]);
      await expect(newLoginPage(http, 'https://main.example/p', { Referer: 'r' }, false)).resolves.toMatchObject({
        skey: '@k',
        sid: 's',
        uin: 42,
      });
      expect(http.seen[0]).toMatchObject({
        endpoint: 'webwxnewloginpage',
        redirect: 'manual',
        headers: { Referer: 'r' },
      });
    }
  });

  it('refuses another HTTP status, a body without <ret> and an answer without keys', async () => {
    await expect(newLoginPage(fakeHttp([{ status: 500, text: '' }]), 'u', {}, false)).rejects.toThrow(
      'webwxnewloginpage: unexpected HTTP 500',
    );
    const err = await newLoginPage(fakeHttp(['<html/>']), 'u', {}, false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).endpoint).toBe('webwxnewloginpage');
    await expect(newLoginPage(fakeHttp(['<error><ret>0</ret></error>']), 'u', {}, false)).rejects.toThrow(
      'lacks skey/wxsid/wxuin',
    );
  });

  it('maps the refusals: 1203 forbidden (hint by mode), real name, other rets', async () => {
    const plain = await newLoginPage(fakeHttp([page(1203)]), 'u', {}, false).catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(LoginForbidden);
    expect((plain as LoginForbidden).hint).toMatch(/Enable desktop/);
    const desktop = await newLoginPage(fakeHttp([page(1203)]), 'u', {}, true).catch((e: unknown) => e);
    expect((desktop as LoginForbidden).hint).toMatch(/even in desktop/);
    await expect(newLoginPage(fakeHttp([page(1203, '请先进行实名认证')]), 'u', {}, false)).rejects.toBeInstanceOf(
      RealNameRequired,
    );
    await expect(newLoginPage(fakeHttp([page(1)]), 'u', {}, false)).rejects.toBeInstanceOf(TicketFailed);
  });
});

describe('webwxpushloginurl', () => {
  it('asks for the uin on the main origin and answers the uuid', async () => {
    const http = fakeHttp(['{"ret":"0","msg":"all ok","uuid":"P1"}']);
    await expect(pushLoginUrl(http, 'https://main.example', 7)).resolves.toBe('P1');
    expect(http.seen[0]).toMatchObject({
      endpoint: 'webwxpushloginurl',
      url: 'https://main.example/cgi-bin/mmwebwx-bin/webwxpushloginurl',
      query: { uin: 7 },
    });
  });

  it('refuses non-JSON, a non-zero ret and a missing uuid as PushLoginFailed', async () => {
    for (const body of ['<html/>', '{"ret":"1","msg":"no"}', '{"ret":"0"}']) {
      const err = await pushLoginUrl(fakeHttp([body]), 'https://m', 7).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PushLoginFailed);
      expect((err as PushLoginFailed).endpoint).toBe('webwxpushloginurl');
    }
  });
});
