import {
  request as httpRequest,
  type Agent as HttpAgent,
  type ClientRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { request as httpsRequest, type Agent as HttpsAgent } from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import { constants as zlibConstants, gunzip, gunzipSync, inflate, inflateSync } from 'node:zlib';
import type { Logger } from 'pino';

import { redactUrl } from '../log/redact.js';
import type { JarCookies } from './cookies.js';
import { NetworkError, ProtocolError } from './errors.js';
import { describe, plainCause } from './http-errors.js';
import { buildUrl, responseHeaders, type HttpResponse, type RawHeaders, type RequestSpec } from './http-shapes.js';
import { abortError, requestOrigin } from './http-target.js';

/* The API calls and long polls: straight to node:http, no axios (http.ts keeps uploads and downloads). */

export const REDIRECTS = new Set([301, 302, 303, 307, 308]);
export const MAX_REDIRECTS = 20;

const ACCEPT = 'application/json, text/plain, */*';
const ENCODINGS = 'gzip, deflate';
const JSON_TYPE = 'application/json;charset=UTF-8';
// SYNC_FLUSH: an empty or cut-short compressed body yields what it has, as browsers and axios do.
const FLUSH = { finishFlush: zlibConstants.Z_SYNC_FLUSH };
const EMPTY = Buffer.alloc(0);
/**
 * Compressed bodies up to this size are inflated synchronously: for a typical gzipped webwxsync answer
 * (~700 bytes) that is ~10 µs of CPU against ~25 µs for zlib's async one-shot (a thread-pool round trip
 * and one more wake-up of the event loop) and ~30–55 µs for a zlib stream. Larger ones (contact lists)
 * stay async so the loop is not held.
 */
const INFLATE_SYNC_MAX = 16 * 1024;

/** One request's cancellation, as Http arms it: its timeout, close(), abortInflight(). */
export interface Armed {
  timeoutMs: number;
  timedOut: () => boolean;
  release: () => void;
}

/** What a direct request needs from its Http; cookies and agents are read per request (a new jar swaps both). */
export interface DirectHost {
  readonly userAgent: string;
  readonly log: Logger;
  /** The agents route through a proxy: proxy.ts edits each request's headers and path as it is queued. */
  readonly proxied: boolean;
  cookies(): JarCookies;
  agents(): { http: HttpAgent; https: HttpsAgent };
  closing(): boolean;
  arm(spec: RequestSpec, abort: () => void): Armed;
}

/**
 * The request's headers as one flat `[name, value, …]` list: `host` (the Host header, when given) first,
 * then ours, the spec's, the body's and the jar's Cookie, a later one replacing an earlier one of the same
 * name (case-insensitive), as node's setHeader does.
 */
function headerList(
  hostHeader: string | undefined,
  userAgent: string,
  extra: Readonly<Record<string, string>> | undefined,
  body: string | undefined,
  cookie: string,
): string[] {
  const list = hostHeader === undefined ? [] : ['Host', hostHeader];
  if (extra === undefined) {
    list.push('User-Agent', userAgent, 'Accept', ACCEPT, 'Accept-Encoding', ENCODINGS);
    if (body !== undefined) list.push('Content-Type', JSON_TYPE, 'Content-Length', String(Buffer.byteLength(body)));
    if (cookie !== '') list.push('Cookie', cookie);
    return list;
  }
  // Rare (login calls): the spec's headers sit between ours and the body's, replacing same-named ones.
  const byName = new Map<string, [string, string]>();
  const put = (k: string, v: string): void => {
    byName.delete(k.toLowerCase());
    byName.set(k.toLowerCase(), [k, v]);
  };
  for (let i = 0; i < list.length; i += 2) put(list[i]!, list[i + 1]!);
  put('User-Agent', userAgent);
  put('Accept', ACCEPT);
  put('Accept-Encoding', ENCODINGS);
  for (const k of Object.keys(extra)) put(k, extra[k]!);
  if (body !== undefined) {
    put('Content-Type', JSON_TYPE);
    put('Content-Length', String(Buffer.byteLength(body)));
  }
  if (cookie !== '') put('Cookie', cookie);
  return [...byName.values()].flat();
}

/**
 * One text request without a multipart body (every API call, the long polls),
 * straight to node:http through the account's keep-alive agents. axios costs
 * about 1 ms of CPU per request here (its config merging, header objects and
 * adapter around the same node:http call): measured 1,160 vs 270 µs per
 * loopback POST. Redirects are followed here (a 303, or a 301/302 after a
 * POST, becomes a GET), every hop sending and storing the jar's cookies.
 *
 * Without a proxy the headers go to node as one flat `[name, value, …]` list
 * with Host written here: ClientRequest then stores them in one pass instead
 * of `setHeader` per name (validation, lower-casing, a map of entries).
 * The body is read as Buffers and decoded once, and a compressed body is
 * inflated in one call rather than through a zlib stream per request
 * (issue 20: the carrier's CPU per request, bench/README.md).
 */
export function directRequest(host: DirectHost, spec: RequestSpec): Promise<HttpResponse> {
  if (host.closing()) return Promise.reject(new NetworkError(spec.endpoint, 'cancelled (client stopping)'));
  let url = buildUrl(spec.url, spec.query);
  let method = spec.method ?? (spec.json !== undefined ? 'POST' : 'GET');
  let body = spec.json !== undefined ? JSON.stringify(spec.json) : undefined;
  const log = host.log;
  const started = Date.now();
  return new Promise<HttpResponse>((resolve, reject) => {
    let finished = false;
    /** The hop whose events count: a redirected request's late errors must not end the next hop. */
    let live = 0;
    let current: ClientRequest | undefined;
    // What an AbortSignal on the request would do: destroy it with an AbortError.
    const { timeoutMs, timedOut, release } = host.arm(spec, () => {
      const err = abortError();
      current?.destroy(err);
      finish(err);
    });
    const finish = (err: Error | undefined, res?: IncomingMessage, text?: string): void => {
      if (finished) return;
      finished = true;
      release();
      // A failure mid-body (bad gzip, reset) must not leave the socket assigned to a dead request.
      if (err) current?.destroy();
      const debug = log.isLevelEnabled('debug');
      if (err || !res) {
        const reason = timedOut()
          ? `timed out after ${timeoutMs} ms`
          : host.closing()
            ? 'cancelled (client stopping)'
            : describe(err ?? 'no response');
        if (debug)
          log.debug(
            { endpoint: spec.endpoint, method, url: redactUrl(url), ms: Date.now() - started, error: reason },
            'http failed',
          );
        reject(new NetworkError(spec.endpoint, reason, res?.statusCode, { cause: plainCause(err) }));
        return;
      }
      const status = res.statusCode ?? 0;
      if (debug)
        log.debug({ endpoint: spec.endpoint, method, url: redactUrl(url), status, ms: Date.now() - started }, 'http');
      if (status >= 500) reject(new NetworkError(spec.endpoint, `HTTP ${status}`, status));
      else if (status >= 400 || (status >= 300 && spec.redirect !== 'manual'))
        reject(new ProtocolError(spec.endpoint, `unexpected HTTP ${status}`));
      else resolve({ status, headers: responseHeaders(res.headers as RawHeaders), text: text ?? '' });
    };
    const onResponse = (res: IncomingMessage, n: number): void => {
      host.cookies().save(url, res.headers['set-cookie']);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (spec.redirect !== 'manual' && REDIRECTS.has(status) && location !== undefined) {
        res.resume();
        if (n >= MAX_REDIRECTS) {
          finish(new Error(`more than ${MAX_REDIRECTS} redirects`));
          return;
        }
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          finish(new Error('redirect to an invalid Location'));
          return;
        }
        if (next.protocol !== 'http:' && next.protocol !== 'https:') {
          finish(new Error(`redirect to a ${next.protocol} location`));
          return;
        }
        url = next.href;
        if (status === 303 || (method === 'POST' && status !== 307 && status !== 308)) {
          method = 'GET';
          body = undefined;
        }
        start(n + 1);
        return;
      }
      const encoding = res.headers['content-encoding'];
      const compressed = encoding === 'gzip' || encoding === 'deflate';
      const chunks: Buffer[] = [];
      let size = 0;
      // A plain body of several chunks (a contact list: megabytes in 64 KiB reads) is decoded as it comes,
      // so each chunk is freed at once: held until the end they grew the process's malloc arenas by tens
      // of MB that stayed after login (issue 20, memory per account). One chunk, the usual answer, is
      // decoded once at the end.
      let decoder: StringDecoder | undefined;
      let text = '';
      res.on('data', (chunk: Buffer) => {
        if (compressed || (chunks.length === 0 && decoder === undefined)) {
          chunks.push(chunk);
          size += chunk.length;
          return;
        }
        if (decoder === undefined) {
          decoder = new StringDecoder('utf8');
          text = decoder.write(chunks.pop()!);
        }
        text += decoder.write(chunk);
      });
      res.once('end', () => {
        if (decoder !== undefined) {
          finish(undefined, res, text + decoder.end());
          return;
        }
        const raw = chunks.length === 1 ? chunks[0]! : chunks.length === 0 ? EMPTY : Buffer.concat(chunks, size);
        if (!compressed || raw.length === 0) {
          finish(undefined, res, raw.toString('utf8'));
          return;
        }
        if (raw.length <= INFLATE_SYNC_MAX) {
          let text: string;
          try {
            text = (encoding === 'gzip' ? gunzipSync(raw, FLUSH) : inflateSync(raw, FLUSH)).toString('utf8');
          } catch (err) {
            finish(err instanceof Error ? err : new Error(String(err)));
            return;
          }
          finish(undefined, res, text);
          return;
        }
        (encoding === 'gzip' ? gunzip : inflate)(raw, FLUSH, (err, out) => {
          if (err) finish(err);
          else finish(undefined, res, out.toString('utf8'));
        });
      });
      res.once('error', (err) => {
        finish(err);
      });
    };
    const hop = (n: number): void => {
      const https = url.startsWith('https:');
      const agents = host.agents();
      const agent = https ? agents.https : agents.http;
      const cookie = host.cookies().header(url);
      const target = requestOrigin(url);
      const send = https ? httpsRequest : httpRequest;
      // A flat [name, value, …] list with Host: ClientRequest stores it in one pass, without setHeader per
      // name. Through a proxy the agents set Proxy-Authorization and rewrite the path as the request is
      // queued, which a stored list would not allow: there (and for odd URLs) an object, and node sets Host.
      const lean = target !== undefined && !host.proxied;
      const list = headerList(lean ? target.origin.host : undefined, host.userAgent, spec.headers, body, cookie);
      let headers: RequestOptions['headers'] = list;
      if (!lean) {
        const byName: Record<string, string> = {};
        for (let i = 0; i < list.length; i += 2) byName[list[i]!] = list[i + 1]!;
        headers = byName;
      }
      let req: ClientRequest;
      if (target === undefined) {
        req = send(url, { method, headers, agent });
      } else {
        const { origin, path } = target;
        const options: RequestOptions = {
          protocol: origin.protocol,
          hostname: origin.hostname,
          path,
          method,
          agent,
          headers,
        };
        if (origin.port !== undefined) options.port = origin.port;
        req = send(options);
      }
      current = req;
      const id = ++live;
      req.on('error', (err) => {
        if (id === live) finish(err);
      });
      req.once('response', (res) => {
        onResponse(res, n);
      });
      req.end(body);
    };
    // Building a request can throw (a header or URL node rejects): that is this request's failure, not a crash.
    const start = (n: number): void => {
      try {
        hop(n);
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
      }
    };
    start(0);
  });
}
