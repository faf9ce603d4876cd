import type { Readable } from 'node:stream';
import type { AxiosResponse } from 'axios';
import type { Logger } from 'pino';
import type { CookieJar } from 'tough-cookie';

import type { ProxyOption } from './proxy.js';
import type { Query } from '../wire/request.js';

/* What goes into and comes out of the HTTP transport (http.ts). */

// The request shape is the wire's (wire/request.ts): endpoints build it, http.ts carries it.
export type { Query, RequestSpec } from '../wire/request.js';

/** Read-only response headers, case-insensitive; repeated headers are joined with `, `. */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface HttpResponse {
  status: number;
  headers: ResponseHeaders;
  text: string;
}

export interface StreamResponse {
  status: number;
  headers: ResponseHeaders;
  body: Readable;
}

export interface HttpOptions {
  userAgent: string;
  timeoutMs: number;
  logger: Logger;
  /** Must use a synchronous store (the default MemoryCookieStore): the transport reads and writes it synchronously. */
  jar?: CookieJar;
  /** A proxy URL, `false` for none, or undefined to follow HTTPS_PROXY / HTTP_PROXY / NO_PROXY. */
  proxy?: ProxyOption;
}

/** What URLSearchParams (application/x-www-form-urlencoded) writes where encodeURIComponent differs. */
const FORM_ESCAPES: Record<string, string> = { '%20': '+', '!': '%21', "'": '%27', '(': '%28', ')': '%29', '~': '%7E' };

/** What URLSearchParams writes as it is: a name or value of only these (numbers, ids) is its own encoding. */
const FORM_PLAIN = /^[\w.*-]*$/;
/** What encodeURIComponent leaves (or writes, a space) where URLSearchParams escapes. */
const FORM_DIFFERS = /[ !'()~]/;

/** One query value or name encoded exactly as URLSearchParams does, without building one per request. */
function formEncode(s: string): string {
  // Every request encodes its whole query (synccheck: seven pairs): the common cases skip the replace pass.
  if (FORM_PLAIN.test(s)) return s;
  try {
    const encoded = encodeURIComponent(s);
    return FORM_DIFFERS.test(s) ? encoded.replace(/%20|[!'()~]/g, (c) => FORM_ESCAPES[c]!) : encoded;
  } catch {
    // A lone surrogate: encodeURIComponent throws where URLSearchParams writes U+FFFD.
    return new URLSearchParams([['', s]]).toString().slice(1);
  }
}

/** Builds `url?query` with standard encoding (pass_ticket's `%2B` becomes `%252B`, as the web client sends it). */
export function buildUrl(url: string, query?: Query): string {
  if (!query) return url;
  let qs = '';
  for (const k in query) {
    const v = query[k];
    if (v === undefined) continue;
    qs += `${qs === '' ? '' : '&'}${formEncode(k)}=${formEncode(String(v))}`;
  }
  if (!qs) return url;
  return url + (url.includes('?') ? '&' : '?') + qs;
}

export type RawHeaders = AxiosResponse['headers'];

/** Case-insensitive view of axios' or node's response headers, shaped like fetch's `Headers.get`; built on first use. */
export function responseHeaders(raw: RawHeaders): ResponseHeaders {
  let map: Map<string, string> | undefined;
  return {
    get: (name) => {
      if (map === undefined) {
        map = new Map();
        for (const [k, v] of Object.entries(raw as Record<string, string | string[] | number | undefined>)) {
          if (v === undefined) continue;
          map.set(k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v));
        }
      }
      return map.get(name.toLowerCase()) ?? null;
    },
  };
}
