import { LeanHead, ResponseParser, type ParsedSink } from '../../src/client/http-lean-parse.js';

/** Feeds `raw` to a fresh parser in pieces of `step` bytes; what came out, or the error thrown. */
function parse(
  raw: string | Buffer,
  step = Infinity,
  limit?: number,
): { head?: LeanHead; body: string; complete: boolean; reusable: boolean; extra: boolean; error?: Error } {
  const buf = typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw;
  let head: LeanHead | undefined;
  const chunks: Buffer[] = [];
  const sink: ParsedSink = {
    head: (h) => {
      head = h;
    },
    data: (c) => {
      chunks.push(Buffer.from(c));
    },
  };
  const p = limit === undefined ? new ResponseParser(sink) : new ResponseParser(sink, limit);
  p.reset(sink);
  let complete = false;
  try {
    for (let i = 0; i < buf.length && !complete; i += step)
      complete = p.feed(buf.subarray(i, Math.min(i + step, buf.length)));
  } catch (error) {
    return { ...(head && { head }), body: '', complete: false, reusable: false, extra: false, error: error as Error };
  }
  return {
    ...(head && { head }),
    body: Buffer.concat(chunks).toString('latin1'),
    complete,
    reusable: p.reusable,
    extra: p.extra,
  };
}

const CHUNKED =
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n' +
  '5;name=value\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: 1\r\nX-Other: 2\r\n\r\n';

describe('ResponseParser (the lean carrier)', () => {
  it('reads Content-Length and chunked bodies (extensions, trailers) split at every byte', () => {
    const cl = 'HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world';
    for (const step of [1, 2, 3, 7, Infinity]) {
      expect(parse(cl, step)).toMatchObject({ body: 'hello world', complete: true, reusable: true, extra: false });
      expect(parse(CHUNKED, step)).toMatchObject({ body: 'hello world', complete: true, reusable: true });
    }
    expect(parse(CHUNKED).head?.get('content-type')).toBe('text/plain');
  });

  it('keeps headers case-insensitive, Set-Cookie as a list, and repeats as node does', () => {
    const { head } = parse(
      'HTTP/1.1 302 Found\r\nSet-Cookie: a=1; Path=/\r\nLocation: /one\r\nset-cookie: b=2\r\nLOCATION: /two\r\n' +
        'X-A:  1 \r\nx-a:\t2\r\nContent-Length: 0\r\n\r\n',
    );
    expect(head?.status).toBe(302);
    expect(head?.field('set-cookie')).toEqual(['a=1; Path=/', 'b=2']);
    expect(head?.field('location')).toBe('/one');
    expect(head?.get('X-A')).toBe('1, 2');
    expect(head?.get('Set-Cookie')).toBe('a=1; Path=/, b=2');
    expect(head?.get('missing')).toBeNull();
  });

  it('skips 1xx interim answers; 204/304 have no body', () => {
    const r = parse(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
      5,
    );
    expect(r).toMatchObject({ body: 'ok', complete: true, reusable: true });
    expect(r.head?.status).toBe(200);
    expect(r.head?.get('link')).toBeNull();
    expect(parse('HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n')).toMatchObject({
      complete: true,
      reusable: true,
    });
    expect(parse('HTTP/1.1 304 Not Modified\r\n\r\n')).toMatchObject({ complete: true, reusable: true });
  });

  it('ends reuse on Connection: close, HTTP/1.0, bodies delimited by the close, and bytes after the answer', () => {
    expect(parse('HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 2\r\n\r\nok')).toMatchObject({
      complete: true,
      reusable: false,
    });
    expect(parse('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok')).toMatchObject({ complete: true, reusable: false });
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK')).toMatchObject({
      body: 'ok',
      complete: true,
      extra: true,
      reusable: false,
    });
    // No length, or a transfer coding that is not chunked: the body runs until the server closes.
    const sink: ParsedSink = { head: () => undefined, data: () => undefined };
    for (const raw of ['HTTP/1.1 200 OK\r\n\r\nuntil close', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx']) {
      const p = new ResponseParser(sink);
      p.reset(sink);
      expect(p.feed(Buffer.from(raw))).toBe(false);
      expect(p.eof()).toBe(true);
      expect(p.reusable).toBe(false);
    }
  });

  it('a connection ending early: "socket hang up" before the head, "aborted" inside the body', () => {
    const sink: ParsedSink = { head: () => undefined, data: () => undefined };
    const p = new ResponseParser(sink);
    p.reset(sink);
    expect(() => p.eof()).toThrow('socket hang up');
    p.reset(sink);
    p.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Le'));
    expect(p.started).toBe(true);
    expect(() => p.eof()).toThrow(expect.objectContaining({ message: 'socket hang up', code: 'ECONNRESET' }) as Error);
    p.reset(sink);
    p.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab'));
    expect(() => p.eof()).toThrow(expect.objectContaining({ message: 'aborted', code: 'ECONNRESET' }) as Error);
  });

  it('rejects malformed answers with node’s parse errors, and heads over the header limit', () => {
    const cases: [string, string, string][] = [
      ['garbage\r\n\r\n', 'Parse Error: Expected HTTP/, RTSP/ or ICE/', 'HPE_INVALID_CONSTANT'],
      ['HTTP/1.1 20x OK\r\n\r\n', 'Parse Error: Invalid status code', 'HPE_INVALID_STATUS'],
      ['HTTP/1.1 200 OK\r\nX-A : a\r\n\r\n', 'Parse Error: Invalid header token', 'HPE_INVALID_HEADER_TOKEN'],
      ['HTTP/1.1 200 OK\r\nX-A\r\n\r\n', 'Parse Error: Invalid header token', 'HPE_INVALID_HEADER_TOKEN'],
      ['HTTP/1.1 200 OK\r\nX-A: a\x00b\r\n\r\n', 'Parse Error: Invalid header value char', 'HPE_INVALID_HEADER_TOKEN'],
      [
        'HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\n',
        'Parse Error: Invalid character in Content-Length',
        'HPE_INVALID_CONTENT_LENGTH',
      ],
      [
        'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok',
        'Parse Error: Duplicate Content-Length',
        'HPE_UNEXPECTED_CONTENT_LENGTH',
      ],
      [
        'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n',
        "Parse Error: Transfer-Encoding can't be present with Content-Length",
        'HPE_INVALID_TRANSFER_ENCODING',
      ],
      [
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
        'Parse Error: Invalid character in chunk size',
        'HPE_INVALID_CHUNK_SIZE',
      ],
      [
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX',
        'Parse Error: Expected LF after chunk data',
        'HPE_STRICT',
      ],
      [
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n',
        'Parse Error: Chunk size overflow',
        'HPE_INVALID_CHUNK_SIZE',
      ],
    ];
    for (const [raw, message, code] of cases)
      for (const step of [1, Infinity]) expect(parse(raw, step).error).toMatchObject({ message, code });
    const big = `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(2000)}\r\nContent-Length: 0\r\n\r\n`;
    expect(parse(big, 100, 1024).error).toMatchObject({ code: 'HPE_HEADER_OVERFLOW' });
    expect(parse(big, Infinity, 1024).error).toMatchObject({ code: 'HPE_HEADER_OVERFLOW' });
    expect(parse(big, 100, 4096)).toMatchObject({ complete: true });
    const trailers = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: ${'a'.repeat(2000)}\r\n\r\n`;
    expect(parse(trailers, 64, 1024).error).toMatchObject({ code: 'HPE_HEADER_OVERFLOW' });
  });
});
