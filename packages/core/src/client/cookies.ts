import { createRequire } from 'node:module';
import type * as ToughCookie from 'tough-cookie';
import type { CookieJar } from 'tough-cookie';

/**
 * tough-cookie's CommonJS build, through require(): importing its ESM build
 * makes node's ESM loader take in tldts (its 200 KB public-suffix table, which
 * is CommonJS) the expensive way, ~4 MB more RSS for the whole process
 * (measured: 48.7 vs 52.5 MB for node + tough-cookie). Same API and types.
 */
const tough = createRequire(import.meta.url)('tough-cookie') as typeof ToughCookie;

/** An empty jar (synchronous in-memory store, which `JarCookies` needs). */
export function newJar(): CookieJar {
  return new tough.CookieJar();
}

/** A jar saved with `serializeSync()` (hot login). */
export function restoreJar(serialized: string): CookieJar {
  return tough.CookieJar.deserializeSync(serialized);
}

type SetCookie = string | readonly string[] | undefined;

/** The most distinct URLs remembered; an account calls a dozen endpoints. */
const MAX_URLS = 64;

/**
 * Cookies of one account's requests: the `Cookie` header from its tough-cookie
 * jar, and every `Set-Cookie` back into the jar. tough-cookie does all of RFC
 * 6265 (domain and path matching, expiry, Secure); this class only remembers
 * the header per URL until the jar changes or a cookie in it expires. API
 * calls send the same few cookies every time, and asking the jar per request
 * cost ~8% of the bot's CPU in bursts of messages (bench profile).
 *
 * Every change to the jar must go through `save()` (or a new instance over a
 * new jar); the transport is the jar's only writer.
 */
export class JarCookies {
  readonly #cache = new Map<string, { header: string; until: number }>();

  constructor(readonly jar: CookieJar) {}

  /** The `Cookie` header value for `url` ('' when no cookie applies). */
  header(url: string): string {
    const key = withoutQuery(url);
    const hit = this.#cache.get(key);
    if (hit && Date.now() < hit.until) return hit.header;
    const cookies = this.jar.getCookiesSync(url);
    // tough-cookie measures Max-Age from the last access, which asking it per request would keep pushing
    // back; remembering the header lets a Max-Age cookie expire when the server meant it to.
    let until = Infinity;
    for (const c of cookies) {
      const expiry = c.expiryTime();
      if (expiry !== undefined && expiry < until) until = expiry;
    }
    const header = cookies.map((c) => c.cookieString()).join('; ');
    if (this.#cache.size >= MAX_URLS) this.#cache.clear();
    this.#cache.set(key, { header, until });
    return header;
  }

  /** Stores a response's `Set-Cookie` values (invalid ones are ignored, as browsers do). */
  save(url: string, setCookie: SetCookie): void {
    if (setCookie === undefined) return;
    const list = typeof setCookie === 'string' ? [setCookie] : setCookie;
    if (list.length === 0) return;
    for (const value of list) this.jar.setCookieSync(value, url, { ignoreError: true });
    this.#cache.clear();
  }
}

/** Cookies depend on scheme, host and path, never on the query or fragment. */
function withoutQuery(url: string): string {
  const q = url.indexOf('?');
  const h = url.indexOf('#');
  const end = q === -1 ? h : h === -1 ? q : Math.min(q, h);
  return end === -1 ? url : url.slice(0, end);
}
