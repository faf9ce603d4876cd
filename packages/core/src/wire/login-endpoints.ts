import { LOGIN_CODE, WEB_APPID } from './constants.js';
import {
  LoginForbidden,
  ProtocolError,
  PushLoginFailed,
  RealNameRequired,
  ServerError,
  TicketFailed,
  asksForRealName,
} from './errors.js';
import { parseJsLogin } from './js-body.js';
import { parseLoginPage, type LoginPageResult } from './login-xml.js';
import type { WireHttp } from './request.js';
import { parseLoginPoll } from './synccheck.js';

/*
 * The raw Web WeChat calls before a session exists: jslogin, the QR poll, webwxnewloginpage and
 * webwxpushloginurl. One function per endpoint, the request it sends and the shape check of its
 * answer. The state machine around them (refreshes, deadlines, retrying a failed poll, showing
 * the QR code, adopting cookies) is the client's: client/login.ts and client/login-chain.ts.
 */

export const LOGIN_PAGE_PATH = '/cgi-bin/mmwebwx-bin/webwxnewloginpage';

/** jslogin → the QR uuid. `redirectUri` is the login page the server will send the phone's confirmation to. */
export async function jsLogin(
  http: Pick<WireHttp, 'text'>,
  loginOrigin: string,
  redirectUri: string,
  lang: string,
): Promise<string> {
  const { text } = await http.text({
    endpoint: 'jslogin',
    url: `${loginOrigin}/jslogin`,
    query: { appid: WEB_APPID, redirect_uri: redirectUri, fun: 'new', lang, _: Date.now() },
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

/** One answer of the login poll, as the state machine reads it. */
export type LoginPollAnswer =
  | { kind: 'confirmed'; redirectUri: string }
  | { kind: 'scanned'; avatar?: string }
  | { kind: 'wait' }
  | { kind: 'expired' };

/** One long poll of `cgi-bin/mmwebwx-bin/login` for `uuid`; `tip` is 1 on the first poll of a uuid, then 0. */
export async function pollLogin(
  http: Pick<WireHttp, 'text'>,
  loginOrigin: string,
  uuid: string,
  tip: number,
  timeoutMs: number,
): Promise<LoginPollAnswer> {
  const now = Date.now();
  const { text } = await http.text({
    endpoint: 'login',
    url: `${loginOrigin}/cgi-bin/mmwebwx-bin/login`,
    query: { loginicon: 'true', uuid, tip, r: ~Math.floor(now / 1579), _: now },
    timeoutMs,
    longPoll: true,
  });
  let res;
  try {
    res = parseLoginPoll(text);
  } catch (err) {
    throw new ProtocolError('login', (err as Error).message, { cause: err });
  }
  switch (res.code) {
    case LOGIN_CODE.confirmed:
      if (!res.redirectUri) throw new ProtocolError('login', 'code 200 without window.redirect_uri');
      return { kind: 'confirmed', redirectUri: res.redirectUri };
    case LOGIN_CODE.scanned:
      return res.avatar === undefined ? { kind: 'scanned' } : { kind: 'scanned', avatar: res.avatar };
    case LOGIN_CODE.wait:
      return { kind: 'wait' };
    case LOGIN_CODE.expired:
    case 402:
      return { kind: 'expired' };
    default:
      throw new ServerError('login', res.code, 'unexpected login poll code');
  }
}

/**
 * webwxnewloginpage: reads the XML from a 200 or a 301 (desktop mode answers 301 with the XML in
 * the body; following it would lose it). `desktop` only chooses the hint of a refusal.
 */
export async function newLoginPage(
  http: Pick<WireHttp, 'text'>,
  url: string,
  headers: Record<string, string>,
  desktop: boolean,
): Promise<LoginPageResult> {
  const res = await http.text({ endpoint: 'webwxnewloginpage', url, headers, redirect: 'manual' });
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
      desktop
        ? 'The server refuses web login for this account even in desktop (UOS) mode; log in on the phone/PC client for a few days, or use another account.'
        : 'Enable desktop (UOS) mode (options.desktop = true); new accounts are refused plain web login.',
    );
  }
  if (page.ret !== 0) throw new TicketFailed(page.ret, page.message);
  if (!page.skey || !page.sid || !page.uin)
    throw new ProtocolError('webwxnewloginpage', 'the answer lacks skey/wxsid/wxuin');
  return page;
}

/** webwxpushloginurl: asks the phone of `uin` to confirm; answers the uuid to poll. Needs the old session's cookies. */
export async function pushLoginUrl(http: Pick<WireHttp, 'text'>, mainOrigin: string, uin: number): Promise<string> {
  const { text } = await http.text({
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
  return body.uuid;
}
