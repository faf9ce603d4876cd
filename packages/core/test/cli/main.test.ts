import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { main } from '../../src/cli/main.js';
import { pluginPackageName } from '../../src/cli/plugin-new.js';
import { makeProject } from '../config/helpers.js';
import { memoryIo, waitUntil } from './helpers.js';

// Loading configs compiles TypeScript with jiti; the first load in a worker takes seconds.
const SLOW = 30_000;

let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wxbot-cli-'));
  dirs.push(dir);
  return dir;
}

describe('wxbot help and usage errors', () => {
  test(
    '--help lists the commands; each command has its own help',
    async () => {
      const m = memoryIo('/');
      expect(await main(['--help'], m.io)).toBe(0);
      for (const cmd of ['start', 'login', 'logout', 'init', 'plugin new']) expect(m.out()).toContain(`  ${cmd}`);
      const s = memoryIo('/');
      expect(await main(['start', '--help'], s.io)).toBe(0);
      expect(s.out()).toMatch(
        /^Usage: wxbot start \[--config <path>\] \[--data-dir <path>\] \[--log-level <level>\] \[--account <name>\] \[--simulator\]/,
      );
      const h = memoryIo('/');
      expect(await main(['help', 'plugin'], h.io)).toBe(0);
      expect(h.out()).toContain('Usage: wxbot plugin new <name>');
    },
    SLOW,
  );

  test(
    'no command prints the usage to stderr and exits 2',
    async () => {
      const m = memoryIo('/');
      expect(await main([], m.io)).toBe(2);
      expect(m.err()).toContain('Usage: wxbot <command> [options]');
      expect(m.err()).toContain('--log-level <level>');
      expect(m.out()).toBe('');
    },
    SLOW,
  );

  test(
    '--data-dir and --log-level override the config; a wrong level is named with the closest one',
    async () => {
      const p = await makeProject({
        'package.json': '{"type":"module"}',
        'bot.config.json': '{"account":{"dataDir":"from-file"},"logging":{"level":"warn","pretty":false},"plugins":[]}',
      });
      dirs.push(p.dir);
      const sub = join(p.dir, 'sub');
      await mkdir(sub);
      const { loadOrReport } = await import('../../src/cli/load-config.js');
      const plain = await loadOrReport(memoryIo(sub).io, {});
      expect(plain?.dataDir).toBe(join(p.dir, 'from-file'));
      const flagged = await loadOrReport(memoryIo(sub).io, { dataDir: 'here', logLevel: 'debug' });
      expect(flagged?.dataDir).toBe(join(sub, 'here'));
      expect(flagged?.config.logging).toEqual({ level: 'debug', pretty: false });
      const bad = memoryIo(sub);
      expect(await main(['logout', '--log-level', 'wran'], bad.io)).toBe(1);
      expect(bad.err()).toContain('--log-level wran is not a level (did you mean warn?)');
      const ok = memoryIo(sub);
      expect(await main(['logout', '--log-level=debug', '--data-dir', 'd'], ok.io)).toBe(0);
      expect(ok.err()).toContain('No saved session to log out.');
    },
    SLOW,
  );

  test(
    'unknown commands, options and arguments exit 2 with a hint',
    async () => {
      const a = memoryIo('/');
      expect(await main(['strat'], a.io)).toBe(2);
      expect(a.err()).toContain('unknown command "strat" (did you mean "wxbot start"?)');
      const b = memoryIo('/');
      expect(await main(['start', '--simulater'], b.io)).toBe(2);
      expect(b.err()).toContain('unknown option --simulater (did you mean --simulator?)');
      const f = memoryIo('/');
      expect(await main(['login', '--zzz'], f.io)).toBe(2);
      expect(f.err()).toContain('unknown option --zzz (options: --config, --data-dir, --log-level, --account)');
      const g = memoryIo('/');
      expect(await main(['start', '--loglevel', 'debug'], g.io)).toBe(2);
      expect(g.err()).toContain('unknown option --loglevel (did you mean --log-level?)');
      const c = memoryIo('/');
      expect(await main(['start', '--config'], c.io)).toBe(2);
      expect(c.err()).toContain('--config needs a value');
      const d = memoryIo('/');
      expect(await main(['init', 'extra'], d.io)).toBe(2);
      expect(d.err()).toContain('unexpected argument "extra"');
      const e = memoryIo('/');
      expect(await main(['plugin', 'old'], e.io)).toBe(2);
    },
    SLOW,
  );
});

describe('wxbot start', () => {
  test(
    'without a config it names where it looked, points to wxbot init and exits 1 (--simulator too)',
    async () => {
      const p = await makeProject({ 'package.json': '{"type":"module"}' });
      dirs.push(p.dir);
      const sub = join(p.dir, 'src');
      await mkdir(sub);
      for (const argv of [['start'], ['start', '--simulator'], ['login'], ['logout']]) {
        const m = memoryIo(sub);
        expect(await main(argv, m.io)).toBe(1);
        expect(m.err()).toContain('wxbot: no bot config found.');
        expect(m.err()).toContain('looked for bot.config.ts, bot.config.mts');
        expect(m.err()).toContain(`in ${sub}, ${p.dir} (up to ${p.dir})`);
        expect(m.err()).toContain('`wxbot init`');
        expect(m.out()).toBe('');
      }
    },
    SLOW,
  );

  test(
    'an invalid config exits 1 before logging in, listing every problem',
    async () => {
      const p = await makeProject({
        'package.json': '{"type":"module"}',
        'bot.config.mjs': 'export default { acount: {}, plugins: ["nope-not-installed", 5] };',
      });
      dirs.push(p.dir);
      const m = memoryIo(p.dir);
      expect(await main(['start', '--simulator'], m.io)).toBe(1);
      expect(m.err()).toContain('3 problems in');
      expect(m.err()).toContain('acount: unknown option (did you mean "account"?)');
      expect(m.err()).toContain('plugins[0]: cannot find plugin "nope-not-installed"');
      expect(m.err()).toContain('plugins[1]: expected a plugin');
      expect(m.out()).not.toContain('Control API');
    },
    SLOW,
  );

  test(
    '--simulator runs the config, prints the control API, answers messages sent through it, and stops cleanly',
    async () => {
      const p = await makeProject({
        'package.json': '{"type":"module"}',
        'bot.config.ts': `import { defineConfig, definePlugin } from '@wxbot/core';
        const ping = definePlugin({ name: 'ping', setup(ctx) { ctx.command('ping', (m) => m.reply('pong')); } });
        export default defineConfig({ logging: { level: 'info' }, plugins: [ping] });`,
      });
      dirs.push(p.dir);
      const stop = new AbortController();
      const m = memoryIo(p.dir, stop.signal);
      const exit = main(['start', '--simulator'], m.io);
      // stdout is not a terminal: the banner goes to stderr, stdout stays JSON lines.
      await waitUntil(() => m.err().includes('Stop with Ctrl+C'), 'the banner', 25_000);
      expect(m.err()).toContain('plugins: ping');
      const control = /Control API: (\S+)/.exec(m.err())?.[1];
      expect(control).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/__sim$/);
      expect(m.err()).toContain(
        `curl -s -X POST ${control}/say -H 'content-type: application/json' -d '{"from":"wxid_alice","text":"hello"}'`,
      );

      // The console: its URL and the token FILE (the page asks for it), never the token itself.
      const consoleLine = /wxbot console: (http:\/\/127\.0\.0\.1:\d+)\/ \(it asks for the token: (\S+)\)/.exec(m.err());
      expect(consoleLine).not.toBeNull();
      const [, base, tokenFile] = consoleLine!;
      const token = (await readFile(tokenFile!, 'utf8')).trim();
      expect(m.out() + m.err()).not.toContain(token);
      const auth = { authorization: `Bearer ${token}` };
      // Simulator mode: the phone panel's relay; the Log page's tail.
      const world = (await (await fetch(`${base!}/api/simulator/world`, { headers: auth })).json()) as {
        people: { id: string }[];
      };
      expect(world.people.map((x) => x.id)).toContain('wxid_bob');

      try {
        const res = await fetch(`${control}/say`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ from: 'wxid_bob', text: '/ping' }),
        });
        expect(res.status).toBe(200);
        // Not a terminal: the action comes as a log record (JSON), not a plain line mixed into the log stream.
        await waitUntil(() => m.out().includes('"msg":"bot → Bob: pong (by ping)"'), 'the reply');
        // The line is printed when the bot asks; the simulator records the send a moment later.
        const deadline = Date.now() + 10_000;
        let actions: { endpoint: string; to?: string; content?: string }[] = [];
        while (!actions.some((x) => x.endpoint === 'webwxsendmsg') && Date.now() < deadline) {
          actions = ((await (await fetch(`${control}/actions`)).json()) as { actions: typeof actions }).actions;
          await new Promise((r) => setTimeout(r, 20));
        }
        expect(actions).toContainEqual(
          expect.objectContaining({ endpoint: 'webwxsendmsg', to: 'wxid_bob', content: 'pong' }),
        );
        const logs = (await (await fetch(`${base!}/api/logs`, { headers: auth })).json()) as {
          items: { msg: string }[];
        };
        expect(logs.items.map((l) => l.msg)).toContain('bot → Bob: pong (by ping)');
      } finally {
        stop.abort();
      }
      expect(await exit).toBe(0);
      // The simulator confirms by itself: nobody is told to scan anything.
      expect(m.out() + m.err()).not.toMatch(/scan the QR code/i);
      const lines = m
        .out()
        .split('\n')
        .filter((l) => l !== '');
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    },
    SLOW,
  );
});

describe('scaffolding', () => {
  test(
    'plugin new scaffolds a publishable package',
    async () => {
      const dir = await tempDir();
      const m = memoryIo(dir);
      expect(await main(['plugin', 'new', 'greet'], m.io)).toBe(0);
      const root = join(dir, 'wxbot-plugin-greet');
      const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
      expect(pkg).toMatchObject({
        name: 'wxbot-plugin-greet',
        type: 'module',
        keywords: expect.arrayContaining(['wxbot-plugin']),
        peerDependencies: { '@wxbot/core': expect.stringMatching(/^\^\d+\.\d+\.\d+/) },
      });
      const source = await readFile(join(root, 'src/index.ts'), 'utf8');
      expect(source).toContain("'wxbot-plugin-greet': GreetOptions | undefined;");
      expect(source).toContain("ctx.command('greet'");
      expect(await readFile(join(root, 'test/index.test.ts'), 'utf8')).toContain("from '@wxbot/core/testing'");
      expect(await readFile(join(root, 'README.md'), 'utf8')).toContain("plugins: [['greet', { reply: 'Hi!' }]]");
      expect(await readFile(join(root, 'tsconfig.json'), 'utf8')).toContain('"module": "NodeNext"');

      const bad = memoryIo(dir);
      expect(await main(['plugin', 'new', 'Bad Name'], bad.io)).toBe(2);
      expect(await main(['plugin', 'new', 'greet'], memoryIo(dir).io)).toBe(1);
    },
    SLOW,
  );

  test(
    'package names',
    () => {
      expect(pluginPackageName('greet')).toBe('wxbot-plugin-greet');
      expect(pluginPackageName('wxbot-plugin-x')).toBe('wxbot-plugin-x');
      expect(pluginPackageName('@me/wxbot-plugin-x')).toBe('@me/wxbot-plugin-x');
    },
    SLOW,
  );

  test.each([
    ['a dangling symlink', 'dangling', /dangling/],
    ['a path under /proc', '/proc/wxbot-cli-test/data', /virtual file system/],
    ['a file in the way', 'afile/data', /is a file, not a directory/],
  ])(
    '--simulator checks account.dataDir first: %s fails fast with what to fix, nothing started',
    async (_what, dataDir, reason) => {
      const p = await makeProject({
        'package.json': '{"type":"module"}',
        afile: 'not a directory',
        'bot.config.json': JSON.stringify({ account: { dataDir }, plugins: [] }),
      });
      dirs.push(p.dir);
      const { symlink } = await import('node:fs/promises');
      await symlink(join(p.dir, 'missing-target'), join(p.dir, 'dangling'));
      const stop = new AbortController();
      const m = memoryIo(p.dir, stop.signal);
      const exit = main(['start', '--simulator'], m.io);
      // Either it refuses at once, or (the old behaviour) it starts: then stop it so the test ends.
      const first = await Promise.race([
        exit.then((code) => ({ code })),
        waitUntil(() => m.out().includes('Stop with Ctrl+C'), 'the banner').then(() => 'started' as const),
      ]);
      if (first === 'started') stop.abort();
      expect(first).toEqual({ code: 1 });
      expect(m.err()).toMatch(/^wxbot: account\.dataDir: cannot use "/);
      expect(m.err()).toMatch(reason);
      expect(m.out()).not.toContain('Control API');
      await exit;
    },
    SLOW,
  );
});
