import { urlToHttpOptions } from 'node:url';

/* Request targets for http.ts's direct requests. */

/** What an AbortSignal on a request destroys it with (node's AbortError: same message and code). */
export function abortError(): Error {
  return Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
}

/** Paths node:http takes as they are, with nothing a WHATWG URL parse would re-encode or resolve. */
const PLAIN_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$/;
const ORIGIN = /^https?:\/\/[^/?#@]+/;

/** One origin as node:http takes it, parsed once; `host` is the Host header node would send for it. */
export interface RequestOrigin {
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number;
  readonly host: string;
}

const origins = new Map<string, RequestOrigin>();

/**
 * The origin and path of `url` without parsing it again per request: node's
 * `request(url)` runs `new URL()` and `urlToHttpOptions` every time (~2 % of
 * the bot's CPU in the steady bench). The origin is parsed once; the path is
 * passed as it is when it holds only characters the URL parser would keep
 * unchanged (no dot segment, no empty query). Anything else (user info, odd characters)
 * returns undefined: the caller then passes the URL string as before.
 */
export function requestOrigin(url: string): { origin: RequestOrigin; path: string } | undefined {
  const m = ORIGIN.exec(url);
  if (m === null) return undefined;
  const key = m[0];
  const path = url.length === key.length ? '/' : url.slice(key.length);
  if (!PLAIN_PATH.test(path) || path.includes('/.') || path.endsWith('?')) return undefined;
  let origin = origins.get(key);
  if (origin === undefined) {
    let parsed: ReturnType<typeof urlToHttpOptions>;
    try {
      parsed = urlToHttpOptions(new URL(key));
    } catch {
      return undefined;
    }
    const port = parsed.port === undefined || parsed.port === '' ? undefined : Number(parsed.port);
    const protocol = parsed.protocol ?? 'http:';
    const hostname = parsed.hostname ?? '';
    // What ClientRequest writes when it sets Host itself: IPv6 in brackets, the port unless it is the default.
    let host = hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
    if (port !== undefined && port !== (protocol === 'https:' ? 443 : 80)) host += `:${port}`;
    origin = { protocol, hostname, ...(port === undefined ? {} : { port }), host };
    if (origins.size >= 64) origins.clear();
    origins.set(key, origin);
  }
  return { origin, path };
}

/** `requestOrigin` as node:http request options (`protocol`, `hostname`, `port`, `path`). */
export function requestTarget(
  url: string,
): { protocol: string; hostname: string; port?: number; path: string } | undefined {
  const t = requestOrigin(url);
  if (t === undefined) return undefined;
  const { protocol, hostname, port } = t.origin;
  return { protocol, hostname, ...(port === undefined ? {} : { port }), path: t.path };
}
