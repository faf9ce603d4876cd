import { jest } from '@jest/globals';
import { pino } from 'pino';

import {
  ClientStopped,
  LoginForbidden,
  RealNameRequired,
  TicketFailed,
  LoginTimeout,
  NetworkError,
  ProtocolError,
  PushLoginFailed,
  QrExpired,
  ServerError,
} from '../../src/client/errors.js';
import type { Http, HttpResponse, RequestSpec } from '../../src/client/http.js';
import {
  fetchLoginPage,
  fetchUuid,
  pushLogin,
  qrContent,
  qrLogin,
  type LoginContext,
  type QrLoginState,
} from '../../src/client/login.js';
import { WEB_APPID } from '../../src/wire/constants.js';

// Unit tests finish in milliseconds; a mutant that stalls one should cost the mutation run little.
jest.setTimeout(2000);

/** What the fake server answers to one request: a body (HTTP 200), a status and body, a thrown error, or a function of the request. */
type Reply = string | { status: number; text: string } | Error | ((spec: RequestSpec) => string);

/** An Http that answers each endpoint from a script, in order, and records every request. */
class FakeHttp {
  readonly calls: RequestSpec[] = [];
  constructor(private readonly script: Record<string, Reply[]>) {}
  async text(spec: RequestSpec): Promise<HttpResponse> {
    this.calls.push(spec);
    let r = this.script[spec.endpoint]?.shift();
    if (r === undefined) throw new Error(`test: no reply scripted for ${spec.endpoint}`);
    if (typeof r === 'function') r = r(spec);
    if (r instanceof Error) throw r;
    const { status, text } = typeof r === 'string' ? { status: 200, text: r } : r;
    return { status, text, headers: { get: () => null } };
  }
  of(endpoint: string): RequestSpec[] {
    return this.calls.filter((c) => c.endpoint === endpoint);
  }
}

const ORIGIN = 'http://127.0.0.1:9';
const uuidBody = (uuid: string, code = 200): string =>
  `window.QRLogin.code = ${code}; window.QRLogin.uuid = "${uuid}";`;
const poll = (code: number, extra = ''): string => `window.code=${code};${extra}`;
const confirmed = (uri = `${ORIGIN}/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=T&uuid=U&lang=en&scan=1`): string =>
  poll(200, `window.redirect_uri="${uri}";`);
const pageOk =
  '<error><ret>0</ret><message></message><skey>@sk</skey><wxsid>sid</wxsid><wxuin>42</wxuin>' +
  '<pass_ticket>pt</pass_ticket><isgrayscale>1</isgrayscale></error>';
const pageErr = (ret: number, message: string): string =>
  `<error><ret>${ret}</ret><message>${message}</message></error>`;

function setup(
  script: Record<string, Reply[]>,
  over: Partial<LoginContext> = {},
): { http: FakeHttp; ctx: LoginContext; states: QrLoginState[]; qrs: unknown[][]; abort: AbortController } {
  const http = new FakeHttp(script);
  const states: QrLoginState[] = [];
  const qrs: unknown[][] = [];
  const abort = new AbortController();
  const ctx: LoginContext = {
    http: http as unknown as Http,
    log: pino({ level: 'silent' }),
    loginOrigin: ORIGIN,
    mainOrigin: ORIGIN,
    hostOverrides: {},
    desktop: undefined,
    lang: 'en_US',
    loginTimeoutMs: 60_000,
    longPollMs: 25_000,
    maxRefreshes: 2,
    signal: abort.signal,
    onState: (s) => states.push(s),
    onQr: (...a) => {
      qrs.push(a);
    },
    ...over,
  };
  return { http, ctx, states, qrs, abort };
}

afterEach(() => {
  jest.useRealTimers();
});

describe('fetchUuid', () => {
  it('asks jslogin for a uuid with the redirect target of the login page', async () => {
    const { http, ctx } = setup({ jslogin: [uuidBody('U1'), uuidBody('U2')] });
    expect(await fetchUuid(ctx)).toBe('U1');
    const [call] = http.calls;
    expect(call).toMatchObject({ endpoint: 'jslogin', url: `${ORIGIN}/jslogin` });
    expect(call!.query).toMatchObject({
      appid: WEB_APPID,
      redirect_uri: `${ORIGIN}/cgi-bin/mmwebwx-bin/webwxnewloginpage`,
      fun: 'new',
      lang: 'en_US',
    });
    expect(typeof call!.query!['_']).toBe('number');

    const desktop = setup({ jslogin: [uuidBody('U2')] }, { desktop: { clientVersion: 'v', extspam: 'x' } });
    await fetchUuid(desktop.ctx);
    expect(desktop.http.calls[0]!.query!['redirect_uri']).toBe(
      `${ORIGIN}/cgi-bin/mmwebwx-bin/webwxnewloginpage?mod=desktop`,
    );
  });

  it('a refusal is a ServerError with the code; an unreadable answer a ProtocolError', async () => {
    const refused = setup({ jslogin: [uuidBody('', 400)] });
    await expect(fetchUuid(refused.ctx)).rejects.toMatchObject({ name: 'ServerError', endpoint: 'jslogin', ret: 400 });
    const garbage = setup({ jslogin: ['<html>'] });
    const err = await fetchUuid(garbage.ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err).toMatchObject({ endpoint: 'jslogin' });
    expect((err as Error).cause).toBeInstanceOf(Error);
  });
});

describe('qrContent', () => {
  it('encodes the login.weixin.qq.com form for the real hosts, and keeps any other origin', () => {
    for (const origin of [
      'https://wx.qq.com',
      'https://login.wx.qq.com',
      'https://weixin.qq.com',
      'https://login.weixin.qq.com',
    ]) {
      expect(qrContent(origin, 'U')).toBe('https://login.weixin.qq.com/l/U');
    }
    for (const origin of [
      'http://127.0.0.1:8080',
      'https://xwx.qq.com',
      'https://wx.qq.com.example',
      'https://fakeweixin.qq.com',
    ]) {
      expect(qrContent(origin, 'U')).toBe(`${origin}/l/U`);
    }
  });
});

describe('qrLogin', () => {
  it('walks waiting → scanned → confirmed, polling with tip=1 only first, and reads the login page', async () => {
    const { http, ctx, states, qrs } = setup({
      jslogin: [uuidBody('U1')],
      login: [poll(408), poll(201, "window.userAvatar = 'data:img';"), poll(201), confirmed()],
      webwxnewloginpage: [pageOk],
    });
    const out = await qrLogin(ctx);
    expect(out.page).toMatchObject({ skey: '@sk', sid: 'sid', uin: 42 });
    expect(out.hosts.main).toBe(ORIGIN);
    expect(qrs).toEqual([['U1', `${ORIGIN}/l/U1`, 0]]);
    expect(states).toEqual([
      { kind: 'waiting', uuid: 'U1', refresh: 0 },
      { kind: 'scanned', uuid: 'U1', avatar: 'data:img' },
      { kind: 'scanned', uuid: 'U1' },
      {
        kind: 'confirmed',
        uuid: 'U1',
        redirectUri: `${ORIGIN}/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=T&uuid=U&lang=en&scan=1`,
      },
    ]);
    const polls = http.of('login');
    expect(polls.map((p) => p.query!['tip'])).toEqual([1, 0, 0, 0]);
    expect(polls[0]).toMatchObject({
      url: `${ORIGIN}/cgi-bin/mmwebwx-bin/login`,
      timeoutMs: 25_000,
      longPoll: true,
      query: { loginicon: 'true', uuid: 'U1' },
    });
    expect(polls[0]!.query!['r']).toBeLessThan(0);
  });

  it('refreshes an expired code (400 or 402) up to maxRefreshes, then QrExpired', async () => {
    const { http, ctx, states, qrs } = setup(
      { jslogin: [uuidBody('U1'), uuidBody('U2')], login: [poll(400), poll(402)] },
      { maxRefreshes: 1 },
    );
    const err = await qrLogin(ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QrExpired);
    expect(http.of('jslogin')).toHaveLength(2);
    expect(qrs.map((q) => q[2])).toEqual([0, 1]);
    expect(states).toEqual([
      { kind: 'waiting', uuid: 'U1', refresh: 0 },
      { kind: 'expired', uuid: 'U1', refresh: 0 },
      { kind: 'waiting', uuid: 'U2', refresh: 1 },
      { kind: 'expired', uuid: 'U2', refresh: 1 },
    ]);
  });

  it('a code confirmed after a refresh logs in', async () => {
    const { ctx } = setup(
      { jslogin: [uuidBody('U1'), uuidBody('U2')], login: [poll(400), confirmed()], webwxnewloginpage: [pageOk] },
      { maxRefreshes: 1 },
    );
    await expect(qrLogin(ctx)).resolves.toMatchObject({ page: { uin: 42 } });
  });

  it('gives up at the overall deadline with LoginTimeout, polling no longer than that', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const wait = (): string => {
      jest.setSystemTime(Date.now() + 500);
      return poll(408);
    };
    const { http, ctx, states } = setup(
      { jslogin: [uuidBody('U1')], login: [wait, wait, wait, wait] },
      { loginTimeoutMs: 1000 },
    );
    const err = await qrLogin(ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoginTimeout);
    expect((err as Error).message).toContain('1000 ms');
    expect(http.of('login')).toHaveLength(2);
    expect(states.at(-1)).toEqual({ kind: 'timeout', uuid: 'U1' });
  });

  it('retries a poll that failed on the network after a growing pause', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const { http, ctx } = setup({
      jslogin: [uuidBody('U1')],
      login: [new NetworkError('login', 'reset'), new NetworkError('login', 'reset'), confirmed()],
      webwxnewloginpage: [pageOk],
    });
    const done = qrLogin(ctx);
    await jest.advanceTimersByTimeAsync(499);
    expect(http.of('login')).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(http.of('login')).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(999);
    expect(http.of('login')).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    await expect(done).resolves.toMatchObject({ page: { uin: 42 } });
    // A failure does not count as the first answer: the poll after it still says tip=1.
    expect(http.of('login').map((p) => p.query!['tip'])).toEqual([1, 1, 1]);
  });

  it('other poll failures, unreadable answers and unknown codes end the login', async () => {
    const server = setup({ jslogin: [uuidBody('U1')], login: [new ServerError('login', 500)] });
    await expect(qrLogin(server.ctx)).rejects.toBeInstanceOf(ServerError);
    const garbage = setup({ jslogin: [uuidBody('U1')], login: ['nothing here'] });
    const err = await qrLogin(garbage.ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err).toMatchObject({ endpoint: 'login' });
    expect((err as Error).cause).toBeInstanceOf(Error);
    const unknown = setup({ jslogin: [uuidBody('U1')], login: [poll(500)] });
    await expect(qrLogin(unknown.ctx)).rejects.toMatchObject({ name: 'ServerError', endpoint: 'login', ret: 500 });
    const noUri = setup({ jslogin: [uuidBody('U1')], login: [poll(200)] });
    await expect(qrLogin(noUri.ctx)).rejects.toThrow(/code 200 without window.redirect_uri/);
  });

  it('stopping ends the login with ClientStopped: before it starts, between polls and during a failing poll', async () => {
    const before = setup({});
    before.abort.abort();
    await expect(qrLogin(before.ctx)).rejects.toBeInstanceOf(ClientStopped);
    expect(before.http.calls).toHaveLength(0);

    const between = setup({
      jslogin: [uuidBody('U1')],
      login: [
        () => {
          between.abort.abort();
          return poll(408);
        },
      ],
    });
    await expect(qrLogin(between.ctx)).rejects.toBeInstanceOf(ClientStopped);

    const during = setup({
      jslogin: [uuidBody('U1')],
      login: [
        () => {
          during.abort.abort();
          throw new ServerError('login', 1);
        },
      ],
    });
    await expect(qrLogin(during.ctx)).rejects.toBeInstanceOf(ClientStopped);
  });
});

describe('fetchLoginPage', () => {
  const uri = `${ORIGIN}/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=T&uuid=U`;

  it('asks for fun=new&version=v2 without following redirects, with the Referer of the main host', async () => {
    const { http, ctx } = setup({ webwxnewloginpage: [pageOk] });
    const out = await fetchLoginPage(ctx, uri);
    expect(out.page.passTicket).toBe('pt');
    const call = http.calls[0]!;
    expect(call).toMatchObject({ endpoint: 'webwxnewloginpage', redirect: 'manual' });
    const url = new URL(call.url);
    expect(url.origin + url.pathname).toBe(`${ORIGIN}/cgi-bin/mmwebwx-bin/webwxnewloginpage`);
    expect(url.searchParams.get('fun')).toBe('new');
    expect(url.searchParams.get('version')).toBe('v2');
    expect(url.searchParams.get('ticket')).toBe('T');
    expect(url.searchParams.has('mod')).toBe(false);
    expect(call.headers).toEqual({ Referer: `${ORIGIN}/?&lang=en_US&target=t` });
  });

  it('desktop mode adds mod=desktop (unless the URI names a mod) and the UOS headers; a main override is the target', async () => {
    const desktop = { clientVersion: '2.0.0', extspam: 'SPAM' };
    const { http, ctx } = setup(
      {
        webwxnewloginpage: [
          { status: 301, text: pageOk },
          { status: 302, text: pageOk },
        ],
      },
      { desktop, hostOverrides: { main: 'http://127.0.0.1:10' } },
    );
    const out = await fetchLoginPage(ctx, uri);
    expect(out.hosts.main).toBe('http://127.0.0.1:10');
    let url = new URL(http.calls[0]!.url);
    expect(url.origin).toBe('http://127.0.0.1:10');
    expect(url.searchParams.get('mod')).toBe('desktop');
    expect(http.calls[0]!.headers).toEqual({
      Referer: 'http://127.0.0.1:10/?&lang=en_US&target=t',
      'client-version': '2.0.0',
      extspam: 'SPAM',
    });
    await fetchLoginPage(ctx, `${uri}&mod=other`);
    url = new URL(http.calls[1]!.url);
    expect(url.searchParams.getAll('mod')).toEqual(['other']);
  });

  it('refuses other HTTP statuses and unreadable bodies with a ProtocolError', async () => {
    const { ctx } = setup({
      webwxnewloginpage: [{ status: 500, text: pageOk }, { status: 404, text: pageOk }, 'junk'],
    });
    await expect(fetchLoginPage(ctx, uri)).rejects.toThrow(/unexpected HTTP 500/);
    await expect(fetchLoginPage(ctx, uri)).rejects.toThrow(/unexpected HTTP 404/);
    const err = await fetchLoginPage(ctx, uri).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err).toMatchObject({ endpoint: 'webwxnewloginpage' });
    expect((err as Error).cause).toBeInstanceOf(Error);
  });

  it('ret 1203 is LoginForbidden with the server text (or a default) and a hint fitting the mode', async () => {
    const web = setup({ webwxnewloginpage: [pageErr(1203, 'go away'), pageErr(1203, '')] });
    const e1 = (await fetchLoginPage(web.ctx, uri).catch((e: unknown) => e)) as LoginForbidden;
    expect(e1).toBeInstanceOf(LoginForbidden);
    expect(e1.serverMessage).toBe('go away');
    expect(e1.hint).toMatch(/^Enable desktop \(UOS\) mode/);
    const e2 = (await fetchLoginPage(web.ctx, uri).catch((e: unknown) => e)) as LoginForbidden;
    expect(e2.serverMessage).toBe('当前登录环境异常');
    const desk = setup({ webwxnewloginpage: [pageErr(1203, 'no')] }, { desktop: { clientVersion: 'v', extspam: 'x' } });
    const e3 = (await fetchLoginPage(desk.ctx, uri).catch((e: unknown) => e)) as LoginForbidden;
    expect(e3.hint).toMatch(/even in desktop \(UOS\) mode/);
  });

  it('ret 1203 asking for real-name verification is RealNameRequired, not LoginForbidden (a ban)', async () => {
    const { ctx } = setup({
      webwxnewloginpage: [pageErr(1203, '请先完成实名认证'), pageErr(1203, 'Verify your real name')],
    });
    for (let i = 0; i < 2; i++) {
      const e = await fetchLoginPage(ctx, uri).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(RealNameRequired);
      expect(e).not.toBeInstanceOf(LoginForbidden);
      expect(e).toMatchObject({ code: 'REAL_NAME_REQUIRED', ret: 1203 });
    }
  });

  it('another ret is TicketFailed; an answer without skey, wxsid or wxuin a ProtocolError', async () => {
    const { ctx } = setup({
      webwxnewloginpage: [
        pageErr(1, 'nope'),
        pageOk.replace('@sk', ''),
        pageOk.replace('<wxsid>sid', '<wxsid>'),
        pageOk.replace('<wxuin>42', '<wxuin>'),
      ],
    });
    const e = await fetchLoginPage(ctx, uri).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(TicketFailed);
    expect(e).toMatchObject({ code: 'TICKET_FAILED', ret: 1 });
    expect((e as Error).message).toMatch(/nope/);
    for (let i = 0; i < 3; i++) await expect(fetchLoginPage(ctx, uri)).rejects.toThrow(/lacks skey\/wxsid\/wxuin/);
  });
});

describe('pushLogin', () => {
  const answer = (ret: string, msg: string, uuid?: string): string =>
    JSON.stringify({ ret, msg, ...(uuid === undefined ? {} : { uuid }) });

  it('asks the phone of the uin, then polls the uuid it gets like a QR login', async () => {
    const { http, ctx, states } = setup({
      webwxpushloginurl: [answer('0', 'all ok', 'P1')],
      login: [poll(408), confirmed()],
      webwxnewloginpage: [pageOk],
    });
    const out = await pushLogin(ctx, 42, 'http://127.0.0.1:11');
    expect(out.page.uin).toBe(42);
    expect(http.calls[0]).toMatchObject({
      endpoint: 'webwxpushloginurl',
      url: 'http://127.0.0.1:11/cgi-bin/mmwebwx-bin/webwxpushloginurl',
      query: { uin: 42 },
    });
    expect(http.of('login')[0]!.query).toMatchObject({ uuid: 'P1', tip: 1 });
    expect(states.map((s) => s.kind)).toEqual(['waiting', 'confirmed']);
    expect(states[0]).toEqual({ kind: 'waiting', uuid: 'P1', refresh: 0 });
  });

  it('a refusal, an answer without a uuid or one that is not JSON is PushLoginFailed, without polling', async () => {
    const { http, ctx } = setup({
      webwxpushloginurl: [
        answer('1', 'param error'),
        answer('0', 'all ok'),
        answer('0', 'all ok', ''),
        JSON.stringify({ ret: 'x', msg: 7, uuid: 'P' }),
        'not json at all, and quite a long body past forty characters',
      ],
    });
    const fail = (): Promise<PushLoginFailed> =>
      pushLogin(ctx, 42, ORIGIN).then(
        () => {
          throw new Error('push login should have failed');
        },
        (e: unknown) => e as PushLoginFailed,
      );
    const refused = await fail();
    expect(refused).toBeInstanceOf(PushLoginFailed);
    expect(refused.message).toContain('refused: param error');
    expect(refused.ret).toBe(1);
    expect((await fail()).message).toContain('refused: all ok');
    const empty = await fail();
    expect(empty).toBeInstanceOf(PushLoginFailed);
    expect(empty.ret).toBe(0);
    const nan = await fail();
    expect(nan.message).toContain('refused: no uuid');
    expect(nan.ret).toBeUndefined();
    const junk = await fail();
    expect(junk.message).toContain('the answer is not JSON (body starts: "not json at all, and quite a long body p")');
    expect(http.of('login')).toHaveLength(0);
  });

  it('a refused push login says why: args error, antispam, stale device auth info, or other', async () => {
    const { ctx } = setup({
      webwxpushloginurl: [
        answer('1', 'args error'),
        answer('2', 'antispam'),
        answer('3', 'device authinfo invalid'),
        answer('9', 'what'),
      ],
    });
    const reasons: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      const e = await pushLogin(ctx, 42, ORIGIN).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(PushLoginFailed);
      reasons.push((e as PushLoginFailed).reason);
    }
    expect(reasons).toEqual(['args', 'antispam', 'auth-info', 'other']);
  });

  it('an expired push or one nobody confirms in time (at most 2 minutes) is PushLoginFailed', async () => {
    const expired = setup({ webwxpushloginurl: [answer('0', 'ok', 'P1')], login: [poll(400)] });
    await expect(pushLogin(expired.ctx, 42, ORIGIN)).rejects.toThrow(/the push confirmation expired/);
    await expect(
      pushLogin(setup({ webwxpushloginurl: [answer('0', 'ok', 'P1')], login: [poll(400)] }).ctx, 42, ORIGIN),
    ).rejects.toMatchObject({ reason: 'unconfirmed' });

    jest.useFakeTimers({ now: 1_000_000 });
    const minute = (): string => {
      jest.setSystemTime(Date.now() + 60_000);
      return poll(408);
    };
    const slow = setup(
      { webwxpushloginurl: [answer('0', 'ok', 'P1')], login: [minute, minute, minute, minute] },
      { loginTimeoutMs: 3_600_000 },
    );
    const err = await pushLogin(slow.ctx, 42, ORIGIN).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PushLoginFailed);
    expect((err as Error).message).toMatch(/nobody confirmed the push login in time/);
    expect(slow.http.of('login')).toHaveLength(2);

    const short = setup(
      { webwxpushloginurl: [answer('0', 'ok', 'P1')], login: [minute, minute] },
      { loginTimeoutMs: 60_000 },
    );
    await expect(pushLogin(short.ctx, 42, ORIGIN)).rejects.toThrow(/in time/);
    expect(short.http.of('login')).toHaveLength(1);
  });
});
