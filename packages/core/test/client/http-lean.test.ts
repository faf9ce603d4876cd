import { gzipSync, deflateSync } from 'node:zlib';

import { subscribe, unsubscribe } from 'node:diagnostics_channel';

import { directRequest, LEAN_REQUEST_START } from '../../src/client/http-direct.js';
import { LeanPool } from '../../src/client/http-lean-pool.js';
import { directHost, ok, RawServer } from './http-lean-helpers.js';

type Outcome =
  { status: number; text: string; type?: string | null } | { error: string; message: string; code?: unknown };

/** One POST through the given carrier to a raw server that answers with `answer` (then closes, if asked). */
async function outcome(lean: boolean, answer: Buffer, close: boolean): Promise<Outcome> {
  const srv = await new RawServer((_req, socket) => {
    socket.write(answer);
    if (close) setTimeout(() => socket.end(), 20);
  }).start();
  const pool = lean ? new LeanPool() : undefined;
  const host = directHost(pool);
  try {
    const res = await directRequest(host, { endpoint: 'webwxsync', url: `${srv.url}/sync?skey=x`, json: { a: 1 } });
    return { status: res.status, text: res.text, type: res.headers.get('Content-Type') };
  } catch (err) {
    // node's own errors come from another realm than jest's, where `describe()` cannot tell them for Errors
    // (it writes "Error: " and no code): compared without that, and their codes compared through the cause.
    const message = (err as Error).message.replace(/^(\w+: )Error: /, '$1').replace(/ \([A-Z_]+\)$/, '');
    const cause = (err as Error).cause as { code?: unknown } | undefined;
    return { error: (err as Error).name, message, code: cause?.code };
  } finally {
    // The lean carrier did carry it (and node:http did not touch the pool).
    if (lean) expect(pool?.sockets().size).toBe(1);
    host.destroy();
    await srv.close();
  }
}

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const gz = gzipSync('{"gz":"雪"}');

/** Answers both carriers must treat alike: [name, bytes, server closes after writing]. */
const ANSWERS: [string, Buffer, boolean][] = [
  ['content-length', b(ok('{"ok":1}', 'Content-Type: application/json\r\n')), false],
  [
    'chunked with extensions and trailers',
    b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\n'),
    false,
  ],
  [
    'gzip, chunked',
    Buffer.concat([
      b(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n${gz.length.toString(16)}\r\n`),
      gz,
      b('\r\n0\r\n\r\n'),
    ]),
    false,
  ],
  [
    'deflate',
    Buffer.concat([
      b(`HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: ${deflateSync('x').length}\r\n\r\n`),
      deflateSync('x'),
    ]),
    false,
  ],
  ['bad gzip', b(ok('not gzip', 'Content-Encoding: gzip\r\n')), false],
  ['delimited by the close', b('HTTP/1.1 200 OK\r\n\r\nuntil the close'), true],
  ['HTTP/1.0', b('HTTP/1.0 200 OK\r\n\r\nold'), true],
  ['100 Continue first', b(`HTTP/1.1 100 Continue\r\n\r\n${ok('after')}`), false],
  ['404', b('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'), false],
  ['502', b('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 3\r\n\r\nbad'), false],
  ['body cut short', b('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab'), true],
  ['chunked cut short', b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab'), true],
  ['closed before any answer', b(''), true],
  ['head cut short', b('HTTP/1.1 200 OK\r\nContent-Le'), true],
  ['garbage', b('garbage\r\n\r\n'), false],
  ['bad status', b('HTTP/1.1 2x0 OK\r\n\r\n'), false],
  ['bad header', b('HTTP/1.1 200 OK\r\nBad Header: 1\r\n\r\n'), false],
  ['bad header value', b('HTTP/1.1 200 OK\r\nX: a\x01b\r\n\r\n'), false],
  ['bad chunk size', b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'), false],
  // The edges of what a head may hold (the parser checks a whole head in one scan, line by line only when
  // that scan refuses it): every token character in a name, tabs, colons and bytes above 0x7F in a value,
  // empty values, no reason phrase, odd bytes in one; and just past them.
  [
    'every legal byte of a head',
    b(
      "HTTP/1.1 200 \x01any\ttext\xe9\r\n!#$%&'*+-.^_`|~09AZaz: 1\r\nX-Empty:\r\nX-Tabs:\t\tv\t\r\n" +
        'Content-Type: text/plain;\tq=1: x\xa0\xff\x80 \r\nContent-Length: 2\r\n\r\nok',
    ),
    false,
  ],
  ['no reason phrase', b('HTTP/1.1 200\r\nContent-Type: a\r\nContent-Length: 2\r\n\r\nok'), false],
  ['DEL in a value', b('HTTP/1.1 200 OK\r\nContent-Type: a\x7fb\r\nContent-Length: 2\r\n\r\nok'), false],
  ['bare CR in a value', b('HTTP/1.1 200 OK\r\nContent-Type: a\rb\r\nContent-Length: 2\r\n\r\nok'), false],
  ['bare CR in the reason', b('HTTP/1.1 200 O\rK\r\nContent-Length: 2\r\n\r\nok'), false],
  ['bare CR in a name', b('HTTP/1.1 200 OK\r\nX\rY: 1\r\nContent-Length: 2\r\n\r\nok'), false],
  ['bare LF in a value', b('HTTP/1.1 200 OK\r\nContent-Type: a\nb\r\nContent-Length: 2\r\n\r\nok'), false],
  ['no colon', b('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Nothing\r\n\r\nok'), false],
  ['HTTP/2.0 status line', b('HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nok'), false],
  ['length and chunked', b('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n'), false],
  ['duplicate length', b('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx'), false],
  ['bare LF', b('HTTP/1.1 200 OK\nContent-Length: 2\n\nok'), true],
  ['header overflow', b(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(17_000)}\r\nContent-Length: 0\r\n\r\n`), false],
];

describe('the lean carrier answers as node:http does', () => {
  it.each(ANSWERS)('%s', async (_name, answer, close) => {
    const node = await outcome(false, answer, close);
    const lean = await outcome(true, answer, close);
    expect(lean).toEqual(node);
  });

  it('names the endpoint in a malformed answer’s error, with the parser’s code', async () => {
    const srv = await new RawServer((_req, socket) => socket.end('garbage\r\n\r\n')).start();
    const host = directHost(new LeanPool());
    try {
      await expect(
        directRequest(host, { endpoint: 'webwxsync', url: `${srv.url}/sync`, json: {} }),
      ).rejects.toMatchObject({
        name: 'NetworkError',
        message: 'webwxsync: Parse Error: Expected HTTP/, RTSP/ or ICE/ (HPE_INVALID_CONSTANT)',
      });
      await expect(directRequest(host, { endpoint: 'synccheck', url: `${srv.url}/check` })).rejects.toMatchObject({
        name: 'NetworkError',
        message: 'synccheck: Parse Error: Expected HTTP/, RTSP/ or ICE/ (HPE_INVALID_CONSTANT)',
      });
    } finally {
      host.destroy();
      await srv.close();
    }
  });

  it('announces each lean request on a diagnostics channel (node:http’s own never fires for it), redacted', async () => {
    const srv = await new RawServer((_req, socket) => socket.write(ok('{}'))).start();
    const host = directHost(new LeanPool());
    const seen: unknown[] = [];
    const listen = (message: unknown): void => {
      seen.push(message);
    };
    subscribe(LEAN_REQUEST_START, listen);
    try {
      await directRequest(host, {
        endpoint: 'login',
        url: `${srv.url}/cgi-bin/mmwebwx-bin/login?tip=1&uuid=QR-SECRET&skey=%40crypt_SECRET`,
      });
      expect(seen).toHaveLength(1);
      const { path, ...rest } = seen[0] as { path: string };
      expect(rest).toEqual({ method: 'GET', host: `127.0.0.1:${srv.port}` });
      expect(path.startsWith('/cgi-bin/mmwebwx-bin/login?tip=1&')).toBe(true);
      expect(path).not.toMatch(/SECRET/);
    } finally {
      unsubscribe(LEAN_REQUEST_START, listen);
      host.destroy();
      await srv.close();
    }
  });
});
