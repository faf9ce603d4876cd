import { jest } from '@jest/globals';
import { Socket } from 'node:net';

import { NetworkError } from '../../src/client/errors.js';
import { directRequest } from '../../src/client/http-direct.js';
import { LeanPool } from '../../src/client/http-lean-pool.js';
import { Http } from '../../src/client/http.js';
import { directHost, ok, RawServer, silent, sleep, type RawRequest } from './http-lean-helpers.js';

const servers: RawServer[] = [];
const hosts: { destroy(): void }[] = [];
async function server(answer: (req: RawRequest, socket: Socket) => void): Promise<RawServer> {
  const srv = await new RawServer(answer).start();
  servers.push(srv);
  return srv;
}
function host(pool: LeanPool | undefined): ReturnType<typeof directHost> {
  const h = directHost(pool);
  hosts.push(h);
  return h;
}

afterEach(async () => {
  for (const h of hosts.splice(0)) h.destroy();
  for (const s of servers.splice(0)) await s.close();
  jest.restoreAllMocks();
});

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !cond(); i++) await sleep(10);
}

describe('LeanPool (the lean carrier’s keep-alive sockets)', () => {
  it('reuses one socket for sequential requests and writes each request (head and body) at once', async () => {
    const srv = await server((req, socket) => socket.write(ok(`{"n":${req.body.length}}`)));
    const pool = new LeanPool();
    const h = host(pool);
    const writes = jest.spyOn(Socket.prototype, 'write');
    for (let i = 0; i < 5; i++)
      await directRequest(h, {
        endpoint: 'webwxsendmsg',
        url: `${srv.url}/send?pass_ticket=a%2Bb`,
        json: { Content: '雪' },
      });
    expect(srv.sockets.length).toBe(1);
    // The server's answers are socket writes too: the client's are the ones that start a request.
    const sent = writes.mock.calls.map(([data]) => data).filter((d) => String(d).startsWith('POST '));
    expect(sent).toHaveLength(5);
    expect(writes).toHaveBeenCalledTimes(10);
    const first = sent[0];
    expect(typeof first).toBe('string');
    expect(first).toMatch(/^POST \/send\?pass_ticket=a%2Bb HTTP\/1\.1\r\nHost: 127\.0\.0\.1:\d+\r\n/);
    expect(first).toMatch(/\r\nConnection: keep-alive\r\n\r\n\{"Content":"雪"\}$/);
    expect(srv.requests[0]!.body).toBe('{"Content":"雪"}');
    expect(pool.sockets().get(`http:127.0.0.1:${srv.port}`)).toEqual({ idle: 1, open: 1, queued: 0 });
  });

  it('opens at most maxSockets per origin and queues the rest first come first served', async () => {
    const held: [RawRequest, Socket][] = [];
    const srv = await server((req, socket) => held.push([req, socket]));
    const pool = new LeanPool(2);
    const h = host(pool);
    const all = [0, 1, 2, 3, 4].map((i) => directRequest(h, { endpoint: `e${i}`, url: `${srv.url}/r${i}` }));
    await until(() => held.length === 2);
    expect(pool.sockets().get(`http:127.0.0.1:${srv.port}`)).toEqual({ idle: 0, open: 2, queued: 3 });
    // Answer whatever is waiting, one at a time: the queued requests go out in the order they came.
    for (let answered = 0; answered < 5; answered++) {
      await until(() => held.length > 0);
      const [req, socket] = held.shift()!;
      socket.write(ok(req.path));
    }
    expect((await Promise.all(all)).map((r) => r.text)).toEqual(['/r0', '/r1', '/r2', '/r3', '/r4']);
    expect(srv.requests.map((r) => r.path)).toEqual(['/r0', '/r1', '/r2', '/r3', '/r4']);
    expect(srv.sockets.length).toBe(2);
  });

  it('closes idle sockets after idleMs, and idle sockets never keep the process alive', async () => {
    const srv = await server((_req, socket) => {
      socket.write(ok('x'));
    });
    const pool = new LeanPool(16, 100);
    const h = host(pool);
    const tcp = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    await directRequest(h, { endpoint: 'a', url: `${srv.url}/a` });
    // The server's own end stays open (and counted) until the client closes it.
    srv.sockets[0]!.unref();
    expect(tcp()).toBe(0);
    await until(() => srv.sockets[0]!.readableEnded);
    expect(srv.sockets[0]!.readableEnded).toBe(true);
    expect(pool.sockets().get(`http:127.0.0.1:${srv.port}`)).toEqual({ idle: 0, open: 0, queued: 0 });
    // A request later opens a new one.
    await directRequest(h, { endpoint: 'a', url: `${srv.url}/a` });
    expect(srv.sockets.length).toBe(2);
  });

  it('a socket the server closed while idle is not used: the next request takes a new one', async () => {
    // Answers, then closes the connection without saying so (no Connection: close).
    const srv = await server((_req, socket) => {
      socket.write(ok('{}'));
      setTimeout(() => socket.end(), 5);
    });
    const h = host(new LeanPool());
    for (let i = 0; i < 3; i++) {
      await directRequest(h, { endpoint: 'webwxsendmsg', url: `${srv.url}/send`, json: { i } });
      await sleep(30);
    }
    expect(srv.requests.map((r) => r.body)).toEqual(['{"i":0}', '{"i":1}', '{"i":2}']);
    expect(srv.sockets.length).toBe(3);
  });

  it('a reused socket dying before any byte of the answer fails the POST, never sends it again (as node:http)', async () => {
    for (const lean of [true, false]) {
      let n = 0;
      const srv = await server((_req, socket) => {
        // The first request is answered; the second arrives on the reused socket, which the server drops.
        if (n++ === 0) socket.write(ok('{}'));
        else socket.destroy();
      });
      const h = host(lean ? new LeanPool() : undefined);
      await directRequest(h, { endpoint: 'webwxsendmsg', url: `${srv.url}/send`, json: { i: 0 } });
      const err = await directRequest(h, { endpoint: 'webwxsendmsg', url: `${srv.url}/send`, json: { i: 1 } }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(NetworkError);
      expect((err as Error).message).toMatch(/^webwxsendmsg: (Error: )?socket hang up/);
      await sleep(50);
      expect(srv.requests.map((r) => r.body)).toEqual(['{"i":0}', '{"i":1}']);
      expect(srv.sockets.length).toBe(1);
    }
  });

  it('a timed-out request destroys its socket; the next request gets a new one', async () => {
    const srv = await server((req, socket) => {
      if (req.path !== '/hold') socket.write(ok('ok'));
    });
    const pool = new LeanPool();
    const h = host(pool);
    await expect(directRequest(h, { endpoint: 'synccheck', url: `${srv.url}/hold`, timeoutMs: 50 })).rejects.toThrow(
      'synccheck: timed out after 50 ms',
    );
    await until(() => srv.sockets[0]!.readableEnded);
    expect(srv.sockets[0]!.readableEnded).toBe(true);
    expect((await directRequest(h, { endpoint: 'x', url: `${srv.url}/x` })).text).toBe('ok');
    expect(srv.sockets.length).toBe(2);
  });

  it('destroy() fails the requests on its sockets and in its queue, and opens no socket for them', async () => {
    const srv = await server(() => undefined);
    const pool = new LeanPool(1);
    const h = host(pool);
    const all = [0, 1, 2].map((i) =>
      directRequest(h, { endpoint: `e${i}`, url: `${srv.url}/r${i}` }).catch((e: unknown) => (e as Error).message),
    );
    await until(() => srv.requests.length === 1);
    pool.destroy();
    expect(await Promise.all(all)).toEqual([
      'e0: socket hang up (ECONNRESET)',
      'e1: socket hang up (ECONNRESET)',
      'e2: socket hang up (ECONNRESET)',
    ]);
    await sleep(30);
    expect(srv.sockets.length).toBe(1);
    expect(pool.sockets().get(`http:127.0.0.1:${srv.port}`)).toEqual({ idle: 0, open: 0, queued: 0 });
  });

  it('Http: close() and a swapped jar close the pool’s sockets; a proxied Http has no pool', async () => {
    const srv = await server((_req, socket) => socket.write(ok('ok')));
    const http = new Http({ userAgent: 't', timeoutMs: 3000, logger: silent, proxy: false });
    hosts.push({ destroy: () => http.close() });
    await http.text({ endpoint: 'a', url: `${srv.url}/a` });
    http.jar = (await import('../../src/client/cookies.js')).newJar();
    await until(() => srv.sockets[0]!.readableEnded);
    expect(srv.sockets[0]!.readableEnded).toBe(true);
    await http.text({ endpoint: 'a', url: `${srv.url}/a` });
    expect(srv.sockets.length).toBe(2);
    http.close();
    await until(() => srv.sockets[1]!.readableEnded);
    expect(srv.sockets[1]!.readableEnded).toBe(true);
    const proxied = new Http({ userAgent: 't', timeoutMs: 3000, logger: silent, proxy: 'http://127.0.0.1:9' });
    hosts.push({ destroy: () => proxied.close() });
    expect((proxied as unknown as { pool: unknown }).pool).toBeUndefined();
  });
});
