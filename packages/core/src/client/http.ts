import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { PassThrough, type Readable } from 'node:stream';
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { Logger } from 'pino';
import type { CookieJar } from 'tough-cookie';
import { redactUrl } from '../log/redact.js';
import { JarCookies, newJar } from './cookies.js';
import { proxyAgents, proxyRoutes, redactProxyUrl, type ProxyRoutes } from './proxy.js';
import type { BaseResponse } from '../wire/types.js';
import { NetworkError, ProtocolError } from './errors.js';
import { describe, retError, safeCause } from './http-errors.js';
import { protectBigIds } from '../wire/big-ids.js';
import { directRequest, MAX_REDIRECTS, REDIRECTS, type Armed, type DirectHost } from './http-direct.js';
import { LeanPool } from './http-lean-pool.js';

// Kept importable from here, where the client's modules have always found them.
export { retError } from './http-errors.js';
export { protectBigIds } from '../wire/big-ids.js';
export {
  buildUrl,
  responseHeaders,
  type HttpOptions,
  type HttpResponse,
  type Query,
  type RequestSpec,
  type ResponseHeaders,
  type StreamResponse,
} from './http-shapes.js';
import {
  buildUrl,
  responseHeaders,
  type HttpOptions,
  type HttpResponse,
  type RequestSpec,
  type StreamResponse,
} from './http-shapes.js';

interface Agents {
  http: HttpAgent;
  https: HttpsAgent;
}

/**
 * Keep-alive saves a TCP (and TLS) handshake per call; one pool per account, never the global agent.
 * Behind a proxy the same agents route every request (API calls, long polls, and axios' uploads and
 * downloads, which are given these agents) through it.
 */
function keepAliveAgents(proxy: ProxyRoutes | undefined): Agents {
  if (proxy !== undefined) return proxyAgents(proxy);
  return { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
}

/**
 * One account's HTTP transport: its own tough-cookie jar and keep-alive agents
 * (no global agent or jar, so accounts never share cookies or connections),
 * timeouts, cancellation on `close()`, typed errors and redacted debug
 * summaries. Every hop of every request, redirects included (followed or
 * not), sends the jar's cookies and stores its `Set-Cookie`.
 */
export class Http {
  private cookies: JarCookies;
  private agents: Agents;
  /**
   * The lean carrier's keep-alive sockets for API calls and long polls (decision 0036, lean HTTP carrier);
   * none behind a proxy, where the agents carry everything. Swapped and closed with the agents.
   */
  private pool: LeanPool | undefined;
  /** axios, loaded on the first multipart upload or download: API calls never need it. */
  private ax: Promise<AxiosInstance> | undefined;
  private readonly closer = new AbortController();
  private readonly log: Logger;
  /**
   * The requests in flight: their abort, and whether it is a long poll. A
   * callback, not an AbortController with signal listeners per request
   * (a few % of the bot's CPU per reply in the steady bench).
   */
  private readonly live = new Map<() => void, boolean>();

  private readonly proxy: ProxyRoutes | undefined;
  /** What directRequest reads of this transport, per request. */
  private readonly direct: DirectHost;

  constructor(private readonly opts: HttpOptions) {
    this.cookies = new JarCookies(opts.jar ?? newJar());
    this.proxy = proxyRoutes(opts.proxy);
    this.agents = keepAliveAgents(this.proxy);
    this.pool = this.proxy === undefined ? new LeanPool() : undefined;
    this.log = opts.logger;
    this.direct = {
      userAgent: opts.userAgent,
      log: opts.logger,
      proxied: this.proxy !== undefined,
      cookies: () => this.cookies,
      agents: () => this.agents,
      pool: () => this.pool,
      closing: () => this.closer.signal.aborted,
      arm: (spec, abort) => this.arm(spec, abort),
    };
    if (this.proxy !== undefined) {
      const via = [...new Set([this.proxy.https, this.proxy.http].filter((u) => u !== undefined))];
      this.log.info(
        { proxy: via.map(redactProxyUrl), noProxy: this.proxy.noProxy },
        `requests go through ${via.map(redactProxyUrl).join(' and ')}`,
      );
    }
  }

  private axios(): Promise<AxiosInstance> {
    this.ax ??= import('axios').then(({ default: axios }) =>
      axios.create({
        // axios' own env proxy handling is off: the agents below route through the proxy (see proxy.ts).
        proxy: false,
        // Bodies stay text: JSON.parse here would corrupt NewMsgId (> 2^53) before protectBigIds runs.
        transformResponse: [(data: unknown) => data],
        // Bodies are sent exactly as built (JSON text, FormData), never re-serialised.
        transformRequest: [(data: unknown) => data],
        // Statuses are classified here, so callers see typed errors rather than AxiosError.
        validateStatus: () => true,
        maxContentLength: -1,
        maxBodyLength: -1,
      }),
    );
    this.ax.catch(() => {
      this.ax = undefined;
    });
    return this.ax;
  }

  get jar(): CookieJar {
    return this.cookies.jar;
  }

  /** Swaps the jar (hot login restores a saved one); connections made under the old jar are dropped. */
  set jar(jar: CookieJar) {
    const old = this.agents;
    const oldPool = this.pool;
    this.agents = keepAliveAgents(this.proxy);
    this.pool = this.proxy === undefined ? new LeanPool() : undefined;
    this.cookies = new JarCookies(jar);
    old.http.destroy();
    old.https.destroy();
    oldPool?.destroy();
  }

  /** Aborts every in-flight and future request and closes pooled connections. */
  close(): void {
    this.closer.abort();
    for (const abort of [...this.live.keys()]) abort();
    this.agents.http.destroy();
    this.agents.https.destroy();
    this.pool?.destroy();
  }

  /**
   * Aborts in-flight long polls without closing the transport. Other requests
   * finish: an aborted send may have reached the server, and replaying it
   * would deliver it twice.
   */
  abortInflight(): void {
    for (const [abort, longPoll] of [...this.live]) if (longPoll) abort();
  }

  get closed(): boolean {
    return this.closer.signal.aborted;
  }

  /**
   * One request's cancellation: its timeout, close(), and (for long polls)
   * abortInflight() call `abort`. `release()` once the request is over.
   */
  private arm(spec: RequestSpec, abort: () => void): Armed {
    const timeoutMs = spec.timeoutMs ?? this.opts.timeoutMs;
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      abort();
    }, timeoutMs);
    this.live.set(abort, spec.longPoll === true);
    return {
      timeoutMs,
      timedOut: () => expired,
      release: () => {
        clearTimeout(timer);
        this.live.delete(abort);
      },
    };
  }

  /**
   * Sends one request. Throws NetworkError on transport failure, timeout,
   * cancellation or 5xx; any other status is returned. The timeout covers
   * the body too: call the returned `done` once the body is consumed.
   */
  private async send<T extends string | Readable>(
    spec: RequestSpec,
    responseType: 'text' | 'stream',
  ): Promise<{ res: AxiosResponse<T>; done: () => void; failure: (err: unknown) => NetworkError }> {
    const url = buildUrl(spec.url, spec.query);
    const method = spec.method ?? (spec.json !== undefined || spec.form ? 'POST' : 'GET');
    const headers: Record<string, string> = {
      'User-Agent': this.opts.userAgent,
      Accept: 'application/json, text/plain, */*',
      ...spec.headers,
    };
    let data: string | FormData | undefined;
    if (spec.json !== undefined) {
      headers['Content-Type'] = 'application/json;charset=UTF-8';
      data = JSON.stringify(spec.json);
    } else if (spec.form) {
      data = spec.form;
    }
    const controller = new AbortController();
    const {
      timeoutMs,
      timedOut,
      release: done,
    } = this.arm(spec, () => {
      controller.abort();
    });
    const started = Date.now();
    const safeUrl = redactUrl(url);
    const failure = (err: unknown, status?: number): NetworkError => {
      const why = timedOut()
        ? `timed out after ${timeoutMs} ms`
        : this.closer.signal.aborted
          ? 'cancelled (client stopping)'
          : describe(err);
      this.log.debug(
        { endpoint: spec.endpoint, method, url: safeUrl, ms: Date.now() - started, error: why },
        'http failed',
      );
      return new NetworkError(spec.endpoint, why, status, { cause: safeCause(err) });
    };
    let res: AxiosResponse<T>;
    try {
      if (this.closer.signal.aborted) throw new Error('transport closed');
      // Redirects are followed here, not by axios: its follow-redirects layer doubles the CPU cost of
      // every request (measured: ~1,170 vs ~650 µs per loopback POST), and the API never redirects.
      let hopUrl = url;
      let hopMethod: string = method;
      let hopData = data;
      let hopHeaders = headers;
      for (let hop = 0; ; hop++) {
        const cookie = this.cookies.header(hopUrl);
        res = await (
          await this.axios()
        ).request<T>({
          url: hopUrl,
          method: hopMethod,
          headers: cookie ? { ...hopHeaders, Cookie: cookie } : hopHeaders,
          data: hopData,
          responseType,
          responseEncoding: 'utf8',
          signal: controller.signal,
          maxRedirects: 0,
          httpAgent: this.agents.http,
          httpsAgent: this.agents.https,
        });
        this.cookies.save(hopUrl, setCookieOf(res.headers['set-cookie']));
        const location: unknown = res.headers['location'];
        if (spec.redirect === 'manual' || !REDIRECTS.has(res.status) || typeof location !== 'string') break;
        if (responseType === 'stream') (res.data as Readable).destroy();
        if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
        hopUrl = new URL(location, hopUrl).href;
        if (res.status === 303 || (hopMethod === 'POST' && res.status !== 307 && res.status !== 308)) {
          hopMethod = 'GET';
          hopData = undefined;
          const { 'Content-Type': _dropped, ...rest } = hopHeaders;
          hopHeaders = rest;
        }
      }
    } catch (err) {
      done();
      throw failure(err);
    }
    this.log.debug(
      { endpoint: spec.endpoint, method, url: safeUrl, status: res.status, ms: Date.now() - started },
      'http',
    );
    if (res.status >= 500) {
      done();
      if (responseType === 'stream') (res.data as Readable).destroy();
      throw new NetworkError(spec.endpoint, `HTTP ${res.status}`, res.status);
    }
    return { res, done, failure: (err) => failure(err, res.status) };
  }

  /** Request returning text; 4xx → ProtocolError, 5xx/transport → NetworkError. */
  async text(spec: RequestSpec): Promise<HttpResponse> {
    if (!spec.form) return directRequest(this.direct, spec);
    const { res, done } = await this.send<string>(spec, 'text');
    // axios has read the whole body by now.
    done();
    const redirectOk = spec.redirect === 'manual' && res.status >= 300 && res.status < 400;
    if (res.status >= 400 || (res.status >= 300 && !redirectOk)) {
      throw new ProtocolError(spec.endpoint, `unexpected HTTP ${res.status}`);
    }
    return { status: res.status, headers: responseHeaders(res.headers), text: res.data };
  }

  /** Request returning JSON with a BaseResponse; non-zero Ret becomes a typed error. */
  async json<T extends { BaseResponse?: BaseResponse }>(spec: RequestSpec): Promise<T> {
    const { text } = await this.text(spec);
    let parsed: unknown;
    try {
      parsed = JSON.parse(protectBigIds(text));
    } catch (err) {
      throw new ProtocolError(
        spec.endpoint,
        `the answer is not JSON (body starts: ${JSON.stringify(text.slice(0, 40))})`,
        {
          cause: err,
        },
      );
    }
    if (parsed === null || typeof parsed !== 'object')
      throw new ProtocolError(spec.endpoint, 'the answer is not a JSON object');
    const base = (parsed as { BaseResponse?: BaseResponse }).BaseResponse;
    if (base && typeof base.Ret === 'number' && base.Ret !== 0)
      throw retError(spec.endpoint, base.Ret, base.ErrMsg ?? '');
    return parsed as T;
  }

  /**
   * Returns a Node stream of a successful body (downloads); the timeout runs
   * until the stream closes. A failure mid-body (timeout, close(), reset)
   * errors the stream with a NetworkError, never with axios' own error (it
   * carries the request config, whose URL holds skey).
   */
  async stream(spec: RequestSpec): Promise<StreamResponse> {
    const { res, done, failure } = await this.send<Readable>(spec, 'stream');
    const source = res.data;
    if (res.status >= 400) {
      done();
      source.destroy();
      throw new ProtocolError(spec.endpoint, `unexpected HTTP ${res.status}`);
    }
    const body = new PassThrough();
    source.on('error', (err) => body.destroy(failure(err)));
    body.once('close', () => {
      // The consumer stopped early: stop downloading too.
      if (!source.destroyed) source.destroy();
      done();
    });
    source.pipe(body);
    return { status: res.status, headers: responseHeaders(res.headers), body };
  }
}

function setCookieOf(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}
