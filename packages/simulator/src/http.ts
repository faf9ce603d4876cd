/** Small request/response helpers shared by the routes. */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

import { parseJsonBody } from './wire/json.js';

export type HostRole = 'main' | 'login' | 'push' | 'file';

export interface Abort {
  readonly aborted: boolean;
  onAbort(cb: () => void): void;
}

export class RequestContext {
  /** performance.now() when the request's headers arrived: the action log's `hrAt`. */
  readonly hrAt = performance.now();
  /**
   * Set by an `accept-then-drop` fault: the handler runs and changes the world as usual, then the
   * connection is destroyed where the answer would have been written.
   */
  dropResponse = false;
  readonly url: URL;
  readonly query: URLSearchParams;
  readonly cookies: Record<string, string>;
  private bodyPromise: Promise<Buffer> | undefined;
  private abortCallbacks: (() => void)[] = [];
  private abortedFlag = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly role: HostRole,
  ) {
    // Appended to the origin, not resolved against it: a target starting with `//` is a path here, not a host.
    const target = req.url ?? '/';
    this.url = new URL(`http://127.0.0.1${target.startsWith('/') ? '' : '/'}${target}`);
    this.query = this.url.searchParams;
    this.cookies = parseCookies(req.headers.cookie);
    res.on('close', () => {
      if (!res.writableFinished) this.abort();
    });
  }

  get method(): string {
    return this.req.method ?? 'GET';
  }

  get path(): string {
    return this.url.pathname.replace(/\/{2,}/g, '/');
  }

  /** Query lookup that tolerates the real clients' mixed casing (MsgID / msgid). */
  q(name: string): string | undefined {
    const direct = this.query.get(name);
    if (direct !== null) return direct;
    const lower = name.toLowerCase();
    for (const [k, v] of this.query) if (k.toLowerCase() === lower) return v;
    return undefined;
  }

  header(name: string): string | undefined {
    const v = this.req.headers[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
  }

  body(limit = 64 * 1024 * 1024): Promise<Buffer> {
    this.bodyPromise ??= new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      this.req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > limit) {
          reject(new Error('body too large'));
          this.req.destroy();
          return;
        }
        chunks.push(c);
      });
      this.req.on('end', () => {
        resolve(Buffer.concat(chunks));
      });
      this.req.on('error', reject);
    });
    return this.bodyPromise;
  }

  /** JSON regardless of Content-Type (text/plain, form-less posts), like the real server. */
  async json(): Promise<unknown> {
    return parseJsonBody((await this.body()).toString('utf8'));
  }

  get abortSignal(): Abort {
    return {
      aborted: this.abortedFlag,
      onAbort: (cb) => {
        if (this.abortedFlag) cb();
        else this.abortCallbacks.push(cb);
      },
    };
  }

  get aborted(): boolean {
    return this.abortedFlag;
  }

  abort(): void {
    if (this.abortedFlag) return;
    this.abortedFlag = true;
    for (const cb of this.abortCallbacks.splice(0)) cb();
  }

  send(
    status: number,
    body: string | Buffer,
    contentType: string,
    headers: Record<string, string | string[]> = {},
  ): void {
    if (this.res.headersSent || this.res.destroyed) return;
    if (this.dropResponse) {
      this.req.socket.destroy();
      return;
    }
    const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    this.res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(buf.length), ...headers });
    this.res.end(buf);
  }

  js(body: string, headers: Record<string, string | string[]> = {}): void {
    this.send(200, body, 'text/javascript', headers);
  }

  jsonText(body: string): void {
    this.send(200, body, 'text/plain');
  }
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    if (k) out[k] = part.slice(i + 1).trim();
  }
  return out;
}

export function sleep(ms: number, abort?: Abort): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    abort?.onAbort(() => {
      clearTimeout(t);
      resolve();
    });
  });
}

export { isRecord } from './world/validate.js';

export function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}
