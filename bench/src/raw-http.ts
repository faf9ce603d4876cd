/**
 * The least a Node client can do per API request (the floor bot's carrier): keep-alive sockets, one
 * `socket.write` of head and body per request, the answer read by Content-Length or chunked framing and
 * decoded once. No redirects, no compression (it never asks for it), no cookies of its own, no timeouts:
 * it exists to measure a floor against the simulator, never to talk to a real server.
 */
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  status: number;
  /** The status line and headers, as sent (latin1). */
  head: string;
  body: string;
}

interface Waiting {
  resolve: (a: RawAnswer) => void;
  reject: (e: Error) => void;
}

/** One keep-alive socket carrying one request at a time. */
class RawConn {
  readonly socket: Socket;
  private buf: Buffer = Buffer.alloc(0);
  private waiting: Waiting | undefined;

  constructor(
    host: string,
    port: number,
    private readonly onIdle: (c: RawConn) => void,
    private readonly onGone: (c: RawConn) => void,
  ) {
    this.socket = connect(port, host);
    this.socket.setNoDelay(true);
    this.socket.on('data', (d: Buffer) => this.read(d));
    let dead = false;
    const gone = (err?: Error): void => {
      if (dead) return;
      dead = true;
      this.onGone(this);
      const w = this.waiting;
      this.waiting = undefined;
      w?.reject(err ?? new Error('socket closed'));
    };
    this.socket.on('error', gone);
    this.socket.on('close', () => gone());
  }

  send(payload: string, w: Waiting): void {
    this.waiting = w;
    this.socket.write(payload);
  }

  /**
   * An answer this floor client does not read: the request fails and the socket goes (never a throw inside
   * a socket's 'data' listener, which would take the process down).
   */
  private fail(message: string): void {
    const w = this.waiting;
    this.waiting = undefined;
    this.socket.destroy();
    w?.reject(new Error(message));
  }

  private read(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buf.toString('latin1', 0, end);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    let body: string | undefined;
    let rest = 0;
    if (length) {
      const n = Number(length[1]);
      if (this.buf.length < end + 4 + n) return;
      body = this.buf.toString('utf8', end + 4, end + 4 + n);
      rest = end + 4 + n;
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const parts: Buffer[] = [];
      let at = end + 4;
      for (;;) {
        const eol = this.buf.indexOf('\r\n', at);
        if (eol < 0) return;
        const size = parseInt(this.buf.toString('latin1', at, eol), 16);
        if (Number.isNaN(size)) {
          this.fail('raw-http: a chunk size that is not hex');
          return;
        }
        if (this.buf.length < eol + 2 + size + 2) return;
        if (size === 0) {
          rest = eol + 4;
          break;
        }
        parts.push(this.buf.subarray(eol + 2, eol + 2 + size));
        at = eol + 2 + size + 2;
      }
      body = Buffer.concat(parts).toString('utf8');
    } else {
      this.fail(`raw-http: an answer without Content-Length or chunked framing (${head.split('\r\n')[0]})`);
      return;
    }
    this.buf = this.buf.subarray(rest);
    const w = this.waiting;
    this.waiting = undefined;
    this.onIdle(this);
    w?.resolve({ status, head, body });
  }
}

/** Keep-alive sockets to one host:port; requests beyond `max` in flight wait their turn. */
export class RawHttp {
  private readonly idle: RawConn[] = [];
  private open = 0;
  private readonly queue: Array<{ payload: string; w: Waiting }> = [];
  private readonly host: string;
  private readonly port: number;

  constructor(
    origin: string,
    private readonly headers: string,
    private readonly max = 8,
  ) {
    const u = new URL(origin);
    this.host = u.hostname;
    this.port = Number(u.port || 80);
  }

  request(method: 'GET' | 'POST', path: string, body?: string): Promise<RawAnswer> {
    let payload = `${method} ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\n${this.headers}`;
    payload +=
      body === undefined
        ? '\r\n'
        : `Content-Type: application/json;charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    return new Promise((resolve, reject) => {
      const w = { resolve, reject };
      const conn = this.idle.pop();
      if (conn) conn.send(payload, w);
      else if (this.open < this.max) {
        this.open++;
        new RawConn(
          this.host,
          this.port,
          (c) => this.release(c),
          (c) => this.gone(c),
        ).send(payload, w);
      } else this.queue.push({ payload, w });
    });
  }

  private release(c: RawConn): void {
    const next = this.queue.shift();
    if (next) c.send(next.payload, next.w);
    else this.idle.push(c);
  }

  private gone(c: RawConn): void {
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    this.open--;
  }

  close(): void {
    for (const c of this.idle.splice(0)) c.socket.destroy();
  }
}
