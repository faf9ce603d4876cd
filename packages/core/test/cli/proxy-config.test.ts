import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { createSimulator, type Simulator } from '@wxbot/simulator';

import { main } from '../../src/cli/main.js';
import { makeProject } from '../config/helpers.js';
import { memoryIo } from './helpers.js';

const SLOW = 30_000;

describe('account.proxy from the config file', () => {
  let sim: Simulator | undefined;
  let dir: string | undefined;
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await sim?.close();
    for (const close of closers.splice(0)) await close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    sim = undefined;
    dir = undefined;
  });

  test(
    'wxbot login sends its requests through account.proxy, and never prints its password',
    async () => {
      const seen: string[] = [];
      const proxy = createServer((req, res) => {
        const target = new URL(req.url ?? '');
        seen.push(target.pathname);
        const up = httpRequest(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: target.pathname + target.search,
            headers: req.headers,
          },
          (r) => {
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
          },
        );
        up.on('error', () => res.destroy());
        req.pipe(up);
      });
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
      closers.push(
        () =>
          new Promise<void>((r) => {
            proxy.closeAllConnections();
            proxy.close(() => r());
          }),
      );
      const proxyUrl = `http://ops:hunter2@127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100, synccheckHoldMs: 100 });
      const p = await makeProject({ 'package.json': '{"type":"module"}' });
      dir = p.dir;
      await writeFile(
        join(p.dir, 'bot.config.json'),
        JSON.stringify({
          logging: { level: 'info' },
          account: {
            hosts: { login: sim.loginUrl, main: sim.url },
            qr: { terminal: false, pngPath: false },
            proxy: proxyUrl,
          },
          plugins: [],
        }),
      );
      const m = memoryIo(p.dir);
      expect(await main(['login'], m.io)).toBe(0);
      expect(seen).toEqual(expect.arrayContaining(['/jslogin', '/cgi-bin/mmwebwx-bin/webwxinit']));
      expect(m.out()).toContain('requests go through http://***@127.0.0.1:');
      expect(m.out() + m.err()).not.toContain('hunter2');
    },
    SLOW,
  );
});
