import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import { connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import type { Simulator } from '@wxbot/simulator';

import { bypassesProxy, proxyAgents, proxyRoutes } from '../../src/client/proxy.js';
import type { IncomingMessage } from '../../src/client/types.js';
import { captureLogger, newClient, startSim, tempDir, waitFor } from './helpers.js';

/** A real HTTP proxy on 127.0.0.1: forwards absolute-URI requests, tunnels CONNECT, and counts both. */
async function countingProxy() {
  const forwarded: string[] = [];
  const tunnels: string[] = [];
  const auth: (string | undefined)[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    auth.push(req.headers['proxy-authorization']);
    if (!req.url?.startsWith('http://')) {
      res.writeHead(400).end('absolute URI expected');
      return;
    }
    const target = new URL(req.url);
    forwarded.push(target.pathname);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: target.pathname + target.search, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    auth.push(req.headers['proxy-authorization']);
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = netConnect({ host, port: Number(port) }, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded,
    tunnels,
    auth,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('proxy settings', () => {
  test('the environment decides unless account.proxy says otherwise; NO_PROXY always applies', () => {
    expect(proxyRoutes(undefined, {})).toBeUndefined();
    const env = { https_proxy: 'http://p:1', HTTP_PROXY: 'proxy.example:3128', NO_PROXY: 'localhost, .internal' };
    const routes = proxyRoutes(undefined, env)!;
    expect(routes.https?.href).toBe('http://p:1/');
    expect(routes.http?.href).toBe('http://proxy.example:3128/');
    expect(routes.noProxy).toEqual(['localhost', '.internal']);
    expect(proxyRoutes(false, env)).toBeUndefined();
    const explicit = proxyRoutes('http://u:s3cret@q:8080', env)!;
    expect(explicit.http?.host).toBe('q:8080');
    expect(explicit.https?.host).toBe('q:8080');
    expect(explicit.noProxy).toEqual(['localhost', '.internal']);
    expect(() => proxyRoutes(undefined, { HTTPS_PROXY: 'socks5://x:1' })).toThrow(
      'HTTPS_PROXY uses socks5:// proxies, which are not supported',
    );
    expect(() => proxyRoutes('http://[bad', {})).toThrow('account.proxy is not a proxy URL');
  });

  test('NO_PROXY matches hosts, domains, ports and *', () => {
    expect(bypassesProxy('wx.qq.com', 443, ['qq.com'])).toBe(true);
    expect(bypassesProxy('wx.qq.com', 443, ['.qq.com'])).toBe(true);
    expect(bypassesProxy('qq.com', 443, ['*.qq.com'])).toBe(true);
    expect(bypassesProxy('notqq.com', 443, ['qq.com'])).toBe(false);
    expect(bypassesProxy('127.0.0.1', 8080, ['127.0.0.1:8080'])).toBe(true);
    expect(bypassesProxy('127.0.0.1', 8081, ['127.0.0.1:8080'])).toBe(false);
    expect(bypassesProxy('::1', 80, ['::1'])).toBe(true);
    expect(bypassesProxy('::1', 80, ['[::1]:80'])).toBe(true);
    expect(bypassesProxy('anything', 1, ['*'])).toBe(true);
  });
});

describe('requests through a proxy', () => {
  let sim: Simulator | undefined;
  let proxy: Awaited<ReturnType<typeof countingProxy>> | undefined;
  const tmp = tempDir();
  const saved = { ...process.env };
  afterEach(async () => {
    for (const k of ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy'])
      if (saved[k] === undefined) Reflect.deleteProperty(process.env, k);
      else process.env[k] = saved[k];
    await sim?.close();
    await proxy?.close();
    sim = undefined;
    proxy = undefined;
  });
  afterAll(() => tmp.cleanup());

  test('HTTP_PROXY carries the login, the long polls, a sync, a send, an upload and a download; the password is never logged', async () => {
    sim = await startSim();
    proxy = await countingProxy();
    process.env['HTTP_PROXY'] = proxy.url.replace('http://', 'http://bob:pa55word@');
    delete process.env['http_proxy'];
    delete process.env['NO_PROXY'];
    delete process.env['no_proxy'];
    const log = captureLogger('debug');
    const client = newClient(sim, tmp.dir, { logger: log.logger });
    const got: IncomingMessage[] = [];
    client.setMessageHandler(async (m) => {
      got.push(m);
    });
    try {
      await client.start();
      const friend = [...client.contacts.all()].find((c) => c.kind === 'friend')!;
      sim.send({ from: sim.stableIdOf(friend.userName)!, kind: 'image', size: 2048 });
      await waitFor(() => got.length > 0, 'the image, by sync');
      await client.sendText(friend.userName, 'via the proxy');
      await client.sendFile(friend.userName, Buffer.from('a file through the proxy'), 'notes.txt');
      const bytes: Buffer[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _e, cb) {
          bytes.push(chunk);
          cb();
        },
      });
      const downloaded = await client.download(got[0]!.raw, { stream: sink });
      expect(downloaded.bytes).toBeGreaterThan(0);
    } finally {
      await client.stop();
    }
    const seen = new Set(proxy.forwarded.map((p) => p.split('/').at(-1)));
    for (const endpoint of [
      'jslogin',
      'login',
      'webwxinit',
      'synccheck',
      'webwxsync',
      'webwxsendmsg',
      'webwxuploadmedia',
      'webwxsendappmsg',
      'webwxgetmsgimg',
    ])
      expect([endpoint, seen.has(endpoint)]).toEqual([endpoint, true]);
    expect(proxy.auth.every((a) => a === `Basic ${Buffer.from('bob:pa55word').toString('base64')}`)).toBe(true);
    expect(sim.actions().some((a) => a.endpoint === 'webwxsendmsg' && a.content === 'via the proxy')).toBe(true);
    const logText = log.lines.join('\n');
    expect(logText).toContain('requests go through http://***@127.0.0.1:');
    expect(logText).not.toContain('pa55word');
  });

  test('NO_PROXY=127.0.0.1 goes direct; account.proxy=false ignores the environment', async () => {
    sim = await startSim();
    proxy = await countingProxy();
    process.env['HTTP_PROXY'] = proxy.url;
    process.env['NO_PROXY'] = '127.0.0.1';
    const direct = newClient(sim, tmp.dir);
    try {
      await direct.start();
    } finally {
      await direct.stop();
    }
    delete process.env['NO_PROXY'];
    const off = newClient(sim, tmp.dir, { proxy: false });
    try {
      await off.start();
    } finally {
      await off.stop();
    }
    expect(proxy.forwarded).toEqual([]);
    expect(proxy.tunnels).toEqual([]);
    // The same environment without NO_PROXY does use it (the proxy is live).
    const via = newClient(sim, tmp.dir);
    try {
      await via.start();
    } finally {
      await via.stop();
    }
    expect(proxy.forwarded.length).toBeGreaterThan(0);
  });

  test('https goes through a CONNECT tunnel, TLS checked end to end', async () => {
    const keyFile = join(tmp.dir, 'key.pem');
    const certFile = join(tmp.dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: 'ignore' },
    );
    const cert = readFileSync(certFile);
    const server = createHttpsServer({ key: readFileSync(keyFile), cert }, (_req, res) => res.end('secret page'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    proxy = await countingProxy();
    const agents = proxyAgents(proxyRoutes(proxy.url.replace('http://', 'http://u:p@'), {})!);
    try {
      const port = (server.address() as AddressInfo).port;
      for (const host of ['127.0.0.1', 'localhost']) {
        const body = await new Promise<string>((resolve, reject) => {
          const req = httpsRequest({ host, port, path: '/', agent: agents.https, ca: cert }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (text += c));
            res.on('end', () => resolve(text));
          });
          req.on('error', reject);
          req.end();
        });
        expect(body).toBe('secret page');
      }
      expect(proxy.tunnels).toEqual([`127.0.0.1:${port}`, `localhost:${port}`]);
      expect(proxy.auth).toEqual([`Basic ${Buffer.from('u:p').toString('base64')}`, expect.any(String)]);
      // A certificate the client does not trust is refused inside the tunnel, too.
      await expect(
        new Promise((resolve, reject) => {
          const req = httpsRequest({ host: 'localhost', port, path: '/', agent: agents.https }, resolve);
          req.on('error', reject);
          req.end();
        }),
      ).rejects.toThrow(/self[- ]signed/i);
    } finally {
      agents.https.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
