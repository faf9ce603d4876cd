/** jslogin, the QR code, the login long poll, webwxnewloginpage and push login. */

import { DEFAULT_LOGIN_REDIRECT, type LoginAttempt, type LoginRedirect } from '../engine.js';
import type { RequestContext } from '../http.js';
import { jsloginBody, loginPollBody, pushLoginBody } from '../wire/js.js';
import { loginPageError, loginPageOk, WEB_LOGIN_FORBIDDEN_MESSAGE } from '../wire/xml.js';
import type { Handler, RouteEnv } from './types.js';

/** What the phone shows as the scanner's avatar in the 201 answer (a tiny inline image). */
const AVATAR =
  'data:img/jpg;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/**
 * jslogin's `redirect_uri` decides where the confirm answer sends the client: the real server keeps its path
 * and query (`?mod=desktop` is how clients ask for the desktop/UOS login) and appends ticket, uuid, lang and
 * scan. Absent: the plain web login page. Not an absolute http(s) URL: refused like a missing appid (a guess;
 * the seeds only show well-formed values).
 */
function loginRedirect(ctx: RequestContext): LoginRedirect | undefined {
  const asked = ctx.q('lang') ?? '';
  const lang = /^[A-Za-z]{2,3}([_-][A-Za-z]{2,4})?$/.test(asked) ? asked : DEFAULT_LOGIN_REDIRECT.lang;
  const given = ctx.q('redirect_uri');
  if (given === undefined || given === '') return { ...DEFAULT_LOGIN_REDIRECT, lang };
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  return { path: url.pathname, query: url.search.replace(/^\?/, ''), lang };
}

export const jslogin: Handler = (ctx, { engine }) => {
  // The real host answers 400 without an appid; the value itself is not checked.
  const redirect = loginRedirect(ctx);
  const body: Record<string, string> = {};
  for (const k of ['appid', 'redirect_uri', 'fun', 'lang']) {
    const v = ctx.q(k);
    if (v !== undefined) body[k] = v;
  }
  if (!ctx.q('appid') || !redirect) {
    engine.actions.record({ endpoint: 'jslogin', ret: 400, body }, ctx);
    ctx.js(jsloginBody(400, ''));
    return;
  }
  const attempt = engine.newLogin(false, redirect);
  const desktop = new URLSearchParams(redirect.query).get('mod') === 'desktop';
  engine.actions.record(
    { endpoint: 'jslogin', ret: 0, uuid: attempt.uuid, body, ...(desktop ? { op: 'desktop' } : {}) },
    ctx,
  );
  ctx.js(jsloginBody(200, attempt.uuid));
};

export const qrcode: Handler = async (ctx, { engine }) => {
  const uuid = decodeURIComponent(ctx.path.slice('/qrcode/'.length));
  if (!engine.logins.has(uuid)) {
    ctx.send(404, '', 'text/plain');
    return;
  }
  // Loaded on the first QR asked for: most simulator starts (tests, --simulator) never fetch one.
  const { default: QRCode } = await import('qrcode');
  const png = await QRCode.toBuffer(`https://login.weixin.qq.com/l/${uuid}`, { type: 'png', margin: 2, scale: 6 });
  ctx.send(200, png, 'image/png');
};

/** What a phone opens when it reads the QR code outside WeChat. */
export const qrTarget: Handler = (ctx) => {
  ctx.send(200, '<html><body>请使用微信扫一扫登录网页版微信</body></html>', 'text/html; charset=utf-8');
};

function pollAnswer(a: LoginAttempt | undefined, ctx: RequestContext, env: RouteEnv): string | undefined {
  const { engine } = env;
  if (!a || a.state === 'cancelled' || a.state === 'used' || engine.isExpired(a)) return loginPollBody(400);
  if (a.state === 'confirmed') {
    const { path, query, lang } = a.redirect;
    const redirectUri =
      `${engine.urls.main}${path}?${query === '' ? '' : `${query}&`}ticket=${a.ticket}` +
      `&uuid=${a.uuid}&lang=${lang}&scan=${a.scanTime}`;
    return loginPollBody(200, { redirectUri });
  }
  if (a.state === 'scanned' && !a.scanReported) {
    a.scanReported = true;
    return ctx.q('loginicon') === 'true' ? loginPollBody(201, { avatar: AVATAR }) : loginPollBody(201);
  }
  return undefined;
}

export const loginPoll: Handler = async (ctx, env) => {
  const { engine } = env;
  const uuid = ctx.q('uuid') ?? '';
  const a = engine.logins.get(uuid);
  const now = pollAnswer(a, ctx, env);
  if (now !== undefined) {
    ctx.js(now);
    return;
  }
  // Held until the phone does something or the hold time runs out.
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      a!.waiters.delete(done);
      resolve();
    };
    const timer = setTimeout(done, engine.opts.loginPollHoldMs);
    a!.waiters.add(done);
    ctx.abortSignal.onAbort(done);
  });
  if (ctx.aborted || engine.closing) return;
  ctx.js(pollAnswer(a, ctx, env) ?? loginPollBody(408));
};

function cookieHeaders(engine: RouteEnv['engine']): string[] {
  const s = engine.session!;
  const expires = new Date(Date.now() + 24 * 3600 * 1000).toUTCString();
  const attrs = `; Path=/; Expires=${expires}`;
  return [
    `wxuin=${s.uin}${attrs}`,
    `wxsid=${s.sid}${attrs}`,
    `wxloadtime=${Math.floor(Date.now() / 1000)}${attrs}`,
    `mm_lang=zh_CN${attrs}`,
    `webwx_data_ticket=${s.dataTicket}${attrs}`,
    `webwx_auth_ticket=${s.authTicket}${attrs}`,
    `webwxuvid=${engine.ids.md5()}${engine.ids.md5()}${attrs}`,
  ];
}

export const newLoginPage: Handler = (ctx, env) => {
  const { engine } = env;
  const xml = 'text/plain';
  const a = engine.tickets.get(ctx.q('ticket') ?? '');
  if (!a || a.uuid !== ctx.q('uuid') || a.state !== 'confirmed') {
    engine.actions.record({ endpoint: 'webwxnewloginpage', ret: 1 }, ctx);
    ctx.send(200, loginPageError(1, ''), xml);
    return;
  }
  const desktop = ctx.q('mod') === 'desktop';
  if (desktop && (!ctx.header('client-version') || !ctx.header('extspam'))) {
    // Without the desktop client's headers the desktop variant is refused like a forbidden web login.
    engine.actions.record({ endpoint: 'webwxnewloginpage', op: 'desktop', ret: 1203 }, ctx);
    ctx.send(200, loginPageError(1203, WEB_LOGIN_FORBIDDEN_MESSAGE), xml);
    return;
  }
  if (!desktop && engine.world.webLoginForbidden) {
    engine.actions.record({ endpoint: 'webwxnewloginpage', ret: 1203 }, ctx);
    ctx.send(200, loginPageError(1203, engine.world.webLoginForbiddenMessage ?? WEB_LOGIN_FORBIDDEN_MESSAGE), xml);
    return;
  }
  a.state = 'used';
  engine.tickets.delete(a.ticket);
  const s = engine.startSession(desktop);
  const body = loginPageOk({ skey: s.skey, wxsid: s.sid, wxuin: s.uin, passTicket: s.passTicket });
  engine.actions.record({ endpoint: 'webwxnewloginpage', ret: 0, ...(desktop ? { op: 'desktop' } : {}) }, ctx);
  const headers: Record<string, string | string[]> = { 'Set-Cookie': cookieHeaders(engine) };
  if (desktop) {
    // The desktop variant answers 301 yet carries the XML and cookies; clients must not follow it.
    headers['Location'] = `${engine.urls.main}/`;
    ctx.send(301, body, xml, headers);
    return;
  }
  ctx.send(200, body, xml, headers);
};

export const pushLogin: Handler = (ctx, { engine }) => {
  const uin = Number(ctx.q('uin'));
  if (!Number.isFinite(uin) || uin !== engine.world.self.uin) {
    engine.actions.record({ endpoint: 'webwxpushloginurl', ret: 1 }, ctx);
    ctx.send(200, pushLoginBody('1', 'param error'), 'text/plain');
    return;
  }
  const a = engine.newLogin(true);
  engine.actions.record({ endpoint: 'webwxpushloginurl', ret: 0 }, ctx);
  ctx.send(200, pushLoginBody('0', 'all ok', a.uuid), 'text/plain');
};
