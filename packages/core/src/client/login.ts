import type { Logger } from 'pino';
import { parseJsLogin } from '../wire/js-body.js';
import { WEB_APPID, LOGIN_CODE } from '../wire/constants.js';
import { deriveHosts } from '../wire/hosts.js';
import { parseLoginPage, type LoginPageResult } from '../wire/login-xml.js';
import { parseLoginPoll } from '../wire/synccheck.js';
import type { Hosts } from '../session/types.js';
import { sleep } from '../util/backoff.js';
import {
  ClientStopped,
  LoginForbidden,
  LoginTimeout,
  NetworkError,
  ProtocolError,
  PushLoginFailed,
  QrExpired,
  RealNameRequired,
  ServerError,
  TicketFailed,
  asksForRealName,
} from './errors.js';
import type { Http } from './http.js';

/** The QR login state machine's states. */
export type QrLoginState =
  | { kind: 'waiting'; uuid: string; refresh: number }
  | { kind: 'scanned'; uuid: string; avatar?: string }
  | { kind: 'confirmed'; uuid: string; redirectUri: string }
  | { kind: 'expired'; uuid: string; refresh: number }
  | { kind: 'timeout'; uuid: string };

export interface DesktopIdentity {
  clientVersion: string;
  extspam: string;
}

export interface LoginContext {
  http: Http;
  log: Logger;
  /** Origin of jslogin / login poll. */
  loginOrigin: string;
  /** Origin the redirect_uri of jslogin names (the server may answer with another). */
  mainOrigin: string;
  hostOverrides: Partial<Hosts>;
  desktop: DesktopIdentity | undefined;
  lang: string;
  loginTimeoutMs: number;
  longPollMs: number;
  maxRefreshes: number;
  /** Aborted when the client stops. */
  signal: AbortSignal;
  onState: (s: QrLoginState) => void;
  /** A new QR code exists (uuid and the URL to encode). */
  onQr: (uuid: string, url: string, refresh: number) => Promise<void> | void;
}

export interface LoginOutcome {
  page: LoginPageResult;
  hosts: Hosts;
}

const LOGIN_PAGE = '/cgi-bin/mmwebwx-bin/webwxnewloginpage';

function redirectTarget(ctx: LoginContext): string {
  return `${ctx.mainOrigin}${LOGIN_PAGE}${ctx.desktop ? '?mod=desktop' : ''}`;
}

/** jslogin → uuid. */
export async function fetchUuid(ctx: LoginContext): Promise<string> {
  const { text } = await ctx.http.text({
    endpoint: 'jslogin',
    url: `${ctx.loginOrigin}/jslogin`,
    query: { appid: WEB_APPID, redirect_uri: redirectTarget(ctx), fun: 'new', lang: ctx.lang, _: Date.now() },
  });
  let res;
  try {
    res = parseJsLogin(text);
  } catch (err) {
    throw new ProtocolError('jslogin', (err as Error).message, { cause: err });
  }
  if (res.code !== 200) throw new ServerError('jslogin', res.code, 'jslogin refused to issue a QR uuid');
  return res.uuid;
}

/** The URL a QR code must encode for this uuid. */
export function qrContent(loginOrigin: string, uuid: string): string {
  // The phone only recognises the login.weixin.qq.com form; keep custom origins (simulator) as they are.
  const origin = /(^|\.)wx\.qq\.com$|(^|\.)weixin\.qq\.com$/.test(new URL(loginOrigin).hostname)
    ? 'https://login.weixin.qq.com'
    : loginOrigin;
  return `${origin}/l/${uuid}`;
}

/**
 * Polls the login endpoint for one uuid until confirmed, expired or the
 * deadline. Network errors are retried with a short pause (the poll is a long
 * poll anyway); never a hot loop.
 */
async function pollUuid(
  ctx: LoginContext,
  uuid: string,
  deadline: number,
): Promise<{ kind: 'confirmed'; redirectUri: string } | { kind: 'expired' } | { kind: 'timeout' }> {
  let tip = 1;
  let failures = 0;
  while (Date.now() < deadline) {
    if (ctx.signal.aborted) throw new ClientStopped('login');
    let body: string;
    try {
      const now = Date.now();
      ({ text: body } = await ctx.http.text({
        endpoint: 'login',
        url: `${ctx.loginOrigin}/cgi-bin/mmwebwx-bin/login`,
        query: { loginicon: 'true', uuid, tip, r: ~Math.floor(now / 1579), _: now },
        timeoutMs: ctx.longPollMs,
        longPoll: true,
      }));
      failures = 0;
    } catch (err) {
      if (ctx.signal.aborted) throw new ClientStopped('login');
      if (!(err instanceof NetworkError)) throw err;
      failures++;
      ctx.log.debug({ err: err.message, failures }, 'login poll failed; retrying');
      await sleep(Math.min(5000, 250 * 2 ** Math.min(failures, 5)), ctx.signal);
      continue;
    }
    let res;
    try {
      res = parseLoginPoll(body);
    } catch (err) {
      throw new ProtocolError('login', (err as Error).message, { cause: err });
    }
    tip = 0;
    switch (res.code) {
      case LOGIN_CODE.confirmed:
        if (!res.redirectUri) throw new ProtocolError('login', 'code 200 without window.redirect_uri');
        return { kind: 'confirmed', redirectUri: res.redirectUri };
      case LOGIN_CODE.scanned:
        ctx.onState(
          res.avatar === undefined ? { kind: 'scanned', uuid } : { kind: 'scanned', uuid, avatar: res.avatar },
        );
        break;
      case LOGIN_CODE.wait:
        break;
      case LOGIN_CODE.expired:
      case 402:
        return { kind: 'expired' };
      default:
        throw new ServerError('login', res.code, 'unexpected login poll code');
    }
  }
  return { kind: 'timeout' };
}

/**
 * Visits the redirect_uri: reads the XML from a 200 or a 301 (desktop mode
 * answers 301 with the XML in the body; following it would lose it).
 */
export async function fetchLoginPage(ctx: LoginContext, redirectUri: string): Promise<LoginOutcome> {
  // First: it reads the URI with an error that carries no ticket (URL's own error holds the input).
  const hosts = deriveHosts(redirectUri, ctx.loginOrigin, ctx.hostOverrides);
  const url = new URL(redirectUri);
  url.searchParams.set('fun', 'new');
  url.searchParams.set('version', 'v2');
  if (ctx.desktop && !url.searchParams.has('mod')) url.searchParams.set('mod', 'desktop');
  const headers: Record<string, string> = { Referer: `${hosts.main}/?&lang=${ctx.lang}&target=t` };
  if (ctx.desktop) {
    headers['client-version'] = ctx.desktop.clientVersion;
    headers['extspam'] = ctx.desktop.extspam;
  }
  // Talk to the overridden main host when one is configured (proxies, simulator).
  const target = new URL(hosts.main + url.pathname + url.search);
  const res = await ctx.http.text({
    endpoint: 'webwxnewloginpage',
    url: target.toString(),
    headers,
    redirect: 'manual',
  });
  if (!(res.status === 200 || res.status === 301 || res.status === 302)) {
    throw new ProtocolError('webwxnewloginpage', `unexpected HTTP ${res.status}`);
  }
  let page: LoginPageResult;
  try {
    page = parseLoginPage(res.text);
  } catch (err) {
    throw new ProtocolError('webwxnewloginpage', (err as Error).message, { cause: err });
  }
  if (page.ret === 1203 && asksForRealName(page.message)) throw new RealNameRequired(page.message);
  if (page.ret === 1203) {
    throw new LoginForbidden(
      page.message || '当前登录环境异常',
      ctx.desktop
        ? 'The server refuses web login for this account even in desktop (UOS) mode; log in on the phone/PC client for a few days, or use another account.'
        : 'Enable desktop (UOS) mode (options.desktop = true); new accounts are refused plain web login.',
    );
  }
  if (page.ret !== 0) throw new TicketFailed(page.ret, page.message);
  if (!page.skey || !page.sid || !page.uin)
    throw new ProtocolError('webwxnewloginpage', 'the answer lacks skey/wxsid/wxuin');
  return { page, hosts };
}

/** QR login with bounded refreshes and an overall deadline. */
export async function qrLogin(ctx: LoginContext): Promise<LoginOutcome> {
  const deadline = Date.now() + ctx.loginTimeoutMs;
  for (let refresh = 0; ; refresh++) {
    if (ctx.signal.aborted) throw new ClientStopped('login');
    const uuid = await fetchUuid(ctx);
    ctx.onState({ kind: 'waiting', uuid, refresh });
    await ctx.onQr(uuid, qrContent(ctx.loginOrigin, uuid), refresh);
    const res = await pollUuid(ctx, uuid, deadline);
    if (res.kind === 'confirmed') {
      ctx.onState({ kind: 'confirmed', uuid, redirectUri: res.redirectUri });
      return fetchLoginPage(ctx, res.redirectUri);
    }
    if (res.kind === 'timeout') {
      ctx.onState({ kind: 'timeout', uuid });
      throw new LoginTimeout('login', `nobody confirmed the QR login within ${ctx.loginTimeoutMs} ms`);
    }
    ctx.onState({ kind: 'expired', uuid, refresh });
    if (refresh >= ctx.maxRefreshes) throw new QrExpired(ctx.maxRefreshes);
  }
}

/**
 * Push login: asks the phone of `uin` to confirm (webwxpushloginurl), then
 * polls like a QR login. Needs the old session's cookies in the jar.
 */
export async function pushLogin(ctx: LoginContext, uin: number, mainOrigin: string): Promise<LoginOutcome> {
  const { text } = await ctx.http.text({
    endpoint: 'webwxpushloginurl',
    url: `${mainOrigin}/cgi-bin/mmwebwx-bin/webwxpushloginurl`,
    query: { uin },
  });
  let body: { ret?: unknown; msg?: unknown; uuid?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new PushLoginFailed(`the answer is not JSON (body starts: ${JSON.stringify(text.slice(0, 40))})`);
  }
  const ret = Number(body.ret);
  if (ret !== 0 || typeof body.uuid !== 'string' || body.uuid === '') {
    throw new PushLoginFailed(
      `refused: ${typeof body.msg === 'string' ? body.msg : 'no uuid'}`,
      Number.isFinite(ret) ? ret : undefined,
    );
  }
  const uuid = body.uuid;
  ctx.onState({ kind: 'waiting', uuid, refresh: 0 });
  const res = await pollUuid(ctx, uuid, Date.now() + Math.min(ctx.loginTimeoutMs, 120_000));
  if (res.kind !== 'confirmed') {
    throw new PushLoginFailed(
      res.kind === 'expired' ? 'the push confirmation expired' : 'nobody confirmed the push login in time',
      undefined,
      'unconfirmed',
    );
  }
  ctx.onState({ kind: 'confirmed', uuid, redirectUri: res.redirectUri });
  return fetchLoginPage(ctx, res.redirectUri);
}
