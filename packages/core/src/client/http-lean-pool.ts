import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';

import { connReset, ResponseParser, type LeanHead, type ParsedSink } from './http-lean-parse.js';
import type { RequestOrigin } from './http-target.js';

/*
 * The lean carrier's connections (decision 0036, lean HTTP carrier): one pool per account, per origin a
 * few keep-alive sockets, one request at a time on each (no pipelining), requests beyond the limit
 * queued first come first served. It replaces node:http's Agent + ClientRequest + IncomingMessage for
 * the account's API calls when no proxy is in the way: that machinery was ~35 % of the bot's main thread
 * in bursts (issue 20 item 1), about three times what a request costs written and parsed here.
 */

/**
 * Sockets per origin. node's Agent has no limit; this one is bounded but above what the bot's own limits
 * let be in flight to one origin (16 actions by default, plus the sync and its long poll, contact fetches):
 * a queue forms only if those limits are raised far, and never because sends whose answers are lost hold
 * their sockets until they time out (syncs would then wait behind them).
 */
export const MAX_SOCKETS = 32;
/**
 * An idle socket is closed after 3–3.5 s: below node's default server keep-alive (5 s, the simulator's)
 * and far below nginx's (75 s), so the server rarely closes a socket just as a request is written on it.
 */
export const IDLE_MS = 3000;
const SWEEP_MS = 500;

/**
 * Pools holding idle sockets, swept by one unref'd timer for the whole process: a timer per account (or per
 * socket, re-armed per request) would cost every account's CPU even when idle, and a thousand accounts
 * share one process.
 */
const idlePools = new Set<LeanPool>();
let sweeper: NodeJS.Timeout | undefined;

function sweepAll(): void {
  const now = Date.now();
  for (const pool of idlePools) if (pool.sweep(now) === 0) idlePools.delete(pool);
  if (idlePools.size === 0 && sweeper !== undefined) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/** What a request gets back from the pool, in order: `head`, `data`…, then `end`; or `fail` at any point. */
export interface LeanHandler {
  head(head: LeanHead): void;
  data(chunk: Buffer): void;
  end(): void;
  fail(err: Error): void;
}

/** One request handed to the pool. `cancel()` dequeues it or destroys its socket (aborts, timeouts). */
export class LeanCall {
  /** The connection carrying it, once it has one. */
  conn: Conn | undefined;
  done = false;

  constructor(
    readonly origin: OriginPool,
    /** Head and body as one string (or one Buffer when a header needs latin1): one write. */
    readonly payload: string | Buffer,
    readonly handler: LeanHandler,
  ) {}

  cancel(): void {
    if (this.done) return;
    this.done = true;
    if (this.conn !== undefined) this.conn.abort(this);
    else this.origin.dequeue(this);
  }
}

/** The account's lean connections, per origin. */
export class LeanPool {
  private readonly origins = new Map<string, OriginPool>();
  /** destroy() ran: nothing is sent or connected any more. */
  closed = false;

  constructor(
    readonly maxSockets: number = MAX_SOCKETS,
    readonly idleMs: number = IDLE_MS,
  ) {}

  /** Sends one request (payload already built) to `origin`. */
  send(origin: RequestOrigin, payload: string | Buffer, handler: LeanHandler): LeanCall {
    const key = origin.protocol + origin.host;
    let pool = this.origins.get(key);
    if (pool === undefined) {
      pool = new OriginPool(this, origin);
      this.origins.set(key, pool);
    }
    const call = new LeanCall(pool, payload, handler);
    if (this.closed) {
      call.done = true;
      handler.fail(connReset('socket hang up'));
      return call;
    }
    pool.take(call);
    return call;
  }

  /** Open sockets per origin key, idle and busy (tests, diagnostics). */
  sockets(): Map<string, { idle: number; open: number; queued: number }> {
    const out = new Map<string, { idle: number; open: number; queued: number }>();
    for (const [k, p] of this.origins) out.set(k, { idle: p.idle.length, open: p.conns.size, queued: p.queued() });
    return out;
  }

  /** Closes every socket; requests on them fail ("socket hang up"), queued ones too. Later sends fail. */
  destroy(): void {
    this.closed = true;
    idlePools.delete(this);
    for (const pool of this.origins.values()) pool.destroy();
  }

  /** Idle sockets exist: sweep them now and then. */
  idling(): void {
    if (this.closed) return;
    idlePools.add(this);
    if (sweeper === undefined) {
      sweeper = setInterval(sweepAll, SWEEP_MS);
      sweeper.unref();
    }
  }

  /** Closes sockets idle for idleMs by `now`; returns how many stay idle. */
  sweep(now: number): number {
    let idle = 0;
    for (const pool of this.origins.values()) idle += pool.sweep(now - this.idleMs);
    return idle;
  }
}

/** One origin's sockets and queue. */
export class OriginPool {
  /** Idle sockets, the most recently used last (taken first: the others age out). */
  readonly idle: Conn[] = [];
  readonly conns = new Set<Conn>();
  private queue: LeanCall[] = [];
  private queueHead = 0;
  /** The last TLS session, offered on the next connect (resumption), as node's https Agent does. */
  tlsSession: Buffer | undefined;

  constructor(
    readonly owner: LeanPool,
    readonly origin: RequestOrigin,
  ) {}

  queued(): number {
    return this.queue.length - this.queueHead;
  }

  take(call: LeanCall): void {
    // A socket the server closed while idle (its end or close already seen) is never written to: pick another.
    for (let conn = this.idle.pop(); conn !== undefined; conn = this.idle.pop()) {
      if (conn.usable()) {
        conn.assign(call);
        return;
      }
      conn.destroy();
    }
    if (this.conns.size < this.owner.maxSockets) {
      new Conn(this).assign(call);
      return;
    }
    this.queue.push(call);
  }

  dequeue(call: LeanCall): void {
    const i = this.queue.indexOf(call, this.queueHead);
    if (i !== -1) this.queue.splice(i, 1);
  }

  /** The socket finished an answer and may carry another request: the queue's first, or it idles. */
  release(conn: Conn): void {
    const next = this.next();
    if (next !== undefined) {
      conn.assign(next);
      return;
    }
    conn.idleSince = Date.now();
    conn.socket.unref();
    this.idle.push(conn);
    this.owner.idling();
  }

  /** A socket is gone: forget it, and give a queued request a new one. */
  removed(conn: Conn): void {
    if (!this.conns.delete(conn)) return;
    const i = this.idle.indexOf(conn);
    if (i !== -1) this.idle.splice(i, 1);
    // While the pool is being destroyed, the sockets it closes must not open new ones for the queue.
    if (!this.owner.closed && this.conns.size < this.owner.maxSockets) {
      const next = this.next();
      if (next !== undefined) new Conn(this).assign(next);
    }
  }

  /** Closes sockets idle since before `before`; returns how many stay idle. */
  sweep(before: number): number {
    while (this.idle.length > 0 && this.idle[0]!.idleSince <= before) this.idle[0]!.destroy();
    return this.idle.length;
  }

  destroy(): void {
    for (const conn of [...this.conns]) conn.destroy();
    for (let call = this.next(); call !== undefined; call = this.next()) {
      call.done = true;
      call.handler.fail(connReset('socket hang up'));
    }
  }

  private next(): LeanCall | undefined {
    while (this.queueHead < this.queue.length) {
      const call = this.queue[this.queueHead++]!;
      if (this.queueHead > 32 && this.queueHead * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.queueHead);
        this.queueHead = 0;
      }
      if (!call.done) return call;
    }
    return undefined;
  }
}

/** One keep-alive socket and its parser; carries one request at a time. */
export class Conn implements ParsedSink {
  readonly socket: Socket;
  private readonly parser: ResponseParser;
  private call: LeanCall | undefined;
  private error: Error | undefined;
  private dead = false;
  idleSince = 0;

  constructor(private readonly pool: OriginPool) {
    const { protocol, hostname, port } = pool.origin;
    if (protocol === 'https:') {
      // What node's https Agent does: SNI with the host name (never an IP address), the default CAs and
      // the default identity check (tls.connect's defaults: rejectUnauthorized), the last session resumed.
      const options: ConnectionOptions = { host: hostname, port: port ?? 443 };
      if (isIP(hostname) === 0) options.servername = hostname;
      if (pool.tlsSession !== undefined) options.session = pool.tlsSession;
      const tls = tlsConnect(options);
      tls.on('session', (session: Buffer) => {
        pool.tlsSession = session;
      });
      this.socket = tls;
    } else {
      this.socket = netConnect({ host: hostname, port: port ?? 80 });
    }
    const socket = this.socket;
    // Requests are one write each and small: never hold them back for Nagle. Keep-alive probes as the Agent.
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 1000);
    this.parser = new ResponseParser(this);
    pool.conns.add(this);
    socket.on('data', (chunk: Buffer) => {
      this.onData(chunk);
    });
    socket.on('end', () => {
      this.onEnd();
    });
    socket.on('error', (err: Error) => {
      this.error ??= err;
      // A failed TLS handshake must not be retried with the session that preceded it.
      if (protocol === 'https:') pool.tlsSession = undefined;
    });
    socket.on('close', () => {
      this.onClose();
    });
  }

  /** Not known closed: writing to it cannot fail for a reason we could have seen. */
  usable(): boolean {
    return !this.dead && !this.socket.destroyed && this.socket.writable;
  }

  assign(call: LeanCall): void {
    this.call = call;
    call.conn = this;
    this.parser.reset(this);
    this.socket.ref();
    this.socket.write(call.payload);
  }

  /** The request on it was cancelled: the socket goes with it (its answer may still be on the way). */
  abort(call: LeanCall): void {
    if (this.call === call) this.call = undefined;
    this.destroy();
  }

  destroy(): void {
    if (this.dead) return;
    this.dead = true;
    this.socket.destroy();
    this.pool.removed(this);
  }

  head(head: LeanHead): void {
    if (this.call !== undefined) this.call.handler.head(head);
  }

  data(chunk: Buffer): void {
    if (this.call !== undefined) this.call.handler.data(chunk);
  }

  private onData(chunk: Buffer): void {
    const call = this.call;
    if (call === undefined) {
      // Bytes nobody asked for on an idle socket: its state is unknown, so it is not used again.
      this.destroy();
      return;
    }
    let complete: boolean;
    try {
      complete = this.parser.feed(chunk);
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (complete && this.call === call) this.complete(call);
  }

  private onEnd(): void {
    const call = this.call;
    if (call !== undefined) {
      let complete: boolean;
      try {
        complete = this.parser.eof();
      } catch (err) {
        this.fail(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (complete && this.call === call) this.complete(call);
    }
    // The server is done with this socket: never reused.
    this.destroy();
  }

  private onClose(): void {
    const call = this.call;
    if (!this.dead) {
      this.dead = true;
      this.pool.removed(this);
    }
    if (call !== undefined && this.call === call) {
      this.call = undefined;
      call.done = true;
      call.handler.fail(this.error ?? connReset(this.parser.headDone ? 'aborted' : 'socket hang up'));
    }
  }

  private complete(call: LeanCall): void {
    this.call = undefined;
    call.done = true;
    call.conn = undefined;
    if (this.parser.reusable && this.usable()) this.pool.release(this);
    else this.destroy();
    call.handler.end();
  }

  private fail(err: Error): void {
    const call = this.call;
    this.call = undefined;
    this.destroy();
    if (call !== undefined) {
      call.done = true;
      call.handler.fail(err);
    }
  }
}
