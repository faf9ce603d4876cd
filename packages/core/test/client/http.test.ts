import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { deflateSync, gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { CookieJar } from 'tough-cookie';
import { NetworkError, ProtocolError, ServerError } from '../../src/client/errors.js';
import { Http } from '../../src/client/http.js';
import { captureLogger } from './helpers.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

/** A loopback server whose routes are set per test; counts connections and requests per path. */
class TestServer {
  readonly hits = new Map<string, number>();
  connections = 0;
  private readonly routes = new Map<string, Handler>();
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  url = '';

  route(path: string, h: Handler): void {
    this.routes.set(path, h);
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
        const h = this.routes.get(path);
        if (!h) {
          res.writeHead(404).end('no route');
          return;
        }
        h(req, res, Buffer.concat(chunks));
      });
    });
    server.on('connection', (s: Socket) => {
      this.connections++;
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const silent = pino({ level: 'silent' });
const newHttp = (opts: Partial<ConstructorParameters<typeof Http>[0]> = {}): Http =>
  new Http({ userAgent: 'wxbot-test', timeoutMs: 3000, logger: silent, ...opts });

describe('Http (node:http + tough-cookie; axios for uploads and streams)', () => {
  let srv: TestServer;
  const open: Http[] = [];
  const track = (h: Http): Http => {
    open.push(h);
    return h;
  };

  beforeEach(async () => {
    srv = new TestServer();
    srv.route('/set', (req, res) => {
      const who = new URL(req.url ?? '/', 'http://x').searchParams.get('who') ?? '';
      res.writeHead(200, { 'Set-Cookie': [`wxsid=${who}-sid; Path=/`, `webwx_data_ticket=${who}-ticket; Path=/`] });
      res.end('ok');
    });
    srv.route('/echo', (req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(req.headers.cookie ?? '');
    });
    await srv.start();
  });

  afterEach(async () => {
    for (const h of open.splice(0)) h.close();
    await srv.close();
  });

  it('keeps two accounts’ cookies apart in one process', async () => {
    const a = track(newHttp());
    const b = track(newHttp());
    const c = track(newHttp());
    await a.text({ endpoint: 'set', url: `${srv.url}/set`, query: { who: 'alice' } });
    await b.text({ endpoint: 'set', url: `${srv.url}/set`, query: { who: 'bob' } });

    expect((await a.text({ endpoint: 'echo', url: `${srv.url}/echo` })).text).toBe(
      'wxsid=alice-sid; webwx_data_ticket=alice-ticket',
    );
    expect((await b.text({ endpoint: 'echo', url: `${srv.url}/echo` })).text).toBe(
      'wxsid=bob-sid; webwx_data_ticket=bob-ticket',
    );
    // A third account that never logged in sends no cookie at all.
    expect((await c.text({ endpoint: 'echo', url: `${srv.url}/echo` })).text).toBe('');
    expect((await a.jar.getCookies(srv.url)).map((k) => k.value)).toEqual(['alice-sid', 'alice-ticket']);
    expect((await b.jar.getCookies(srv.url)).map((k) => k.value)).toEqual(['bob-sid', 'bob-ticket']);
  });

  it("uploads (axios) send the jar's cookies and store the answer's, which the next API call then sends", async () => {
    srv.route('/upload', (req, res) => {
      res.writeHead(200, { 'Set-Cookie': 'after_upload=1; Path=/', 'Content-Type': 'text/plain' });
      res.end(req.headers.cookie ?? '');
      req.resume();
    });
    const http = track(newHttp());
    await http.text({ endpoint: 'set', url: `${srv.url}/set`, query: { who: 'alice' } });
    const form = new FormData();
    form.append('name', 'a.txt');
    const up = await http.text({ endpoint: 'webwxuploadmedia', url: `${srv.url}/upload`, form });
    expect(up.text).toBe('wxsid=alice-sid; webwx_data_ticket=alice-ticket');
    expect((await http.text({ endpoint: 'echo', url: `${srv.url}/echo` })).text).toBe(
      'wxsid=alice-sid; webwx_data_ticket=alice-ticket; after_upload=1',
    );
  });

  it("redirect 'manual': returns the 301 with its XML body, stores its cookies, never follows it", async () => {
    const xml = '<error><ret>0</ret><skey>@crypt_x</skey><wxsid>sid1</wxsid></error>';
    srv.route('/cgi-bin/mmwebwx-bin/webwxnewloginpage', (_req, res) => {
      res.writeHead(301, {
        Location: '/elsewhere',
        'Content-Type': 'text/plain',
        'Set-Cookie': ['wxuin=123; Path=/', 'wxsid=sid1; Path=/; HttpOnly'],
      });
      res.end(xml);
    });
    const http = track(newHttp());
    const res = await http.text({
      endpoint: 'webwxnewloginpage',
      url: `${srv.url}/cgi-bin/mmwebwx-bin/webwxnewloginpage`,
      redirect: 'manual',
    });
    expect(res.status).toBe(301);
    expect(res.text).toBe(xml);
    expect(res.headers.get('location')).toBe('/elsewhere');
    expect(res.headers.get('LOCATION')).toBe('/elsewhere');
    expect(srv.hits.get('/elsewhere')).toBeUndefined();
    expect(await http.jar.getCookieString(`${srv.url}/cgi-bin/mmwebwx-bin/webwxinit`)).toBe('wxuin=123; wxsid=sid1');
    // The next request carries them.
    expect((await http.text({ endpoint: 'echo', url: `${srv.url}/echo` })).text).toBe('wxuin=123; wxsid=sid1');
  });

  it('follows redirects by default, keeping cookies set on each hop; an unexpected 3xx is a ProtocolError', async () => {
    srv.route('/hop', (_req, res) => {
      res.writeHead(302, { Location: '/echo', 'Set-Cookie': 'hop=1; Path=/' });
      res.end();
    });
    const http = track(newHttp());
    expect((await http.text({ endpoint: 'hop', url: `${srv.url}/hop` })).text).toBe('hop=1');

    srv.route('/moved', (_req, res) => res.writeHead(304).end());
    await expect(http.text({ endpoint: 'moved', url: `${srv.url}/moved` })).rejects.toThrow(ProtocolError);
  });

  it('redirected POSTs: 302/303 become a GET without body, 307 keeps method and body; a loop is a NetworkError', async () => {
    const seen: string[] = [];
    srv.route('/target', (req, res, body) => {
      seen.push(`${req.method} ${body.toString('utf8')} ${req.headers['content-type'] ?? '-'}`);
      res.writeHead(200).end('{}');
    });
    srv.route('/p302', (_req, res) => res.writeHead(302, { Location: '/target' }).end());
    srv.route('/p307', (_req, res) => res.writeHead(307, { Location: '/target' }).end());
    srv.route('/loop', (_req, res) => res.writeHead(302, { Location: '/loop' }).end());
    const http = track(newHttp());
    await http.json({ endpoint: 'p302', url: `${srv.url}/p302`, json: { a: 1 } });
    await http.json({ endpoint: 'p307', url: `${srv.url}/p307`, json: { a: 1 } });
    expect(seen).toEqual(['GET  -', 'POST {"a":1} application/json;charset=UTF-8']);
    const err = await http.text({ endpoint: 'loop', url: `${srv.url}/loop` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as Error).message).toMatch(/loop.*more than 20 redirects/);
    expect(srv.hits.get('/loop')).toBe(21);
  });

  it('reuses one keep-alive connection for sequential requests', async () => {
    srv.route('/json', (_req, res) => res.writeHead(200).end('{}'));
    const http = track(newHttp());
    for (let i = 0; i < 20; i++) await http.json({ endpoint: 'json', url: `${srv.url}/json`, json: { i } });
    expect(srv.hits.get('/json')).toBe(20);
    expect(srv.connections).toBe(1);
  });

  it('sends each header once (the spec replaces ours by name, any case) and decodes bodies split across chunks', async () => {
    let seen: string[] = [];
    srv.route('/headers', (req, res) => {
      seen = req.rawHeaders;
      res.writeHead(200).end('ok');
    });
    // A multi-byte character cut between two writes, and a deflate body sent in two pieces.
    const snow = Buffer.from('雪', 'utf8');
    srv.route('/split', (_req, res) => {
      res.writeHead(200);
      res.write(Buffer.concat([Buffer.from('a'), snow.subarray(0, 1)]));
      setTimeout(() => res.end(Buffer.concat([snow.subarray(1), Buffer.from('b')])), 5);
    });
    const deflated = deflateSync('{"ok":"雪"}');
    srv.route('/deflate', (_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'deflate' });
      res.write(deflated.subarray(0, 4));
      setTimeout(() => res.end(deflated.subarray(4)), 5);
    });
    const http = track(newHttp());
    await http
      .json({
        endpoint: 'headers',
        url: `${srv.url}/headers`,
        json: {},
        headers: { accept: 'text/html', Referer: 'https://wx.qq.com/' },
      })
      .catch(() => undefined);
    const names = seen.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
    const value = (name: string): string | undefined => seen[names.indexOf(name) * 2 + 1];
    expect(value('accept')).toBe('text/html');
    expect(value('referer')).toBe('https://wx.qq.com/');
    expect(value('host')).toBe(new URL(srv.url).host);
    expect(value('content-type')).toBe('application/json;charset=UTF-8');
    expect(value('content-length')).toBe('2');
    expect(value('connection')).toBe('keep-alive');
    expect((await http.text({ endpoint: 'split', url: `${srv.url}/split` })).text).toBe('a雪b');
    expect((await http.text({ endpoint: 'deflate', url: `${srv.url}/deflate` })).text).toBe('{"ok":"雪"}');
    // Past 16 KiB compressed the body is inflated off the loop (zlib's async one-shot): same text.
    const big = randomBytes(48 * 1024).toString('base64');
    srv.route('/big', (_req, res) => res.writeHead(200, { 'Content-Encoding': 'gzip' }).end(gzipSync(big)));
    expect((await http.text({ endpoint: 'big', url: `${srv.url}/big` })).text).toBe(big);
  });

  it('reads bodies as text: ids above 2^53 survive json(), text() is never parsed', async () => {
    const body = '{"BaseResponse":{"Ret":0},"AddMsgList":[{"MsgId":"1","NewMsgId":9007199254740993123}]}';
    srv.route('/sync', (_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(body));
    const http = track(newHttp());
    const parsed = await http.json<{ BaseResponse: { Ret: number }; AddMsgList: Array<{ NewMsgId: unknown }> }>({
      endpoint: 'webwxsync',
      url: `${srv.url}/sync`,
      json: {},
    });
    expect(parsed.AddMsgList[0]?.NewMsgId).toBe('9007199254740993123');
    expect((await http.text({ endpoint: 'webwxsync', url: `${srv.url}/sync` })).text).toBe(body);
  });

  it('sends JSON bodies verbatim and the configured User-Agent', async () => {
    let seen: { body: string; type: string | undefined; ua: string | undefined } | undefined;
    srv.route('/send', (req, res, body) => {
      seen = { body: body.toString('utf8'), type: req.headers['content-type'], ua: req.headers['user-agent'] };
      res.writeHead(200).end('{"BaseResponse":{"Ret":0}}');
    });
    const http = track(newHttp());
    await http.json({ endpoint: 'webwxsendmsg', url: `${srv.url}/send`, json: { Msg: { Content: ' 你好 ' } } });
    expect(seen).toEqual({
      body: '{"Msg":{"Content":" 你好 "}}',
      type: 'application/json;charset=UTF-8',
      ua: 'wxbot-test',
    });
  });

  it('uploads FormData as multipart with file parts intact', async () => {
    let seen: { type: string; body: Buffer } | undefined;
    srv.route('/upload', (req, res, body) => {
      seen = { type: req.headers['content-type'] ?? '', body };
      res.writeHead(200).end('{"BaseResponse":{"Ret":0},"MediaId":"@m1"}');
    });
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    const form = new FormData();
    form.append('chunk', '0');
    form.append('filename', new Blob([bytes], { type: 'application/octet-stream' }), 'a.bin');
    const http = track(newHttp());
    const res = await http.json<{ BaseResponse: { Ret: number }; MediaId: string }>({
      endpoint: 'webwxuploadmedia',
      url: `${srv.url}/upload`,
      form,
    });
    expect(res.MediaId).toBe('@m1');
    expect(seen?.type).toMatch(/^multipart\/form-data; boundary=/);
    const text = seen?.body.toString('latin1') ?? '';
    expect(text).toContain('name="chunk"\r\n\r\n0\r\n');
    expect(text).toContain('name="filename"; filename="a.bin"');
    expect(seen?.body.includes(bytes)).toBe(true);
  });

  it('streams downloads, passing Range and exposing content-type', async () => {
    const payload = Buffer.alloc(256 * 1024, 7);
    let range: string | undefined;
    srv.route('/media', (req, res) => {
      range = req.headers.range;
      res.writeHead(206, { 'Content-Type': 'image/jpeg' }).end(payload);
    });
    const http = track(newHttp());
    const res = await http.stream({
      endpoint: 'webwxgetmsgimg',
      url: `${srv.url}/media`,
      headers: { Range: 'bytes=0-' },
    });
    const chunks: Buffer[] = [];
    for await (const c of res.body) chunks.push(c as Buffer);
    expect(range).toBe('bytes=0-');
    expect(res.status).toBe(206);
    expect(res.headers.get('Content-Type')).toBe('image/jpeg');
    expect(Buffer.concat(chunks).equals(payload)).toBe(true);

    srv.route('/gone', (_req, res) => res.writeHead(404).end('nope'));
    await expect(http.stream({ endpoint: 'webwxgetmsgimg', url: `${srv.url}/gone` })).rejects.toThrow(ProtocolError);
  });

  it('a download stalling mid-body fails with a NetworkError, not an axios error', async () => {
    srv.route('/stall', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'video/mp4' });
      res.write(Buffer.alloc(1024, 1));
      // ...and never finishes.
    });
    const http = track(newHttp());
    const res = await http.stream({
      endpoint: 'webwxgetvideo',
      url: `${srv.url}/stall`,
      query: { skey: 'SECRET' },
      timeoutMs: 150,
    });
    let got = 0;
    const err: unknown = await (async () => {
      for await (const c of res.body) got += (c as Buffer).length;
    })().catch((e: unknown) => e);
    expect(got).toBe(1024);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as Error).message).toBe('webwxgetvideo: timed out after 150 ms');
    expect(JSON.stringify(err)).not.toContain('SECRET');
    expect(((err as Error).cause as Record<string, unknown>)['config']).toBeUndefined();
  });

  it('maps statuses and Ret codes to typed errors', async () => {
    srv.route('/500', (_req, res) => res.writeHead(502).end('bad gateway'));
    srv.route('/404', (_req, res) => res.writeHead(404).end());
    srv.route('/ret', (_req, res) => res.writeHead(200).end('{"BaseResponse":{"Ret":1,"ErrMsg":"x"}}'));
    srv.route('/html', (_req, res) => res.writeHead(200).end('<html>'));
    const http = track(newHttp());
    await expect(http.text({ endpoint: 'e5', url: `${srv.url}/500` })).rejects.toMatchObject({
      name: 'NetworkError',
      message: 'e5: HTTP 502',
    });
    await expect(http.text({ endpoint: 'e4', url: `${srv.url}/404` })).rejects.toThrow(ProtocolError);
    await expect(http.json({ endpoint: 'r', url: `${srv.url}/ret` })).rejects.toThrow(ServerError);
    await expect(http.json({ endpoint: 'h', url: `${srv.url}/html` })).rejects.toThrow(/the answer is not JSON/);
  });

  it('times out, and close() cancels in-flight and later requests', async () => {
    srv.route('/hold', () => {
      // Never answers: a long poll.
    });
    const http = track(newHttp());
    await expect(http.text({ endpoint: 'synccheck', url: `${srv.url}/hold`, timeoutMs: 100 })).rejects.toThrow(
      'synccheck: timed out after 100 ms',
    );

    const pending = http.text({ endpoint: 'synccheck', url: `${srv.url}/hold`, timeoutMs: 10_000 });
    for (let i = 0; i < 100 && (srv.hits.get('/hold') ?? 0) < 2; i++) await new Promise((r) => setTimeout(r, 10));
    http.close();
    await expect(pending).rejects.toThrow('synccheck: cancelled (client stopping)');
    expect(http.closed).toBe(true);
    await expect(http.text({ endpoint: 'echo', url: `${srv.url}/echo` })).rejects.toThrow(NetworkError);
  });

  it('abortInflight() aborts long polls only (a send in flight finishes) and keeps the transport usable', async () => {
    const held: ServerResponse[] = [];
    srv.route('/hold', (_req, res) => {
      held.push(res);
    });
    const http = track(newHttp());
    const poll = http.text({ endpoint: 'synccheck', url: `${srv.url}/hold`, longPoll: true });
    const send = http.json({ endpoint: 'webwxsendmsg', url: `${srv.url}/hold`, json: { Msg: {} } });
    for (let i = 0; i < 100 && (srv.hits.get('/hold') ?? 0) < 2; i++) await new Promise((r) => setTimeout(r, 10));
    http.abortInflight();
    await expect(poll).rejects.toThrow(NetworkError);
    for (const res of held) if (!res.destroyed) res.writeHead(200).end('{"BaseResponse":{"Ret":0}}');
    await expect(send).resolves.toEqual({ BaseResponse: { Ret: 0 } });
    expect((await http.text({ endpoint: 'echo', url: `${srv.url}/echo` })).status).toBe(200);
  });

  it('a redirect to a bad or non-http Location and an empty gzip body fail or succeed cleanly', async () => {
    srv.route('/badloc', (_req, res) => res.writeHead(302, { Location: 'weixin://dl/chat' }).end());
    srv.route('/gz-empty', (_req, res) => res.writeHead(200, { 'Content-Encoding': 'gzip' }).end());
    srv.route('/gz-bad', (_req, res) => res.writeHead(200, { 'Content-Encoding': 'gzip' }).end('not gzip at all'));
    srv.route('/gz', (_req, res) => res.writeHead(200, { 'Content-Encoding': 'gzip' }).end(gzipSync('{"ok":1}')));
    const http = track(newHttp());
    await expect(http.text({ endpoint: 'badloc', url: `${srv.url}/badloc` })).rejects.toThrow(/weixin: location/);
    expect((await http.text({ endpoint: 'gz-empty', url: `${srv.url}/gz-empty` })).text).toBe('');
    expect((await http.text({ endpoint: 'gz', url: `${srv.url}/gz` })).text).toBe('{"ok":1}');
    await expect(http.text({ endpoint: 'gz-bad', url: `${srv.url}/gz-bad` })).rejects.toThrow(NetworkError);
    // The failed request's connection is not left assigned: the transport keeps working.
    expect((await http.text({ endpoint: 'echo', url: `${srv.url}/echo` })).status).toBe(200);
  });

  it('never leaks secrets: errors carry no request config, debug lines are redacted', async () => {
    const { logger, lines } = captureLogger();
    const http = track(newHttp({ logger }));
    // A closed port: connection refused.
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));

    const err: unknown = await http
      .json({
        endpoint: 'webwxinit',
        url: `http://127.0.0.1:${port}/cgi-bin/mmwebwx-bin/webwxinit`,
        query: { pass_ticket: 'PT-SECRET', skey: '@crypt_SECRET' },
        json: { BaseRequest: { Sid: 'SID-SECRET', Skey: '@crypt_SECRET' } },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as Error).message).toMatch(/^webwxinit: .*ECONNREFUSED/);
    const cause = (err as Error).cause as Record<string, unknown>;
    expect(cause).toBeInstanceOf(Error);
    expect(cause['config']).toBeUndefined();
    expect(cause['request']).toBeUndefined();
    expect(cause['code']).toBe('ECONNREFUSED');

    await http.text({ endpoint: 'set', url: `${srv.url}/set`, query: { who: 'x', skey: 'SECRET' } });
    await http.text({ endpoint: 'echo', url: `${srv.url}/echo`, query: { sid: 'SECRET' } });
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.join('\n')).not.toContain('SECRET');
  });

  it('a swapped-in jar (hot login) is the one requests use', async () => {
    const saved = new CookieJar();
    saved.setCookieSync('wxuin=999; Path=/', srv.url);
    const http = track(newHttp());
    await http.text({ endpoint: 'set', url: `${srv.url}/set`, query: { who: 'old' } });
    http.jar = CookieJar.deserializeSync(saved.serializeSync() ?? '');
    expect((await http.text({ endpoint: 'echo', url: `${srv.url}/echo` })).text).toBe('wxuin=999');
    await http.text({ endpoint: 'set', url: `${srv.url}/set`, query: { who: 'new' } });
    expect(await http.jar.getCookieString(srv.url)).toBe('wxuin=999; wxsid=new-sid; webwx_data_ticket=new-ticket');
  });
});
