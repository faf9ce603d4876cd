import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { main } from '../../src/cli/main.js';
import { makeProject } from '../config/helpers.js';
import { memoryIo, waitUntil } from './helpers.js';

const SLOW = 30_000;
const transportSrc = fileURLToPath(new URL('../../../transport-ilink/src/index.ts', import.meta.url));

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.map((c) => c()));
  cleanups = [];
});

/** A project whose bot.config.ts runs an account on iLink; @wxbot/transport-ilink is a stand-in over its source. */
async function ilinkProject(pluginsSource: string, withTransport = true): Promise<string> {
  const p = await makeProject({
    'package.json': '{"type":"module"}',
    'bot.config.ts': `import { defineConfig, definePlugin } from '@wxbot/core';
      ${pluginsSource}
      export default defineConfig({ account: { transport: 'ilink' }, logging: { level: 'info' }, plugins });`,
  });
  cleanups.push(p.cleanup);
  if (withTransport) {
    const pkg = join(p.dir, 'node_modules', '@wxbot', 'transport-ilink');
    await mkdir(pkg, { recursive: true });
    await writeFile(
      join(pkg, 'package.json'),
      JSON.stringify({ name: '@wxbot/transport-ilink', type: 'module', exports: { '.': './index.ts' } }),
    );
    await writeFile(join(pkg, 'index.ts'), `export * from ${JSON.stringify(transportSrc)};\n`);
  }
  return p.dir;
}

describe('wxbot start on an iLink account', () => {
  test(
    '--simulator logs in through the simulated QR flow and answers through the control API',
    async () => {
      const dir = await ilinkProject(`const echo = definePlugin({ name: 'echo', setup(ctx) {
        ctx.on('message:text', (m) => m.reply('echo: ' + m.text)); } });
      const plugins = [echo];`);
      const stop = new AbortController();
      const m = memoryIo(dir, stop.signal);
      const exit = main(['start', '--simulator'], m.io);
      try {
        await waitUntil(() => m.err().includes('Stop with Ctrl+C'), 'the banner', 25_000);
        expect(m.err()).toContain('iLink transport against the simulator');
        expect(m.err()).toContain('plugins: echo');
        const say = /curl -s -X POST (\S+\/say)/.exec(m.err())?.[1];
        const sentUrl = /curl -s (\S+\/sent)/.exec(m.err())?.[1];
        expect(say).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/control\/ilink\/say$/);
        const res = await fetch(say!, {
          method: 'POST',
          body: JSON.stringify({ from: 'alice@im.wechat', text: 'hi' }),
        });
        expect(res.status).toBe(200);
        // The simulator records the send; poll its control API (bounded) until the reply shows.
        let sent: { toUserId: string; text: string }[] = [];
        const deadline = Date.now() + 10_000;
        while (sent.length === 0 && Date.now() < deadline) {
          sent = (await (await fetch(sentUrl!)).json()) as typeof sent;
          if (sent.length === 0) await new Promise((r) => setTimeout(r, 20));
        }
        expect(sent).toMatchObject([{ toUserId: 'alice@im.wechat', text: 'echo: hi' }]);

        // The control plane serves the iLink account too: its console line, and the account in the API.
        const consoleLine = /wxbot console: (http:\/\/127\.0\.0\.1:\d+)\/ \(it asks for the token: (\S+)\)/.exec(
          m.err(),
        );
        expect(consoleLine).not.toBeNull();
        const token = (await readFile(consoleLine![2]!, 'utf8')).trim();
        const auth = { authorization: `Bearer ${token}` };
        const accounts = (await (await fetch(`${consoleLine![1]!}/api/accounts`, { headers: auth })).json()) as {
          items: { transport: string; qr: string }[];
        };
        expect(accounts.items).toMatchObject([{ transport: 'ilink', qr: 'logged-in' }]);
        expect(m.err()).not.toContain('serve Web WeChat accounts only');
      } finally {
        stop.abort();
      }
      expect(await exit).toBe(0);
      expect(m.out() + m.err()).not.toMatch(/scan the QR code/i);
    },
    SLOW,
  );

  test(
    'refuses a plugin that requires rooms, saying why, before any login',
    async () => {
      const dir =
        await ilinkProject(`const roomy = definePlugin({ name: 'room-keeper', requires: ['rooms'], setup() {} });
      const plugins = [roomy];`);
      const m = memoryIo(dir);
      expect(await main(['start', '--simulator'], m.io)).toBe(1);
      expect(m.err()).toMatch(/room-keeper.*"rooms".*"ilink" transport/);
      expect(m.err()).not.toContain('Stop with Ctrl+C');
    },
    SLOW,
  );

  test(
    'runs a Web account and an iLink account side by side (accounts: [...]), each answering through its own simulator',
    async () => {
      const p = await makeProject({
        'package.json': '{"type":"module"}',
        'bot.config.ts': `import { defineConfig, definePlugin } from '@wxbot/core';
        const echo = definePlugin({ name: 'echo', setup(ctx) {
          ctx.privateChat().on('message:text', (m) => m.reply('echo: ' + m.text)); } });
        export default defineConfig({
          accounts: [{ name: 'web1' }, { name: 'official', transport: 'ilink' }],
          logging: { level: 'info' },
          plugins: [echo],
        });`,
      });
      cleanups.push(p.cleanup);
      const stop = new AbortController();
      const m = memoryIo(p.dir, stop.signal);
      const exit = main(['start', '--simulator'], m.io);
      try {
        await waitUntil(() => m.err().includes('Stop with Ctrl+C'), 'the banners', 25_000);
        const ilinkSay = /official \(ilink\): curl -s -X POST (\S+)/.exec(m.err())?.[1];
        const webSay = /web1: curl -s -X POST (\S+)/.exec(m.err())?.[1];
        expect(ilinkSay).toMatch(/\/control\/ilink\/say$/);
        expect(webSay).toMatch(/\/accounts\/web1\/say$/);
        await fetch(ilinkSay!, {
          method: 'POST',
          body: JSON.stringify({ from: 'alice@im.wechat', text: 'official?' }),
        });
        await waitUntil(() => m.out().includes('echo: official?'), 'the iLink reply');
        expect(m.out()).toMatch(/"account":"official".*echo: official\?/);
        // One control plane lists both accounts, each with its transport.
        const consoleLine = /wxbot console: (http:\/\/127\.0\.0\.1:\d+)\/ \(it asks for the token: (\S+)\)/.exec(
          m.err(),
        );
        const token = (await readFile(consoleLine![2]!, 'utf8')).trim();
        const listed = (await (
          await fetch(`${consoleLine![1]!}/api/accounts`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as { items: { id: string; transport: string }[] };
        expect(listed.items.map((a) => [a.id, a.transport])).toEqual([
          ['web1', 'web'],
          ['official', 'ilink'],
        ]);
      } finally {
        stop.abort();
      }
      expect(await exit).toBe(0);
    },
    SLOW,
  );
});
