import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';

import { main } from '../../src/cli/main.js';
import { makeProject } from '../config/helpers.js';
import { memoryIo, waitUntil } from './helpers.js';

// Loading configs compiles TypeScript with jiti; the first load in a worker takes seconds.
const SLOW = 40_000;

let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});

const PING = `import { defineConfig, definePlugin } from '@wxbot/core';
const ping = definePlugin({ name: 'ping', setup(ctx) { ctx.command('ping', (m) => m.reply('pong')); } });`;

async function project(config: string): Promise<string> {
  const p = await makeProject({ 'package.json': '{"type":"module"}', 'bot.config.ts': `${PING}\n${config}` });
  dirs.push(p.dir);
  return p.dir;
}

/** Runs `wxbot chat --simulator ...`, makes Alice write `text`, and hands back the screen once it shows. */
async function chatting(args: readonly string[]) {
  const dir = await project(`export default defineConfig({ logging: { level: 'warn' }, plugins: [ping] });`);
  const stop = new AbortController();
  const m = memoryIo(dir, stop.signal);
  const exit = main(['chat', '--simulator', ...args], m.io);
  await waitUntil(() => m.out().includes('Type to chat as the account'), 'the chat prompt', 30_000);
  const say = /curl -s -X POST (\S+) -H 'content-type: application\/json' -d '([^']+)'/.exec(m.out());
  expect(say).not.toBeNull();
  const from = (JSON.parse(say![2]!) as { from: string }).from;
  const write = async (text: string) => {
    const res = await fetch(say![1]!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from, text }),
    });
    expect(res.status).toBe(200);
  };
  const stdin = m.io.stdin;
  if (!(stdin instanceof PassThrough)) throw new Error('memoryIo gives a PassThrough stdin');
  const type = (line: string) => stdin.write(`${line}\r`);
  return { m, stop, exit, write, type, control: say![1]!.replace(/\/say$/, '') };
}

describe('wxbot chat', () => {
  test(
    'shows what arrives by chat and sends typed lines as the account; the plugins stay off',
    async () => {
      const { m, stop, exit, write, type, control } = await chatting([]);
      try {
        expect(m.out()).toContain('plugins: off (--plugins runs them)');
        await write('/ping');
        await waitUntil(() => m.out().includes('[Alice] /ping'), 'the message on screen');
        // Shown once every plugin had it: none ran, so nothing answered.
        expect(m.out()).not.toContain('pong');
        type('.r');
        type('hello from the terminal');
        const deadline = Date.now() + 10_000;
        let sent = false;
        while (!sent && Date.now() < deadline) {
          const { actions } = (await (await fetch(`${control}/actions`)).json()) as {
            actions: { endpoint: string; content?: string }[];
          };
          sent = actions.some((a) => a.endpoint === 'webwxsendmsg' && a.content === 'hello from the terminal');
          if (!sent) await new Promise((r) => setTimeout(r, 20));
        }
        expect(sent).toBe(true);
        expect(m.out()).toContain('(by terminal)');
      } finally {
        stop.abort();
      }
      expect(await exit).toBe(0);
    },
    SLOW,
  );

  test(
    '--plugins runs the config’s plugins beside the terminal',
    async () => {
      const { m, stop, exit, write } = await chatting(['--plugins']);
      try {
        expect(m.out()).toContain('plugins: ping');
        await write('/ping');
        await waitUntil(() => m.out().includes('pong (by ping)'), 'the plugin’s reply');
      } finally {
        stop.abort();
      }
      expect(await exit).toBe(0);
    },
    SLOW,
  );

  test(
    'with several accounts it needs --account, and an unknown one is named with the choices',
    async () => {
      const dir = await project(
        `export default defineConfig({ plugins: [ping], accounts: [{ name: 'east' }, { name: 'west' }] });`,
      );
      const none = memoryIo(dir);
      expect(await main(['chat', '--simulator'], none.io)).toBe(1);
      expect(none.err()).toContain(
        'this config has 2 accounts (east, west); chat one at a time: wxbot chat --account <name>',
      );
      const wrong = memoryIo(dir);
      expect(await main(['chat', '--account', 'eats'], wrong.io)).toBe(1);
      expect(wrong.err()).toContain(
        '--account eats: no such account (did you mean "east"?); the config has east, west',
      );
    },
    SLOW,
  );

  test(
    'an iLink account: a user writes, the terminal answers as the bot',
    async () => {
      const dir = await project(
        `export default defineConfig({ account: { transport: 'ilink' }, logging: { level: 'warn' }, plugins: [ping] });`,
      );
      // @wxbot/transport-ilink as the project would install it: a stand-in over its source.
      const pkg = join(dir, 'node_modules', '@wxbot', 'transport-ilink');
      await mkdir(pkg, { recursive: true });
      await writeFile(
        join(pkg, 'package.json'),
        JSON.stringify({ name: '@wxbot/transport-ilink', type: 'module', exports: { '.': './index.ts' } }),
      );
      const source = fileURLToPath(new URL('../../../transport-ilink/src/index.ts', import.meta.url));
      await writeFile(join(pkg, 'index.ts'), `export * from ${JSON.stringify(source)};\n`);
      const stop = new AbortController();
      const m = memoryIo(dir, stop.signal);
      const exit = main(['chat', '--simulator'], m.io);
      try {
        await waitUntil(() => m.out().includes('Type to chat as the account'), 'the chat prompt', 30_000);
        const say = /curl -s -X POST (\S+\/say)/.exec(m.out())?.[1];
        expect(say).toMatch(/\/control\/ilink\/say$/);
        await fetch(say!, { method: 'POST', body: JSON.stringify({ from: 'alice@im.wechat', text: 'anyone there?' }) });
        await waitUntil(() => m.out().includes('[alice@im.wechat] anyone there?'), 'the message on screen');
        const stdin = m.io.stdin;
        if (!(stdin instanceof PassThrough)) throw new Error('memoryIo gives a PassThrough stdin');
        stdin.write('.r\r');
        stdin.write('yes, a person\r');
        const sentUrl = say!.replace(/\/say$/, '/sent');
        let sent: { toUserId: string; text: string }[] = [];
        const deadline = Date.now() + 10_000;
        while (!sent.some((x) => x.text === 'yes, a person') && Date.now() < deadline) {
          sent = (await (await fetch(sentUrl)).json()) as typeof sent;
          await new Promise((r) => setTimeout(r, 20));
        }
        expect(sent).toEqual([expect.objectContaining({ toUserId: 'alice@im.wechat', text: 'yes, a person' })]);
      } finally {
        stop.abort();
      }
      expect(await exit).toBe(0);
    },
    SLOW,
  );

  test('usage: help names the options; an unknown option is a usage error', async () => {
    const help = memoryIo(process.cwd());
    expect(await main(['chat', '--help'], help.io)).toBe(0);
    expect(help.out()).toContain('Usage: wxbot chat');
    expect(help.out()).toContain('--plugins');
    const bad = memoryIo(process.cwd());
    expect(await main(['chat', '--plugin'], bad.io)).toBe(2);
    expect(bad.err()).toContain('unknown option --plugin (did you mean --plugins?)');
    const top = memoryIo(process.cwd());
    expect(await main(['--help'], top.io)).toBe(0);
    expect(top.out()).toContain('chat [--plugins] [--simulator]');
  });
});
