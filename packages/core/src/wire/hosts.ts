/** Full origins (scheme://host[:port]) of the four Web WeChat services one session talks to. */
export interface Hosts {
  /** jslogin, the login poll and qrcode (`https://login.wx.qq.com`). */
  readonly login: string;
  /** The main API (`https://wx2.qq.com`): init, sync, send... */
  readonly main: string;
  /** Uploads and file downloads (`https://file.wx2.qq.com`). */
  readonly file: string;
  /** The synccheck long poll (`https://webpush.wx2.qq.com`). */
  readonly push: string;
}

/** Known main hosts and their file/push companions (seeds: webpush.wx2.qq.com, file.wx2.qq.com, ...). */
const KNOWN: Record<string, { file: string; push: string; login: string }> = {
  'wx.qq.com': { file: 'file.wx.qq.com', push: 'webpush.wx.qq.com', login: 'login.wx.qq.com' },
  'wx2.qq.com': { file: 'file.wx2.qq.com', push: 'webpush.wx2.qq.com', login: 'login.wx2.qq.com' },
  'wx8.qq.com': { file: 'file.wx8.qq.com', push: 'webpush.wx8.qq.com', login: 'login.wx8.qq.com' },
  'web.wechat.com': { file: 'file.web.wechat.com', push: 'webpush.web.wechat.com', login: 'login.web.wechat.com' },
  'web2.wechat.com': { file: 'file.web2.wechat.com', push: 'webpush.web2.wechat.com', login: 'login.web2.wechat.com' },
};

export const DEFAULT_LOGIN_ORIGIN = 'https://login.wx.qq.com';
export const DEFAULT_MAIN_ORIGIN = 'https://wx.qq.com';

function isIpOrLocal(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) ||
    hostname.includes(':') ||
    hostname.startsWith('[')
  );
}

/**
 * Derives all service origins from the login redirect_uri. IP addresses and
 * localhost (simulators, proxies) keep one origin for everything; unknown
 * names get the `file.`/`webpush.` prefixes. `overrides` win.
 */
export function deriveHosts(redirectUri: string, loginOrigin: string, overrides: Partial<Hosts> = {}): Hosts {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    // Said without the input: it carries the login ticket.
    throw new Error(`login: redirect_uri is not a URL (${redirectUri.length} characters)`);
  }
  const { protocol, hostname, host } = url;
  const origin = `${protocol}//${host}`;
  const port = url.port ? `:${url.port}` : '';
  let derived: Hosts;
  if (isIpOrLocal(hostname)) {
    derived = { login: loginOrigin, main: origin, file: origin, push: origin };
  } else {
    const known = KNOWN[hostname];
    const file = known?.file ?? `file.${hostname}`;
    const push = known?.push ?? `webpush.${hostname}`;
    derived = {
      login: loginOrigin,
      main: origin,
      file: `${protocol}//${file}${port}`,
      push: `${protocol}//${push}${port}`,
    };
  }
  return { ...derived, ...stripUndefined(overrides) };
}

function stripUndefined(h: Partial<Hosts>): Partial<Hosts> {
  const out: { -readonly [K in keyof Hosts]?: string } = {};
  for (const k of ['login', 'main', 'file', 'push'] as const) {
    const v = h[k];
    if (v !== undefined) out[k] = v.replace(/\/+$/, '');
  }
  return out;
}
