import type { Logger } from 'pino';
import { deriveHosts } from '../wire/hosts.js';
import {
  LOGIN_PAGE_PATH,
  jsLogin,
  newLoginPage,
  pollLogin,
  pushLoginUrl,
  type LoginPollAnswer,
} from '../wire/login-endpoints.js';
import type { LoginPageResult } from '../wire/login-xml.js';
import type { Hosts } from '../session/types.js';
import { sleep } from '../util/backoff.js';
import { ClientStopped, LoginTimeout, NetworkError, PushLoginFailed, QrExpired } from './errors.js';
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

function redirectTarget(ctx: LoginContext): string {
  return `${ctx.mainOrigin}${LOGIN_PAGE_PATH}${ctx.desktop ? '?mod=desktop' : ''}`;
}

/** jslogin → uuid. */
export function fetchUuid(ctx: LoginContext): Promise<string> {
  return jsLogin(ctx.http, ctx.loginOrigin, redirectTarget(ctx), ctx.lang);
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
    let res: LoginPollAnswer;
    try {
      res = await pollLogin(ctx.http, ctx.loginOrigin, uuid, tip, ctx.longPollMs);
      failures = 0;
    } catch (err) {
      if (ctx.signal.aborted) throw new ClientStopped('login');
      if (!(err instanceof NetworkError)) throw err;
      failures++;
      ctx.log.debug({ err: err.message, failures }, 'login poll failed; retrying');
      await sleep(Math.min(5000, 250 * 2 ** Math.min(failures, 5)), ctx.signal);
      continue;
    }
    tip = 0;
    if (res.kind === 'confirmed' || res.kind === 'expired') return res;
    if (res.kind === 'scanned') {
      ctx.onState(res.avatar === undefined ? { kind: 'scanned', uuid } : { kind: 'scanned', uuid, avatar: res.avatar });
    }
  }
  return { kind: 'timeout' };
}

/**
 * Visits the redirect_uri (on the overridden main host when one is configured) and reads the
 * session's keys from the login page.
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
  const page = await newLoginPage(ctx.http, target.toString(), headers, ctx.desktop !== undefined);
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
  const uuid = await pushLoginUrl(ctx.http, mainOrigin, uin);
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
