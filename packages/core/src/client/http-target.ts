import { urlToHttpOptions } from 'node:url';

/* Request targets for http.ts's direct requests. */

/** What an AbortSignal on a request destroys it with (node's AbortError: same message and code). */
export function abortError(): Error {
  return Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
}

/** Paths node:http takes as they are, with nothing a WHATWG URL parse would re-encode or resolve. */
const PLAIN_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$/;
const ORIGIN = /^https?:\/\/[^/?#@]+/;
const origins = new Map<string, { protocol: string; hostname: string; port?: number }>();

/**
 * Request options for `url` without parsing it again per request: node's
 * `request(url)` runs `new URL()` and `urlToHttpOptions` every time (~2 % of
 * the bot's CPU in the steady bench). The origin is parsed once; the path is
 * passed as it is when it holds only characters the URL parser would keep
 * unchanged (no dot segment, no empty query). Anything else (user info, odd characters)
 * returns undefined: the caller then passes the URL string as before.
 */
export function requestTarget(
  url: string,
): { protocol: string; hostname: string; port?: number; path: string } | undefined {
  const m = ORIGIN.exec(url);
  if (m === null) return undefined;
  const origin = m[0];
  const path = url.length === origin.length ? '/' : url.slice(origin.length);
  if (!PLAIN_PATH.test(path) || path.includes('/.') || path.endsWith('?')) return undefined;
  let o = origins.get(origin);
  if (o === undefined) {
    let parsed: ReturnType<typeof urlToHttpOptions>;
    try {
      parsed = urlToHttpOptions(new URL(origin));
    } catch {
      return undefined;
    }
    const port = parsed.port === undefined || parsed.port === '' ? undefined : Number(parsed.port);
    o = {
      protocol: parsed.protocol ?? 'http:',
      hostname: parsed.hostname ?? '',
      ...(port === undefined ? {} : { port }),
    };
    if (origins.size >= 64) origins.clear();
    origins.set(origin, o);
  }
  return { ...o, path };
}
