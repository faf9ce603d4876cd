// End to end, as a user outside the monorepo: every package built and packed as it would be
// published, the tarballs standing in for the registry (their own dependencies come from it).
// In a fresh directory under os.tmpdir(): @wxbot/core installs without the simulator (and
// --simulator says how to add it); create-wxbot makes a project whose install, tests and
// type-check pass and whose `npm run dev` answers a message injected through the simulator; a
// plugin made by `wxbot plugin new` passes its own tests, is packed, installed and loaded by name.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { waitUntil } from './helpers.js';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const PACKAGES = [
  'core',
  'simulator',
  'plugin-autoreply',
  'plugin-group-admin',
  'plugin-friend-accept',
  'create-wxbot',
];
// One npm cache (the user's, or npm_config_cache) for every install; offline when it already has a package.
const NPM_INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

// The outer pnpm/npm run's script settings (npm_config_*, npm_package_*) must not leak into the
// user's npm; where to fetch from (a CI's registry mirror, cache or proxy) must.
const KEEP = /^npm_config_(.*registry|cache|userconfig|globalconfig|https?_proxy|proxy|noproxy|cafile|strict_ssl)$/i;
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => KEEP.test(k) || !/^(npm|pnpm)_/i.test(k)));
// npm, pnpm and the installed bins run on the Node that runs this test (`pnpm test:node-lts` runs it on 22 and 24).
env['PATH'] = `${dirname(process.execPath)}${delimiter}${process.env['PATH'] ?? ''}`;

const execFileAsync = promisify(execFile);
async function run(cmd: string, args: readonly string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  try {
    return await execFileAsync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 300_000 });
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} in ${cwd} failed:\n${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}
/** Runs a command expected to fail; returns its exit code and output. */
async function runFailing(cmd: string, args: readonly string[], cwd: string) {
  try {
    await execFileAsync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 60_000 });
    return { code: 0, stdout: '', stderr: '' };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function readJson(path: string): Promise<Record<string, Record<string, string> | string | undefined>> {
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, Record<string, string> | string | undefined>;
}

/** Points the @wxbot/* dependencies of a package.json at the packed tarballs. */
async function useTarballs(pkgPath: string, tarballs: ReadonlyMap<string, string>): Promise<void> {
  const pkg = await readJson(pkgPath);
  for (const field of ['dependencies', 'devDependencies']) {
    const deps = pkg[field];
    if (typeof deps !== 'object') continue;
    for (const name of Object.keys(deps)) {
      const tgz = tarballs.get(name);
      if (tgz !== undefined) deps[name] = `file:${tgz}`;
    }
  }
  await writeFile(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
}

async function packEverything(dest: string): Promise<Map<string, string>> {
  await run('pnpm', ['build'], repo);
  const tarballs = new Map<string, string>();
  for (const dir of PACKAGES) {
    const pkgDir = join(repo, 'packages', dir);
    const { name, version } = (await readJson(join(pkgDir, 'package.json'))) as { name: string; version: string };
    await run('pnpm', ['pack', '--pack-destination', dest], pkgDir);
    const tgz = join(dest, `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`);
    const files = (await run('tar', ['tzf', tgz], dest)).stdout.split('\n').filter(Boolean);
    // What users get: README, licence, the package.json, built JS with its types; nothing else by accident.
    expect({
      name,
      missing: ['README.md', 'LICENSE', 'package.json'].filter((f) => !files.includes(`package/${f}`)),
    }).toEqual({
      name,
      missing: [],
    });
    if (name === '@wxbot/core' || name === '@wxbot/simulator') {
      // Core and the simulator ship their bundles (decision 0034) and tsc's types, not tsc's JS files as well.
      expect(files).toEqual(expect.arrayContaining(['package/dist/bundle/index.js', 'package/dist/index.d.ts']));
      expect(files.filter((f) => f.endsWith('.js') && !/^package\/(bin|dist\/bundle)\//.test(f))).toEqual([]);
    } else if (name !== 'create-wxbot') {
      expect(files).toEqual(expect.arrayContaining(['package/dist/index.js', 'package/dist/index.d.ts']));
    }
    const stray = files.filter(
      (f) =>
        /\.(map|tsbuildinfo)$/.test(f) ||
        /^package\/(src|test)\//.test(f) ||
        (/\.ts$/.test(f) && !/\.d\.ts$/.test(f) && !f.startsWith('package/examples/')),
    );
    expect({ name, stray }).toEqual({ name, stray: [] });
    tarballs.set(name, tgz);
  }
  return tarballs;
}

/**
 * The project's `dev` script in `app`, run as its installed bin (not through `npm run`, whose shell
 * would hide the bot's exit code and outlive a signal): waits for the simulator's control API.
 */
async function startDev(app: string) {
  const scripts = (await readJson(join(app, 'package.json')))['scripts'] as Record<string, string>;
  expect(scripts['dev']).toBe('wxbot start --simulator');
  const child = spawn(join(app, 'node_modules/.bin/wxbot'), ['start', '--simulator'], {
    cwd: app,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  /** SIGTERM, as a service manager stops it; a bot that does not exit within 20 s is killed and fails the test. */
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  try {
    await waitUntil(() => /Control API: \S+/.test(out) || child.exitCode !== null, 'the simulator banner', 60_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}; output so far:\n${out}`);
  }
  const control = /Control API: (\S+)/.exec(out)?.[1];
  if (control === undefined) throw new Error(`npm run dev exited early:\n${out}`);
  return {
    output: () => out,
    stop,
    async say(text: string, expected: string) {
      const res = await fetch(`${control}/say`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: 'wxid_alice', text }),
      });
      expect(res.ok).toBe(true);
      await waitUntil(() => out.includes(expected), `"${expected}"; output so far:\n${out}`, 20_000);
    },
  };
}

test('from packed tarballs: create a project, run it against the simulator and get a reply; make, test, pack and load a plugin', async () => {
  const started = Date.now();
  const tmp = await mkdtemp(join(tmpdir(), 'wxbot-pack-'));
  try {
    const packs = join(tmp, 'packs');
    await mkdir(packs);
    const tarballs = await packEverything(packs);
    const coreTgz = tarballs.get('@wxbot/core')!;

    // `npm create wxbot@latest my-bot`: npm installs create-wxbot (and @wxbot/core) and runs its bin.
    const tools = join(tmp, 'npx');
    await mkdir(tools);
    await writeFile(join(tools, 'package.json'), '{"private":true}');
    await run('npm', [...NPM_INSTALL, coreTgz, tarballs.get('create-wxbot')!], tools);
    // A production install of @wxbot/core has no simulator, and --simulator says in one line how to add it.
    expect(existsSync(join(tools, 'node_modules/@wxbot/core/dist/bundle/index.js'))).toBe(true);
    expect(existsSync(join(tools, 'node_modules/@wxbot/simulator'))).toBe(false);
    await writeFile(join(tools, 'bot.config.mjs'), 'export default { plugins: [] };\n');
    const missing = await runFailing(
      process.execPath,
      ['node_modules/@wxbot/core/bin/wxbot.js', 'start', '--simulator'],
      tools,
    );
    expect(missing).toMatchObject({
      code: 1,
      stderr: '--simulator needs @wxbot/simulator: npm install -D @wxbot/simulator\n',
    });

    const created = await run(
      process.execPath,
      [join(tools, 'node_modules/create-wxbot/bin/create-wxbot.js'), 'my-bot', '--no-install'],
      tmp,
    );
    expect(created.stdout).toContain('Next:\n  cd my-bot\n  npm install\n  npm run dev');
    const app = join(tmp, 'my-bot');
    const appPkg = await readJson(join(app, 'package.json'));
    expect(appPkg['dependencies']).toEqual({ '@wxbot/core': '^0.1.0' });
    expect(appPkg['devDependencies']).toMatchObject({ '@wxbot/simulator': '^0.1.0' });
    await useTarballs(join(app, 'package.json'), tarballs);

    // The full install: the project's own test passes.
    await run('npm', NPM_INSTALL, app);
    await run('npm', ['test'], app);

    // A plugin package made by `wxbot plugin new`: its tests pass as generated; it packs.
    await run('npx', ['wxbot', 'plugin', 'new', 'greet', '--dir', join(tmp, 'wxbot-plugin-greet')], app);
    const plugin = join(tmp, 'wxbot-plugin-greet');
    await useTarballs(join(plugin, 'package.json'), tarballs);
    await run('npm', NPM_INSTALL, plugin);
    await run('npm', ['test'], plugin);
    await run('npm', ['pack', '--pack-destination', packs], plugin);

    // The bot uses it by its short name, with typed options; the project still type-checks.
    await run('npm', [...NPM_INSTALL, join(packs, 'wxbot-plugin-greet-0.1.0.tgz')], app);
    const configPath = join(app, 'bot.config.ts');
    const config = await readFile(configPath, 'utf8');
    expect(config).toContain("plugins: ['./plugins/hello.ts'],");
    await writeFile(
      configPath,
      `import 'wxbot-plugin-greet';\n${config.replace(
        "plugins: ['./plugins/hello.ts'],",
        "plugins: ['./plugins/hello.ts', ['greet', { reply: 'hi from the package' }]],",
      )}`,
    );
    await run('npm', ['run', 'typecheck'], app);

    const bot = await startDev(app);
    try {
      expect(bot.output()).toMatch(/plugins: hello, wxbot-plugin-greet\b/);
      await bot.say('hi', 'bot → Alice: Hello, Alice! (by hello)');
      await bot.say('/greet', 'bot → Alice: hi from the package (by wxbot-plugin-greet)');
    } finally {
      expect(await bot.stop()).toBe(0);
    }
    process.stderr.write(`pack e2e: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}, 600_000);
