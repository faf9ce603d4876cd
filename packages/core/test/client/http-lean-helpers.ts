import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { pino } from 'pino';

import { JarCookies, newJar } from '../../src/client/cookies.js';
import type { DirectHost } from '../../src/client/http-direct.js';
import type { LeanPool } from '../../src/client/http-lean-pool.js';

/** One request as a raw server read it. */
export interface RawRequest {
  conn: number;
  method: string;
  path: string;
  headers: string;
  body: string;
}

/**
 * A raw `net` server that parses requests (Content-Length bodies only) and lets each test answer with any
 * bytes, or misbehave: hold, close, reset. Counts connections.
 */
export class RawServer {
  readonly sockets: Socket[] = [];
  readonly requests: RawRequest[] = [];
  private server: Server | undefined;
  port = 0;

  constructor(private readonly answer: (req: RawRequest, socket: Socket) => void) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const server = createServer((socket) => {
      const conn = this.sockets.push(socket) - 1;
      socket.on('error', () => undefined);
      let buf = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        for (;;) {
          const end = buf.indexOf('\r\n\r\n');
          if (end === -1) return;
          const head = buf.toString('latin1', 0, end);
          const len = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
          if (buf.length < end + 4 + len) return;
          const [method = '', path = ''] = head.slice(0, head.indexOf('\r\n')).split(' ');
          const req = { conn, method, path, headers: head, body: buf.toString('utf8', end + 4, end + 4 + len) };
          buf = buf.subarray(end + 4 + len);
          this.requests.push(req);
          this.answer(req, socket);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** An answer with a Content-Length body. */
export function ok(body: string, extra = ''): string {
  return `HTTP/1.1 200 OK\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

export const silent = pino({ level: 'silent' });

/**
 * What Http hands directRequest, built by hand: `pool` given → the lean carrier, none → node:http (the
 * reference the lean carrier is checked against).
 */
export function directHost(pool: LeanPool | undefined): DirectHost & { destroy(): void } {
  const cookies = new JarCookies(newJar());
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  return {
    userAgent: 'wxbot-test',
    log: silent,
    proxied: false,
    cookies: () => cookies,
    agents: () => agents,
    pool: () => pool,
    closing: () => false,
    arm: (spec, abort) => {
      const timeoutMs = spec.timeoutMs ?? 3000;
      let expired = false;
      const timer = setTimeout(() => {
        expired = true;
        abort();
      }, timeoutMs);
      return { timeoutMs, timedOut: () => expired, release: () => clearTimeout(timer) };
    },
    destroy: () => {
      pool?.destroy();
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
