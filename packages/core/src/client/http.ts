import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { CookieJar } from 'tough-cookie';
import { redactUrl } from '../log/redact.js';
import type { BaseResponse } from '../protocol/wire.js';
import { LoggedOut, NetworkError, NotFriend, ProtocolError, RateLimited, ServerError } from './errors.js';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestSpec {
  /** Endpoint name for errors and logs (`webwxsync`). */
  endpoint: string;
  url: string;
  method?: 'GET' | 'POST';
  query?: Query;
  json?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** 'manual' returns 3xx responses instead of following them (login page 301). */
  redirect?: 'manual' | 'follow';
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface HttpOptions {
  userAgent: string;
  timeoutMs: number;
  logger: Logger;
  jar?: CookieJar;
}

/** Builds `url?query` with standard encoding (pass_ticket's `%2B` becomes `%252B`, as the web client sends it). */
export function buildUrl(url: string, query?: Query): string {
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.append(k, String(v));
  const qs = params.toString();
  if (!qs) return url;
  return url + (url.includes('?') ? '&' : '?') + qs;
}

/**
 * One account's HTTP transport: fetch + its own tough-cookie jar (no global
 * agent or jar, so accounts never share cookies), timeouts, cancellation on
 * `close()`, typed errors and redacted debug summaries.
 */
export class Http {
  jar: CookieJar;
  private readonly closer = new AbortController();
  private readonly log: Logger;

  constructor(private readonly opts: HttpOptions) {
    this.jar = opts.jar ?? new CookieJar();
    this.log = opts.logger;
  }

  /** Aborts every in-flight and future request. */
  close(): void {
    this.closer.abort();
  }

  /** Aborts in-flight requests (long polls) without closing the transport. */
  private inflight = new Set<AbortController>();
  abortInflight(): void {
    for (const c of this.inflight) c.abort();
  }

  get closed(): boolean {
    return this.closer.signal.aborted;
  }

  /** Low-level: returns the raw Response (for streams); throws NetworkError on transport failure or 5xx. */
  async raw(spec: RequestSpec): Promise<Response> {
    const url = buildUrl(spec.url, spec.query);
    const method = spec.method ?? (spec.json !== undefined || spec.form ? 'POST' : 'GET');
    const headers: Record<string, string> = {
      'User-Agent': this.opts.userAgent,
      Accept: 'application/json, text/plain, */*',
      ...spec.headers,
    };
    const cookie = await this.jar.getCookieString(url);
    if (cookie) headers['Cookie'] = cookie;
    let body: string | FormData | undefined;
    if (spec.json !== undefined) {
      headers['Content-Type'] = 'application/json;charset=UTF-8';
      body = JSON.stringify(spec.json);
    } else if (spec.form) {
      body = spec.form;
    }
    const controller = new AbortController();
    const timeoutMs = spec.timeoutMs ?? this.opts.timeoutMs;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onClose = (): void => {
      controller.abort();
    };
    this.closer.signal.addEventListener('abort', onClose, { once: true });
    this.inflight.add(controller);
    const started = Date.now();
    const safeUrl = redactUrl(url);
    let res: Response;
    try {
      if (this.closer.signal.aborted) throw new Error('transport closed');
      const init: RequestInit = { method, headers, signal: controller.signal, redirect: spec.redirect ?? 'follow' };
      if (body !== undefined) init.body = body;
      res = await fetch(url, init);
    } catch (err) {
      clearTimeout(timer);
      this.inflight.delete(controller);
      this.closer.signal.removeEventListener('abort', onClose);
      const why = timedOut
        ? `timed out after ${timeoutMs} ms`
        : this.closer.signal.aborted
          ? 'cancelled (client stopping)'
          : describe(err);
      this.log.debug(
        { endpoint: spec.endpoint, method, url: safeUrl, ms: Date.now() - started, error: why },
        'http failed',
      );
      throw new NetworkError(spec.endpoint, why, undefined, { cause: err });
    }
    // Headers arrived: keep the timeout for the body but release the close hook when done.
    const done = (): void => {
      clearTimeout(timer);
      this.inflight.delete(controller);
      this.closer.signal.removeEventListener('abort', onClose);
    };
    for (const c of res.headers.getSetCookie()) {
      try {
        await this.jar.setCookie(c, url, { ignoreError: true });
      } catch {
        // A malformed cookie must not fail the request.
      }
    }
    this.log.debug(
      { endpoint: spec.endpoint, method, url: safeUrl, status: res.status, ms: Date.now() - started },
      'http',
    );
    if (res.status >= 500) {
      done();
      await res.body?.cancel().catch(() => undefined);
      throw new NetworkError(spec.endpoint, `HTTP ${res.status}`, res.status);
    }
    (res as Response & { done?: () => void }).done = done;
    return res;
  }

  /** Request returning text; 4xx → ProtocolError, 5xx/transport → NetworkError. */
  async text(spec: RequestSpec): Promise<HttpResponse> {
    const res = await this.raw(spec);
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new NetworkError(spec.endpoint, `reading the body failed: ${describe(err)}`, res.status, { cause: err });
    } finally {
      (res as Response & { done?: () => void }).done?.();
    }
    const redirectOk = spec.redirect === 'manual' && res.status >= 300 && res.status < 400;
    if (res.status >= 400 || (res.status >= 300 && !redirectOk)) {
      throw new ProtocolError(spec.endpoint, `unexpected HTTP ${res.status}`);
    }
    return { status: res.status, headers: res.headers, text };
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

  /** Returns a Node stream of a successful body (downloads). */
  async stream(spec: RequestSpec): Promise<{ status: number; headers: Headers; body: Readable }> {
    const res = await this.raw(spec);
    const done = (res as Response & { done?: () => void }).done;
    if (res.status >= 400 || !res.body) {
      done?.();
      await res.body?.cancel().catch(() => undefined);
      throw new ProtocolError(spec.endpoint, `unexpected HTTP ${res.status}`);
    }
    const body = Readable.fromWeb(res.body);
    body.once('close', () => done?.());
    return { status: res.status, headers: res.headers, body };
  }
}

/** Maps a non-zero BaseResponse.Ret to a typed error. */
export function retError(endpoint: string, ret: number, errMsg: string): Error {
  if (ret === 1100 || ret === 1101 || ret === 1102) return new LoggedOut(endpoint, ret);
  if (ret === 1205) return new RateLimited(endpoint);
  if (ret === 1204) return new NotFriend(endpoint);
  return new ServerError(endpoint, ret, errMsg);
}

/**
 * Quotes NewMsgId / MsgId / SvrMsgId numbers before JSON.parse: they exceed
 * 2^53 and JSON.parse would silently corrupt them.
 */
export function protectBigIds(text: string): string {
  return text.replace(/("(?:NewMsgId|MsgId|MsgID|SvrMsgId)"\s*:\s*)(-?\d{16,})/g, '$1"$2"');
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    const code = cause && typeof cause === 'object' && 'code' in cause ? String(cause.code) : '';
    return code ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}
