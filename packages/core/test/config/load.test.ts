import { join } from 'node:path';

import { ConfigError, loadConfig, loadConfigFile } from '../../src/config/index.js';
import { makeProject } from './helpers.js';

const plugin = (name: string, extra = '') =>
  `import { definePlugin } from '@wxbot/core';\n${extra}\nexport default definePlugin({ name: ${JSON.stringify(name)}, setup() {} });\n`;

const pkg = (name: string, pluginName = name) => ({
  [`node_modules/${name}/package.json`]: JSON.stringify({ name, type: 'module', exports: './index.js' }),
  [`node_modules/${name}/index.js`]: plugin(pluginName),
});

// Loading configs compiles TypeScript with jiti; the first load in a worker takes seconds.
const SLOW = 30_000;

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.map((c) => c()));
  cleanups = [];
});
async function project(files: Record<string, string>) {
  const p = await makeProject({ 'package.json': '{"name":"bot","type":"module"}', ...files });
  cleanups.push(p.cleanup);
  return p.dir;
}

describe('loading config files', () => {
  test(
    'bot.config.ts importing local TypeScript plugins (which import more TypeScript) runs without a build',
    async () => {
      const dir = await project({
        'bot.config.ts': [
          "import { defineConfig } from '@wxbot/core';",
          "import hello from './plugins/hello.ts';",
          'export default defineConfig({ plugins: [hello, "./plugins/other.ts", false, null] });',
        ].join('\n'),
        'plugins/hello.ts': plugin('hello', "import { greeting } from './greeting.ts';\nvoid greeting;"),
        'plugins/greeting.ts': 'export const greeting: string = "hi";\n',
        'plugins/other.ts': plugin('other'),
      });
      const config = await loadConfig({ cwd: join(dir, 'plugins') });
      expect(config.file).toBe(join(dir, 'bot.config.ts'));
      expect(config.plugins.map((p) => p.plugin.name)).toEqual(['hello', 'other']);
      expect(config.dataDir).toBe(join(dir, '.wxbot'));
    },
    SLOW,
  );

  test.each([
    ['bot.config.mjs', 'export default { account: { name: "mjs" } };'],
    ['bot.config.js', 'export default async () => ({ account: { name: "js" } });'],
    ['bot.config.json', '{ "account": { "name": "json" } }'],
    ['wxbot.config.ts', 'export default Promise.resolve({ account: { name: "ts" as string } });'],
  ])(
    '%s',
    async (file, content) => {
      const dir = await project({ [file]: content });
      const loaded = await loadConfigFile({ cwd: dir });
      expect(loaded.file).toBe(join(dir, file));
      expect(loaded.config.account?.name).toBe(file.split('.').pop() === 'ts' ? 'ts' : file.split('.').pop());
    },
    SLOW,
  );

  test(
    'the "wxbot" key of package.json',
    async () => {
      const dir = await project({
        'package.json': JSON.stringify({ name: 'bot', type: 'module', wxbot: { account: { name: 'pkg' } } }),
      });
      expect((await loadConfigFile({ cwd: dir })).config.account?.name).toBe('pkg');
    },
    SLOW,
  );

  test(
    'an explicit --config path; a missing one is an error',
    async () => {
      const dir = await project({ 'configs/prod.mjs': 'export default { logging: { level: "warn" } };' });
      expect((await loadConfigFile({ cwd: dir, file: 'configs/prod.mjs' })).config.logging?.level).toBe('warn');
      await expect(loadConfigFile({ cwd: dir, file: 'nope.ts' })).rejects.toThrow(/config file not found: .*nope\.ts/);
    },
    SLOW,
  );

  test(
    'no config file: defaults, resolved from cwd',
    async () => {
      const dir = await project({});
      const loaded = await loadConfigFile({ cwd: dir });
      expect(loaded).toEqual({ config: {}, file: undefined, dir });
    },
    SLOW,
  );

  test(
    'a config that throws, exports nothing or exports a non-object',
    async () => {
      let dir = await project({ 'bot.config.mjs': 'export default () => { throw new Error("no env"); };' });
      await expect(loadConfigFile({ cwd: dir })).rejects.toThrow(/the exported function threw: no env/);
      dir = await project({ 'bot.config.mjs': 'export default [1];' });
      await expect(loadConfigFile({ cwd: dir })).rejects.toThrow(/expected an object, got an array/);
      dir = await project({ 'bot.config.ts': 'const x: number = ;' });
      await expect(loadConfigFile({ cwd: dir })).rejects.toThrow(ConfigError);
    },
    SLOW,
  );
});

describe('resolving plugins', () => {
  test(
    'shorthand resolves @wxbot/plugin-x before wxbot-plugin-x; full names and tuples work',
    async () => {
      const dir = await project({
        'bot.config.mjs':
          'export default { plugins: ["hello", "only-community", ["wxbot-plugin-hello", undefined], "@acme/thing"] };',
        ...pkg('@wxbot/plugin-hello', 'official-hello'),
        ...pkg('wxbot-plugin-hello', 'community-hello'),
        ...pkg('wxbot-plugin-only-community'),
        ...pkg('@acme/thing'),
      });
      const config = await loadConfig({ cwd: dir });
      expect(config.plugins.map((p) => p.plugin.name)).toEqual([
        'official-hello',
        'wxbot-plugin-only-community',
        'community-hello',
        '@acme/thing',
      ]);
    },
    SLOW,
  );

  test(
    'packages resolve from the config file directory, not the working directory',
    async () => {
      const dir = await project({
        'bot/bot.config.mjs': 'export default { plugins: ["near"] };',
        'bot/node_modules/wxbot-plugin-near/package.json': JSON.stringify({
          name: 'wxbot-plugin-near',
          type: 'module',
          exports: './index.js',
        }),
        'bot/node_modules/wxbot-plugin-near/index.js': plugin('near'),
      });
      const config = await loadConfig({ cwd: dir, file: 'bot/bot.config.mjs' });
      expect(config.plugins.map((p) => p.plugin.name)).toEqual(['near']);
    },
    SLOW,
  );

  test(
    'every problem is reported at once, each with its path',
    async () => {
      const dir = await project({
        'bot.config.ts': `
        import { definePlugin } from '@wxbot/core';
        import { z } from 'zod';
        const admin = definePlugin({
          name: '@wxbot/plugin-group-admin',
          options: z.object({ admins: z.array(z.string()), rooms: z.array(z.string()).optional() }),
          setup() {},
        });
        const plain = definePlugin({ name: 'plain', setup() {} });
        export default {
          acount: {},
          account: { name: 'bad name', loginMode: 'magic', dataDirr: 'x' },
          rateLimits: { text: { burst: 0, perSecond: 1 } },
          plugins: [
            plain,
            [admin, { admins: ['wxid_ok', 42] }],
            'does-not-exist',
            './missing.ts',
            './not-a-plugin.ts',
            [plain, { surprise: true }],
            42,
            ['x'],
            'Bad Name!',
            [admin, { admins: [], rooms: 'all' }],
          ],
        };
      `,
        'not-a-plugin.ts': 'export const x = 1;\n',
      });
      const error = await loadConfig({ cwd: dir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      const issues = (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
      expect(issues).toEqual([
        expect.stringMatching(/^account\.name: use letters/),
        expect.stringMatching(/^account\.loginMode: .*"auto"\|"qr"\|"push"\|"hot"/),
        'account.dataDirr: unknown option (did you mean "dataDir"?)',
        expect.stringMatching(/^rateLimits\.text\.burst: /),
        'acount: unknown option (did you mean "account"?)',
        expect.stringMatching(/^plugins\[1\] \(@wxbot\/plugin-group-admin\)\.admins\[1\]: .*expected string/),
        expect.stringMatching(
          /^plugins\[2\]: cannot find plugin "does-not-exist" from .* \(tried @wxbot\/plugin-does-not-exist, wxbot-plugin-does-not-exist, does-not-exist\); is it installed\?/,
        ),
        expect.stringMatching(/^plugins\[3\] \(\.\/missing\.ts\): file not found: .*missing\.ts/),
        expect.stringMatching(/^plugins\[4\] \(\.\/not-a-plugin\.ts\): .*does not export a plugin/),
        'plugins[5] (plain): plugin "plain" takes no options, but some were given',
        'plugins[6]: expected a plugin, a package name, a path or [entry, options]; got number',
        'plugins[7]: expected [plugin, options] or [plugin, options, { permissions }], got an array of 1',
        'plugins[8]: "Bad Name!" is neither a package name nor a path (local paths start with ./ or ../)',
        expect.stringMatching(/^plugins\[9\] \(@wxbot\/plugin-group-admin\)\.rooms: /),
      ]);
      expect((error as ConfigError).message).toMatch(/^14 problems in .*bot\.config\.ts:\n {2}- /);
    },
    SLOW,
  );

  test(
    'defaults from option schemas reach the plugin',
    async () => {
      const dir = await project({
        'bot.config.ts': `
        import { definePlugin } from '@wxbot/core';
        import { z } from 'zod';
        export const p = definePlugin({ name: 'p', options: z.object({ n: z.number().default(5) }), setup() {} });
        export default { plugins: [[p, {}]] };
      `,
      });
      const config = await loadConfig({ cwd: dir });
      expect(config.plugins[0]?.options).toEqual({ n: 5 });
    },
    SLOW,
  );
});
