// Core, the simulator and the server ship as bundles (decision 0034, scripts/bundle.mjs): one ES module per
// package entry, shared code in shared chunks. What must hold for users: every `exports` entry is a bundle
// output, each class exists once (an `instanceof` across `@wxbot/core` and `@wxbot/core/client` holds),
// and a checkout never runs a bundle older than its tsc build. Runs the build, as `pnpm build` (or the
// install's `prepare`) leaves it.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as simulator from '@wxbot/simulator';

import * as root from '../src/index.js';

const core = fileURLToPath(new URL('../', import.meta.url));
const repo = join(core, '..', '..');
const bundleDir = join(core, 'dist', 'bundle');

test.each(['core', 'simulator', 'server'])('every entry of %s runs from its bundle and is typed by tsc', (name) => {
  const dir = join(repo, 'packages', name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    exports: Record<string, { types: string; default: string } | string>;
    main: string;
  };
  expect(existsSync(join(dir, 'dist', 'bundle', 'index.js'))).toBe(true); // `pnpm build` first
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') continue; // ./package.json
    expect({ subpath, default: target.default }).toEqual({
      subpath,
      default: expect.stringMatching(/^\.\/dist\/bundle\/[a-z-]+\.js$/) as unknown,
    });
    expect(existsSync(join(dir, target.default))).toBe(true);
    expect(existsSync(join(dir, target.types))).toBe(true);
  }
  expect(pkg.main).toBe('./dist/bundle/index.js');
});

/** How many times each exported class is defined across all the files of a bundle (1 is right). */
function definitions(exported: Record<string, unknown>, dir: string): { name: string; definitions: number }[] {
  const classes = Object.entries(exported)
    .filter(([, v]) => typeof v === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(v)))
    .map(([name]) => name);
  expect(classes.length).toBeGreaterThan(0);
  const text = readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(dir, f), 'utf8'));
  return classes.map((name) => {
    const re = new RegExp(`(^|[^\\w$.])(class ${name}\\b|${name} = class\\b)`, 'gm');
    return { name, definitions: text.reduce((n, t) => n + (t.match(re)?.length ?? 0), 0) };
  });
}

test("each of core's and the simulator's classes is defined once in the whole of its bundle", () => {
  const ofCore = definitions(root, bundleDir);
  expect(ofCore.length).toBeGreaterThan(20);
  expect(ofCore.filter((d) => d.definitions !== 1)).toEqual([]);
  const simBundle = join(repo, 'packages', 'simulator', 'dist', 'bundle');
  expect(definitions(simulator, simBundle).filter((d) => d.definitions !== 1)).toEqual([]);
});

test('the entries hand out the same classes, through Node resolving the built package', () => {
  const script =
    "const r = await import('@wxbot/core'); const c = await import('@wxbot/core/client');" +
    "const t = await import('@wxbot/core/transport'); const y = await import('./dist/bundle/young-generation.js');" +
    "const rt = await import('@wxbot/core/runtime');" +
    'process.stdout.write(JSON.stringify([c.WxError === r.WxError, c.FileSessionStore === r.FileSessionStore,' +
    ' t.WebTransport === r.WebTransport, y.capYoungGeneration === rt.capYoungGeneration]));';
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: core, encoding: 'utf8' });
  expect(JSON.parse(out)).toEqual([true, true, true, true]);
});

describe('the bins in a checkout', () => {
  let copy: string | undefined;
  afterEach(() => {
    if (copy !== undefined) rmSync(copy, { recursive: true, force: true });
    copy = undefined;
  });

  /** A checkout holding core's bin, bundle and tsc build info and the build script: one can be changed safely. */
  function checkout(): string {
    copy = mkdtempSync(join(tmpdir(), 'wxbot-bundle-'));
    const pkg = join(copy, 'packages', 'core');
    cpSync(join(repo, 'scripts', 'bundle.mjs'), join(copy, 'scripts', 'bundle.mjs'));
    cpSync(join(core, 'bin'), join(pkg, 'bin'), { recursive: true });
    cpSync(bundleDir, join(pkg, 'dist', 'bundle'), { recursive: true });
    cpSync(join(core, 'dist', '.tsbuildinfo'), join(pkg, 'dist', '.tsbuildinfo'));
    cpSync(join(core, 'package.json'), join(pkg, 'package.json'));
    symlinkSync(join(core, 'node_modules'), join(pkg, 'node_modules'));
    return copy;
  }
  const run = (bin: string, arg: string) =>
    spawnSync(process.execPath, [bin, arg], { encoding: 'utf8', timeout: 20_000 });
  const wxbot = (dir: string) => run(join(dir, 'packages', 'core', 'bin', 'wxbot.js'), '--version');

  test('run bundles made from the current tsc builds (this checkout)', () => {
    const version = (JSON.parse(readFileSync(join(core, 'package.json'), 'utf8')) as { version: string }).version;
    const core_ = run(join(core, 'bin', 'wxbot.js'), '--version');
    expect({ status: core_.status, stderr: core_.stderr, out: core_.stdout.trim() }).toEqual({
      status: 0,
      stderr: '',
      out: expect.stringContaining(version) as unknown,
    });
    const sim = run(join(repo, 'packages', 'simulator', 'bin', 'wxbot-simulator.js'), '--help');
    expect({ status: sim.status, stderr: sim.stderr }).toEqual({ status: 0, stderr: '' });
    expect(sim.stdout).toMatch(/^usage: wxbot-simulator/);
  });

  test('refuse a bundle older than its tsc build, naming it and what to run', () => {
    const dir = checkout();
    expect(wxbot(dir).status).toBe(0);
    writeFileSync(join(dir, 'packages', 'core', 'dist', '.tsbuildinfo'), '{"changed":true}');
    const stale = wxbot(dir);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toBe(
      'wxbot: packages/core/dist/bundle/ is older than its tsc build (dist/). Run `pnpm build` in the wxbot repository.\n',
    );
  });

  test('refuse a missing bundle', () => {
    const dir = checkout();
    rmSync(join(dir, 'packages', 'core', 'dist', 'bundle'), { recursive: true });
    const run_ = wxbot(dir);
    expect(run_.status).toBe(1);
    expect(run_.stderr).toMatch(/not built \(missing dist\/bundle\/cli\.js\)/);
  });

  test('a published package (no tsc build info, no build script) runs its bundle without the check', () => {
    const dir = checkout();
    rmSync(join(dir, 'packages', 'core', 'dist', '.tsbuildinfo'));
    rmSync(join(dir, 'packages', 'core', 'dist', 'bundle', '.source'));
    rmSync(join(dir, 'scripts'), { recursive: true });
    expect(wxbot(dir).status).toBe(0);
  });
});
