import { maxHeaderSize } from 'node:http';

import type { ResponseHeaders } from './http-shapes.js';

/*
 * The lean carrier's HTTP/1.1 response parser (decision 0036, lean HTTP carrier): one per connection,
 * reset per request, fed the socket's chunks as they come. It accepts what node 20's llhttp accepts in
 * its default (strict) mode for the answers the API gives and rejects the rest with llhttp's own messages
 * and codes ("Parse Error: …", HPE_*), so a malformed answer fails a request exactly as it did through
 * node:http: same NetworkError, same text.
 */

/** A malformed answer, worded as node:http words it. */
export function parseError(reason: string, code: string): Error {
  return Object.assign(new Error(`Parse Error: ${reason}`), { code });
}

/** The connection ended under a request, worded as node:http words it (both ECONNRESET). */
export function connReset(message: 'socket hang up' | 'aborted'): Error {
  return Object.assign(new Error(message), { code: 'ECONNRESET' });
}

/**
 * Header names node keeps the first of when a server repeats them (IncomingMessage's `_addHeaderLine`);
 * `set-cookie` is kept as a list; any other repeated header is joined with `, `.
 */
const FIRST_WINS = new Set([
  'content-type',
  'content-length',
  'user-agent',
  'referer',
  'host',
  'authorization',
  'proxy-authorization',
  'if-modified-since',
  'if-unmodified-since',
  'from',
  'location',
  'max-forwards',
  'retry-after',
  'etag',
  'last-modified',
  'server',
  'age',
  'expires',
]);

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What node's parser refuses inside a header value: control characters other than tab. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;
const STATUS_LINE = /^HTTP\/(\d)\.(\d) (\d{3})(?: [^\r\n]*)?$/;
/**
 * A whole head that the line-by-line checks below would pass (every answer the API gives): one scan of the
 * head instead of a CR check, a status-line match and two matches per header line, which were most of the
 * parser's CPU in the steady bench. Its groups are STATUS_LINE's. A head it refuses takes the line-by-line
 * checks, which name what is wrong as llhttp does.
 */
const PLAIN_HEAD =
  /^HTTP\/(\d)\.(\d) (\d{3})(?: [^\r\n]*)?(?:\r\n[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[\t\x20-\x7e\x80-\xff]*)*$/;
const CLOSE_TOKEN = /(?:^|,)[ \t]*close[ \t]*(?:,|$)/i;
const CRLF = Buffer.from('\r\n');
const CRLF2 = Buffer.from('\r\n\r\n');
/** A chunk size line (hex digits, then maybe `;extensions`) longer than this is not a chunk size. */
const MAX_SIZE_LINE = 4096;

/** One answer's status and headers: lower-case names, as node's `res.headers` holds them. */
export class LeanHead implements ResponseHeaders {
  constructor(
    readonly status: number,
    readonly fields: Map<string, string | string[]>,
  ) {}

  /** A header as node gives it (`set-cookie` a list, any other one string), by lower-case name. */
  field(name: string): string | string[] | undefined {
    return this.fields.get(name);
  }

  /** The headers as callers read them (this object: no copy). */
  view(): ResponseHeaders {
    return this;
  }

  get(name: string): string | null {
    const v = this.fields.get(name.toLowerCase());
    return v === undefined ? null : typeof v === 'string' ? v : v.join(', ');
  }
}

/** Where a parsed answer goes: its head once, then its body's bytes. */
export interface ParsedSink {
  head(head: LeanHead): void;
  data(chunk: Buffer): void;
}

const HEAD = 0;
const LENGTH = 1;
const UNTIL_CLOSE = 2;
const SIZE = 3;
const DATA = 4;
const DATA_END = 5;
const TRAILER = 6;
const DONE = 7;

/** An incremental response parser: `feed()` until it returns true (the answer is complete). */
export class ResponseParser {
  private state: number = DONE;
  private carry: Buffer | undefined;
  private remaining = 0;
  private trailerBytes = 0;
  private keepAlive = false;
  /** Some byte of this answer arrived: a connection lost now lost an answer, not just a request. */
  started = false;
  /** The head was handed on: a connection lost now cut the body short. */
  headDone = false;
  /** Bytes followed the complete answer (nothing was asked for them): the connection is not reusable. */
  extra = false;

  constructor(
    private sink: ParsedSink,
    private readonly limit: number = maxHeaderSize,
  ) {}

  /** Ready for the next request's answer. */
  reset(sink: ParsedSink): void {
    this.sink = sink;
    this.state = HEAD;
    this.carry = undefined;
    this.started = false;
    this.headDone = false;
    this.extra = false;
    this.keepAlive = false;
  }

  /** The answer is complete and the connection may carry another request. */
  get reusable(): boolean {
    return this.state === DONE && this.keepAlive && !this.extra;
  }

  /** Takes one chunk from the socket; true once the answer is complete. Throws a parse error. */
  feed(chunk: Buffer): boolean {
    this.started = true;
    let buf = chunk;
    if (this.carry !== undefined) {
      buf = Buffer.concat([this.carry, chunk]);
      this.carry = undefined;
    }
    let off = 0;
    for (;;) {
      switch (this.state) {
        case HEAD: {
          const end = buf.indexOf(CRLF2, off);
          if (end === -1) {
            if (buf.length - off > this.limit) throw parseError('Header overflow', 'HPE_HEADER_OVERFLOW');
            // A head in lines ending in a bare LF never ends in CRLF CRLF: refused now, as llhttp does.
            checkCr(buf.toString('latin1', off));
            this.keep(buf, off);
            return false;
          }
          if (end - off > this.limit) throw parseError('Header overflow', 'HPE_HEADER_OVERFLOW');
          const head = this.parseHead(buf.toString('latin1', off, end));
          off = end + 4;
          // 1xx interim answers (100 Continue, 103 Early Hints) precede the real one: skipped, as node does.
          if (head === undefined) continue;
          this.headDone = true;
          this.sink.head(head);
          if ((this.state as number) === DONE) return this.complete(buf, off);
          continue;
        }
        case LENGTH:
        case DATA: {
          const n = Math.min(this.remaining, buf.length - off);
          if (n > 0) {
            this.sink.data(off === 0 && n === buf.length ? buf : buf.subarray(off, off + n));
            off += n;
            this.remaining -= n;
          }
          if (this.remaining > 0) return false;
          if (this.state === LENGTH) {
            this.state = DONE;
            return this.complete(buf, off);
          }
          this.state = DATA_END;
          continue;
        }
        case UNTIL_CLOSE:
          if (off < buf.length) this.sink.data(off === 0 ? buf : buf.subarray(off));
          return false;
        case SIZE: {
          const end = buf.indexOf(CRLF, off);
          if (end === -1) {
            if (buf.length - off > MAX_SIZE_LINE) throw parseError('Chunk size overflow', 'HPE_INVALID_CHUNK_SIZE');
            this.keep(buf, off);
            return false;
          }
          this.remaining = chunkSize(buf.toString('latin1', off, end));
          off = end + 2;
          if (this.remaining === 0) {
            this.state = TRAILER;
            this.trailerBytes = 0;
          } else this.state = DATA;
          continue;
        }
        case DATA_END: {
          if (buf.length - off < 2) {
            this.keep(buf, off);
            return false;
          }
          if (buf[off] !== 13 || buf[off + 1] !== 10) throw parseError('Expected LF after chunk data', 'HPE_STRICT');
          off += 2;
          this.state = SIZE;
          continue;
        }
        case TRAILER: {
          // Trailer fields are read past and dropped (the API sends none; node would not merge them into
          // `headers` either), their size counted against the header limit as node does.
          const end = buf.indexOf(CRLF, off);
          if (end === -1) {
            if (this.trailerBytes + buf.length - off > this.limit)
              throw parseError('Header overflow', 'HPE_HEADER_OVERFLOW');
            this.keep(buf, off);
            return false;
          }
          this.trailerBytes += end - off + 2;
          if (this.trailerBytes > this.limit) throw parseError('Header overflow', 'HPE_HEADER_OVERFLOW');
          const empty = end === off;
          off = end + 2;
          if (empty) {
            this.state = DONE;
            return this.complete(buf, off);
          }
          continue;
        }
        default:
          // DONE: anything more is an answer nobody asked for.
          if (off < buf.length) this.extra = true;
          return true;
      }
    }
  }

  /**
   * The server ended the connection. True if that completes the answer (a body delimited by the close);
   * otherwise throws what node:http reports: "socket hang up" before the head, "aborted" inside the body.
   */
  eof(): boolean {
    if (this.state === UNTIL_CLOSE) {
      this.state = DONE;
      this.keepAlive = false;
      return true;
    }
    if (this.state === DONE) return true;
    throw connReset(this.headDone ? 'aborted' : 'socket hang up');
  }

  private complete(buf: Buffer, off: number): boolean {
    if (off < buf.length) this.extra = true;
    return true;
  }

  /** Holds an unfinished line for the next chunk (copied: a slice would pin the socket's 64 KiB read buffer). */
  private keep(buf: Buffer, off: number): void {
    if (off < buf.length) this.carry = Buffer.from(buf.subarray(off));
  }

  /** Parses a head; undefined for a 1xx interim answer. Sets the body's framing. */
  private parseHead(text: string): LeanHead | undefined {
    let eol = text.indexOf('\r\n');
    const plain = PLAIN_HEAD.exec(text);
    const m = plain ?? statusLine(text, eol);
    const status = Number(m[3]);
    const fields = new Map<string, string | string[]>();
    let length: number | undefined;
    while (eol !== -1) {
      const start = eol + 2;
      eol = text.indexOf('\r\n', start);
      const entry = eol === -1 ? text.slice(start) : text.slice(start, eol);
      const colon = entry.indexOf(':');
      const name = colon === -1 ? '' : entry.slice(0, colon);
      if (plain === null && !TOKEN.test(name)) throw parseError('Invalid header token', 'HPE_INVALID_HEADER_TOKEN');
      const value = trimOws(entry.slice(colon + 1));
      const bad = plain === null ? BAD_VALUE.exec(value) : null;
      if (bad !== null)
        throw bad[0] === '\r'
          ? parseError('Missing expected LF after header value', 'HPE_LF_EXPECTED')
          : parseError('Invalid header value char', 'HPE_INVALID_HEADER_TOKEN');
      const key = name.toLowerCase();
      if (key === 'content-length') {
        if (length !== undefined) throw parseError('Duplicate Content-Length', 'HPE_UNEXPECTED_CONTENT_LENGTH');
        length = contentLength(value);
      }
      const had = fields.get(key);
      if (had === undefined) fields.set(key, key === 'set-cookie' ? [value] : value);
      else if (typeof had !== 'string') had.push(value);
      else if (!FIRST_WINS.has(key)) fields.set(key, `${had}, ${value}`);
    }
    if (status >= 100 && status < 200 && status !== 101) return undefined;
    const te = fields.get('transfer-encoding');
    if (te !== undefined && length !== undefined)
      throw parseError("Transfer-Encoding can't be present with Content-Length", 'HPE_INVALID_TRANSFER_ENCODING');
    const connection = fields.get('connection');
    this.keepAlive =
      m[1] === '1' &&
      m[2] === '1' &&
      status !== 101 &&
      !(typeof connection === 'string' && CLOSE_TOKEN.test(connection));
    if (status === 204 || status === 304 || status === 101) this.state = DONE;
    else if (typeof te === 'string') {
      // Only a final `chunked` coding frames the body; any other coding leaves it delimited by the close.
      const last = te
        .slice(te.lastIndexOf(',') + 1)
        .trim()
        .toLowerCase();
      this.state = last === 'chunked' ? SIZE : UNTIL_CLOSE;
    } else if (length !== undefined) {
      this.remaining = length;
      this.state = length === 0 ? DONE : LENGTH;
    } else this.state = UNTIL_CLOSE;
    if (this.state === UNTIL_CLOSE) this.keepAlive = false;
    return new LeanHead(status, fields);
  }
}

/** The status line of a head PLAIN_HEAD refused (`eol`: its first CRLF), checked as llhttp checks it; throws. */
function statusLine(text: string, eol: number): RegExpExecArray {
  checkCr(text);
  const line = eol === -1 ? text : text.slice(0, eol);
  const m = STATUS_LINE.exec(line);
  if (m !== null) return m;
  // A CR not followed by LF ends the status line early, which llhttp words so.
  if (/^HTTP\/\d\.\d \d{3}(?: [^\r]*)?\r/.test(line)) throw parseError('Expected LF after CR', 'HPE_STRICT');
  if (!line.startsWith('HTTP/')) throw parseError('Expected HTTP/, RTSP/ or ICE/', 'HPE_INVALID_CONSTANT');
  if (!/^HTTP\/\d\.\d /.test(line)) throw parseError('Invalid HTTP version', 'HPE_INVALID_VERSION');
  throw parseError('Invalid status code', 'HPE_INVALID_STATUS');
}

/** node 20's llhttp is strict: every line of a head ends in CRLF, never in a bare LF. */
function checkCr(text: string): void {
  for (let lf = text.indexOf('\n'); lf !== -1; lf = text.indexOf('\n', lf + 1)) {
    if (lf > 0 && text.charCodeAt(lf - 1) === 13) continue;
    const first = text.lastIndexOf('\n', lf - 1) === -1;
    throw parseError(`Missing expected CR after ${first ? 'response line' : 'header value'}`, 'HPE_CR_EXPECTED');
  }
}

function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

function contentLength(value: string): number {
  if (value === '') throw parseError('Empty Content-Length', 'HPE_INVALID_CONTENT_LENGTH');
  if (!/^\d{1,15}$/.test(value)) throw parseError('Invalid character in Content-Length', 'HPE_INVALID_CONTENT_LENGTH');
  return Number(value);
}

/** A chunk size line: hex digits, optionally `;extensions` (ignored, as node ignores them). */
function chunkSize(line: string): number {
  const semi = line.indexOf(';');
  const hex = semi === -1 ? line : line.slice(0, semi);
  if (!/^[0-9A-Fa-f]+$/.test(hex)) throw parseError('Invalid character in chunk size', 'HPE_INVALID_CHUNK_SIZE');
  if (hex.replace(/^0+/, '').length > 13) throw parseError('Chunk size overflow', 'HPE_INVALID_CHUNK_SIZE');
  return parseInt(hex, 16);
}
