// End to end, as a user outside the monorepo would: scaffold a plugin with
// `wxbot plugin new`, pack it, install it with @wxbot/core from tarballs into
// a fresh project, and check `wxbot start --simulator` loads it by package name.
// Slow and needs the npm registry (typescript, zod, core's dependencies), so it
// runs only with WXBOT_E2E_PACK=1.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { main } from '../../src/cli/main.js';
import { memoryIo, waitUntil } from './helpers.js';

const enabled = process.env['WXBOT_E2E_PACK'] === '1';
const repo = fileURLToPath(new URL('../../../../', import.meta.url));

const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 300_000 });

async function tarball(dir: string, prefix: string): Promise<string> {
  const found = (await readdir(dir)).find((f) => f.startsWith(prefix) && f.endsWith('.tgz'));
  if (found === undefined) throw new Error(`no ${prefix}*.tgz in ${dir}`);
  return join(dir, found);
}

(enabled ? test : test.skip)(
  'a plugin made by `wxbot plugin new`, packed and installed from npm tarballs, is loaded by its package name',
  async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'wxbot-pack-'));
    try {
      // 1. Build and pack @wxbot/core and @wxbot/simulator as they would be published.
      run('pnpm', ['build'], repo);
      run('pnpm', ['pack', '--pack-destination', tmp], join(repo, 'packages/core'));
      run('pnpm', ['pack', '--pack-destination', tmp], join(repo, 'packages/simulator'));
      const core = await tarball(tmp, 'wxbot-core-');
      const sim = await tarball(tmp, 'wxbot-simulator-');

      // 2. Scaffold the plugin, build it against the packed core, pack it.
      const pluginDir = join(tmp, 'plugin');
      expect(await main(['plugin', 'new', 'greet', '--dir', pluginDir], memoryIo(tmp).io)).toBe(0);
      const pkgPath = join(pluginDir, 'package.json');
      const pkg = JSON.parse(await readFile(pkgPath, 'utf8')) as { devDependencies: Record<string, string> };
      // Only what building needs (jest is for the author's own test runs).
      pkg.devDependencies = {
        typescript: pkg.devDependencies['typescript']!,
        '@types/node': pkg.devDependencies['@types/node']!,
      };
      await writeFile(pkgPath, JSON.stringify(pkg, null, 2));
      run('npm', ['install', '--no-audit', '--no-fund', sim, core], pluginDir);
      // npm records the tarball in the peer range it installed into; publish the real range.
      const installed = JSON.parse(await readFile(pkgPath, 'utf8')) as Record<
        string,
        Record<string, string> | undefined
      >;
      for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
        const deps = installed[field];
        if (deps === undefined) continue;
        installed[field] = Object.fromEntries(Object.entries(deps).filter(([, spec]) => !spec.startsWith('file:')));
      }
      installed['peerDependencies'] = { '@wxbot/core': '^0.1.0' };
      await writeFile(pkgPath, JSON.stringify(installed, null, 2));
      run('npx', ['tsc', '-p', 'tsconfig.build.json'], pluginDir);
      run('npm', ['pack', '--pack-destination', tmp], pluginDir);
      const plugin = await tarball(tmp, 'wxbot-plugin-greet-');

      // 3. A fresh project using it by its short name, with typed options.
      const app = join(tmp, 'app');
      await rm(app, { recursive: true, force: true });
      await import('node:fs/promises').then((fs) => fs.mkdir(app));
      await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'my-bot', private: true, type: 'module' }));
      await writeFile(
        join(app, 'bot.config.ts'),
        "import { defineConfig } from '@wxbot/core';\nimport 'wxbot-plugin-greet';\n\nexport default defineConfig({ logging: { level: 'info' }, plugins: [['greet', { reply: 'hi from the package' }]] });\n",
      );
      run('npm', ['install', '--no-audit', '--no-fund', sim, core, plugin], app);

      // 4. Run it against the simulator and talk to it.
      const child = spawn(
        process.execPath,
        [join(app, 'node_modules/@wxbot/core/bin/wxbot.js'), 'start', '--simulator'],
        {
          cwd: app,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      try {
        await waitUntil(() => out.includes('Stop with Ctrl+C'), `the banner; output so far:\n${out}`, 60_000);
        expect(out).toContain('plugins: wxbot-plugin-greet');
        const control = /Control API: (\S+)/.exec(out)![1]!;
        await fetch(`${control}/say`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ from: 'wxid_alice', text: '/greet' }),
        });
        await waitUntil(
          () => out.includes('bot → Alice: hi from the package (by wxbot-plugin-greet)'),
          'the reply',
          20_000,
        );
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  },
  600_000,
);
