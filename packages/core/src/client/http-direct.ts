import {
  request as httpRequest,
  type Agent as HttpAgent,
  type ClientRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { request as httpsRequest, type Agent as HttpsAgent } from 'node:https';
import { channel } from 'node:diagnostics_channel';
import type { Logger } from 'pino';

import { redactUrl } from '../log/redact.js';
import type { JarCookies } from './cookies.js';
import { NetworkError, ProtocolError } from './errors.js';
import { collectBody, type BodySink } from './http-body.js';
import { describe, plainCause } from './http-errors.js';
import { headerList, leanPayload } from './http-lean-head.js';
import type { LeanPool } from './http-lean-pool.js';
import {
  buildUrl,
  responseHeaders,
  type HttpResponse,
  type RawHeaders,
  type RequestSpec,
  type ResponseHeaders,
} from './http-shapes.js';
import { abortError, requestOrigin } from './http-target.js';

/*
 * The API calls and long polls, no axios (http.ts keeps uploads and downloads): on the lean carrier
 * (http-lean-*.ts) without a proxy, on node:http behind one.
 */

export const REDIRECTS = new Set([301, 302, 303, 307, 308]);
export const MAX_REDIRECTS = 20;
/**
 * Published as each lean request is handed to its socket, `{ method, host, path }`: node:http's own
 * `http.client.request.start` never fires for those, and tools that watched it (the cold-start bench's QR
 * marker) subscribe here too. Costs a property read per request while nobody listens.
 */
export const LEAN_REQUEST_START = 'wxbot:http.client.request.start';
const leanStart = channel(LEAN_REQUEST_START);

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
  /** The lean carrier's sockets (http-lean-pool.ts); undefined when proxied (the agents carry everything). */
  pool(): LeanPool | undefined;
  closing(): boolean;
  arm(spec: RequestSpec, abort: () => void): Armed;
}

/** An answer's status and headers, whichever carrier brought it. */
interface AnswerHead {
  readonly status: number;
  /** A header by lower-case name, as node gives it: `set-cookie` a list, any other one string. */
  field(name: string): string | string[] | undefined;
  /** The headers as the caller sees them. */
  view(): ResponseHeaders;
}

function nodeHead(res: IncomingMessage): AnswerHead {
  return {
    status: res.statusCode ?? 0,
    field: (name) => res.headers[name],
    view: () => responseHeaders(res.headers as RawHeaders),
  };
}

/**
 * One text request without a multipart body (every API call, the long polls). axios costs about 1 ms of
 * CPU per request here (its config merging, header objects and adapter): measured 1,160 vs 270 µs per
 * loopback POST. Redirects are followed here (a 303, or a 301/302 after a POST, becomes a GET), every hop
 * sending and storing the jar's cookies.
 *
 * Two carriers, one behaviour. Without a proxy, a URL node would take as it is goes through the lean
 * carrier (http-lean-pool.ts: keep-alive sockets of the account's own, the request written as one string,
 * the answer parsed by http-lean-parse.ts), about a third of node:http's CPU per request (decision 0036,
 * lean HTTP carrier). Through a proxy (proxy.ts edits each request's headers and path as the agent queues
 * it), and for odd URLs, node:http with the account's agents carries it, as before.
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
    /** Stops the current hop: destroys its request (node) or its socket (lean). */
    let stop: (() => void) | undefined;
    // What an AbortSignal on the request would do: destroy it with an AbortError.
    const { timeoutMs, timedOut, release } = host.arm(spec, () => {
      const err = abortError();
      stop?.();
      finish(err);
    });
    const finish = (err: Error | undefined, head?: AnswerHead, text?: string): void => {
      if (finished) return;
      finished = true;
      release();
      // A failure mid-body (bad gzip, reset) must not leave the socket assigned to a dead request.
      if (err) stop?.();
      const debug = log.isLevelEnabled('debug');
      if (err || !head) {
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
        reject(new NetworkError(spec.endpoint, reason, head?.status, { cause: plainCause(err) }));
        return;
      }
      const status = head.status;
      if (debug)
        log.debug({ endpoint: spec.endpoint, method, url: redactUrl(url), status, ms: Date.now() - started }, 'http');
      if (status >= 500) reject(new NetworkError(spec.endpoint, `HTTP ${status}`, status));
      else if (status >= 400 || (status >= 300 && spec.redirect !== 'manual'))
        reject(new ProtocolError(spec.endpoint, `unexpected HTTP ${status}`));
      else resolve({ status, headers: head.view(), text: text ?? '' });
    };
    /** One hop's answer: its cookies saved, then the next hop (a redirect; the body is dropped) or the body. */
    const onHead = (head: AnswerHead, n: number): BodySink | undefined => {
      host.cookies().save(url, head.field('set-cookie'));
      const status = head.status;
      const location = head.field('location');
      if (spec.redirect !== 'manual' && REDIRECTS.has(status) && typeof location === 'string') {
        if (n >= MAX_REDIRECTS) {
          finish(new Error(`more than ${MAX_REDIRECTS} redirects`));
          return undefined;
        }
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          finish(new Error('redirect to an invalid Location'));
          return undefined;
        }
        if (next.protocol !== 'http:' && next.protocol !== 'https:') {
          finish(new Error(`redirect to a ${next.protocol} location`));
          return undefined;
        }
        url = next.href;
        if (status === 303 || (method === 'POST' && status !== 307 && status !== 308)) {
          method = 'GET';
          body = undefined;
        }
        start(n + 1);
        return undefined;
      }
      return collectBody(head.field('content-encoding'), (err, text) => {
        if (err) finish(err);
        else finish(undefined, head, text);
      });
    };
    const hop = (n: number): void => {
      const cookie = host.cookies().header(url);
      const target = requestOrigin(url);
      const pool = host.pool();
      const id = ++live;
      if (pool !== undefined && target !== undefined) {
        const { origin, path } = target;
        const payload = leanPayload(method, path, origin.host, host.userAgent, spec.headers, body, cookie);
        // Redacted: a subscriber is any code in the process, and the query carries skey, pass_ticket, uuid.
        if (leanStart.hasSubscribers) leanStart.publish({ method, host: origin.host, path: redactUrl(path) });
        let sink: BodySink | undefined;
        const call = pool.send(origin, payload, {
          head: (head) => {
            if (id === live) sink = onHead(head, n);
          },
          data: (chunk) => sink?.data(chunk),
          end: () => sink?.end(),
          fail: (err) => {
            if (sink !== undefined) sink.error(err);
            else if (id === live) finish(err);
          },
        });
        stop = () => {
          call.cancel();
        };
        return;
      }
      const https = url.startsWith('https:');
      const agents = host.agents();
      const agent = https ? agents.https : agents.http;
      const send = https ? httpsRequest : httpRequest;
      // A flat [name, value, …] list with Host: ClientRequest stores it in one pass, without setHeader per
      // name. Through a proxy the agents set Proxy-Authorization and rewrite the path as the request is
      // queued, which a stored list would not allow: there (and for odd URLs) an object, and node sets Host.
      const flat = target !== undefined && !host.proxied;
      const list = headerList(flat ? target.origin.host : undefined, host.userAgent, spec.headers, body, cookie);
      let headers: RequestOptions['headers'] = list;
      if (!flat) {
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
      stop = () => req.destroy();
      req.on('error', (err) => {
        if (id === live) finish(err);
      });
      req.once('response', (res) => {
        const sink = onHead(nodeHead(res), n);
        if (sink === undefined) {
          res.resume();
          return;
        }
        res.on('data', sink.data);
        res.once('end', sink.end);
        res.once('error', sink.error);
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
