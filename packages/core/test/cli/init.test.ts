import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { main } from '../../src/cli/main.js';
import { runInit } from '../../src/cli/init.js';
import { projectName } from '../../src/cli/init-files.js';
import { createTestBot } from '../../src/testing/index.js';
import { makeProject } from '../config/helpers.js';
import { memoryIo } from './helpers.js';

// Loading configs compiles TypeScript with jiti; the first load in a worker takes seconds.
const SLOW = 30_000;

// `wxbot init` installs with the package manager that runs it (npm_config_user_agent); under `pnpm test`
// that is pnpm. These tests are about npm's next steps unless they say otherwise.
const userAgent = process.env['npm_config_user_agent'];
beforeEach(() => {
  process.env['npm_config_user_agent'] = 'npm/11.0.0 node/v20.20.2 linux x64';
});

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  if (userAgent === undefined) delete process.env['npm_config_user_agent'];
  else process.env['npm_config_user_agent'] = userAgent;
  await Promise.all(cleanups.map((c) => c()));
  cleanups = [];
});
async function emptyProject(): Promise<string> {
  const p = await makeProject({});
  cleanups.push(p.cleanup);
  return p.dir;
}

describe('wxbot init', () => {
  test(
    'writes a project whose config loads and whose sample plugin answers as its test expects',
    async () => {
      const dir = await emptyProject();
      const m = memoryIo(dir);
      expect(await main(['init', '--dir', 'My Bot', '--no-install'], m.io)).toBe(0);
      const root = join(dir, 'My Bot');
      for (const f of ['package.json', 'tsconfig.json', '.gitignore', 'bot.config.ts', 'plugins/hello.ts']) {
        expect(m.out()).toContain(`  ${f}\n`);
      }
      const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
      expect(pkg).toMatchObject({
        name: 'my-bot',
        private: true,
        type: 'module',
        scripts: { start: 'wxbot start', dev: 'wxbot start --simulator', test: expect.stringContaining('jest') },
        dependencies: { '@wxbot/core': expect.stringMatching(/^\^\d+\.\d+\.\d+$/) },
        devDependencies: { '@wxbot/simulator': expect.stringMatching(/^\^\d+\.\d+\.\d+$/) },
      });
      expect(pkg['dependencies']).not.toHaveProperty('@wxbot/simulator');
      const ignored = (await readFile(join(root, '.gitignore'), 'utf8')).split('\n');
      expect(ignored).toEqual(expect.arrayContaining(['.wxbot/', 'node_modules/']));
      expect(await readFile(join(root, 'bot.config.ts'), 'utf8')).toContain("dataDir: '.wxbot'");
      // Not installed: the next steps say to install, then how to run and test.
      expect(m.out()).toContain('Next:\n  cd "My Bot"\n  npm install\n  npm run dev ');
      expect(m.out()).toContain('  npm test ');
      expect(m.out()).toContain('  npm start ');

      // The config loads (from the parent's node_modules) and the sample plugin says what its test expects.
      await writeFile(join(dir, 'package.json'), '{"type":"module"}');
      const { loadConfig } = await import('../../src/config/index.js');
      const config = await loadConfig({ cwd: root });
      expect(config.plugins.map((x) => x.plugin.name)).toEqual(['hello']);
      const test = await readFile(join(root, 'plugins/hello.test.ts'), 'utf8');
      expect(test).toContain("bot.expectReply('Alice', 'Hello, Alice!')");
      expect(test).toContain("bot.expectReply('Alice', 'pong')");
      const bot = await createTestBot({ plugins: [config.plugins[0]!.plugin] });
      try {
        await bot.receive('hi', { from: 'Alice' });
        bot.expectReply('Alice', 'Hello, Alice!');
        await bot.receive('/ping', { from: 'Alice' });
        bot.expectReply('Alice', 'pong');
      } finally {
        await bot.close();
      }
    },
    SLOW,
  );

  test('refuses to overwrite, naming the file, and writes nothing', async () => {
    const dir = await emptyProject();
    await writeFile(join(dir, 'package.json'), '{"name":"mine"}');
    const m = memoryIo(dir);
    expect(await main(['init', '--dir', dir, '--no-install'], m.io)).toBe(1);
    expect(m.err()).toContain(
      `wxbot init: refusing to overwrite package.json in ${dir} (it exists); nothing was written`,
    );
    expect(m.err()).toContain('--dir <path>');
    await expect(readFile(join(dir, 'bot.config.ts'))).rejects.toThrow('ENOENT');
    expect(await readFile(join(dir, 'package.json'), 'utf8')).toBe('{"name":"mine"}');
  });

  test('installs with the package manager that ran it, and says so in the next steps', async () => {
    const dir = await emptyProject();
    const ran: string[] = [];
    const m = memoryIo(dir);
    const code = await runInit(m.io, 'bot', {
      install: true,
      userAgent: 'pnpm/10.34.9 npm/? node/v20.20.2 linux x64',
      run: async (command, args, cwd) => {
        ran.push(`${command} ${args.join(' ')} in ${cwd}`);
        return 0;
      },
    });
    expect(code).toBe(0);
    expect(ran).toEqual([`pnpm install in ${join(dir, 'bot')}`]);
    expect(m.out()).toContain('Next:\n  cd bot\n  pnpm dev ');
    expect(m.out()).not.toContain('pnpm install\n');

    const failed = memoryIo(dir);
    expect(await runInit(failed.io, 'bot2', { install: true, userAgent: undefined, run: async () => 1 })).toBe(1);
    expect(failed.err()).toContain('`npm install` failed (exit code 1)');
    expect(failed.out()).toContain('  npm install\n');
  });
});

test('project names are valid npm names', () => {
  expect(projectName('My Bot!')).toBe('my-bot');
  expect(projectName('.hidden')).toBe('hidden');
  expect(projectName('---')).toBe('my-bot');
});
