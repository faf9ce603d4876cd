// Core ships as a bundle (decision 0034): one ES module per package entry, shared code in shared chunks.
// What must hold for users: every `exports` entry is a bundle output, each of core's classes exists once
// (an `instanceof` across `@wxbot/core` and `@wxbot/core/client` holds), and a checkout never runs a
// bundle older than its tsc build. Runs the build, as `pnpm build` (or the install's `prepare`) leaves it.
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

import * as root from '../../src/index.js';

const core = fileURLToPath(new URL('../../', import.meta.url));
const bundleDir = join(core, 'dist', 'bundle');
const pkg = JSON.parse(readFileSync(join(core, 'package.json'), 'utf8')) as {
  exports: Record<string, { types: string; default: string } | string>;
  main: string;
  files: string[];
};

test('every package entry runs from the bundle and is typed by tsc', () => {
  expect(existsSync(join(bundleDir, 'cli.js'))).toBe(true); // `pnpm build` first
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') continue; // ./package.json
    expect({ subpath, default: target.default }).toEqual({
      subpath,
      default: expect.stringMatching(/^\.\/dist\/bundle\/[a-z-]+\.js$/) as unknown,
    });
    expect(existsSync(join(core, target.default))).toBe(true);
    expect(existsSync(join(core, target.types))).toBe(true);
  }
  expect(pkg.main).toBe('./dist/bundle/index.js');
});

test("each of the root's classes is defined once in the whole bundle", () => {
  const classes = Object.entries(root)
    .filter(([, v]) => typeof v === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(v)))
    .map(([name]) => name);
  expect(classes.length).toBeGreaterThan(20);
  const files = readdirSync(bundleDir).filter((f) => f.endsWith('.js'));
  const text = files.map((f) => readFileSync(join(bundleDir, f), 'utf8'));
  const defined = classes.map((name) => {
    const re = new RegExp(`(^|[^\\w$.])(class ${name}\\b|${name} = class\\b)`, 'gm');
    return { name, definitions: text.reduce((n, t) => n + (t.match(re)?.length ?? 0), 0) };
  });
  expect(defined.filter((d) => d.definitions !== 1)).toEqual([]);
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

describe('the bin in a checkout', () => {
  let copy: string | undefined;
  afterEach(() => {
    if (copy !== undefined) rmSync(copy, { recursive: true, force: true });
    copy = undefined;
  });

  /** A copy of the package's bin and bundle with tsc's build info, to change one without touching the real one. */
  function checkout(): string {
    copy = mkdtempSync(join(tmpdir(), 'wxbot-bundle-'));
    cpSync(join(core, 'bin'), join(copy, 'bin'), { recursive: true });
    cpSync(bundleDir, join(copy, 'dist', 'bundle'), { recursive: true });
    cpSync(join(core, 'dist', '.tsbuildinfo'), join(copy, 'dist', '.tsbuildinfo'));
    cpSync(join(core, 'package.json'), join(copy, 'package.json'));
    symlinkSync(join(core, 'node_modules'), join(copy, 'node_modules'));
    return copy;
  }
  const wxbot = (dir: string) =>
    spawnSync(process.execPath, [join(dir, 'bin', 'wxbot.js'), '--version'], { encoding: 'utf8', timeout: 20_000 });

  test('runs a bundle made from the current tsc build', () => {
    const dir = checkout();
    const run = wxbot(dir);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toContain(JSON.parse(readFileSync(join(core, 'package.json'), 'utf8')).version as string);
    expect(run.status).toBe(0);
  });

  test('refuses a bundle older than the tsc build, saying what to run', () => {
    const dir = checkout();
    writeFileSync(join(dir, 'dist', '.tsbuildinfo'), '{"changed":true}');
    const run = wxbot(dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/older than its tsc build \(dist\/\)\. Run `pnpm build`/);
  });

  test('refuses a missing bundle', () => {
    const dir = checkout();
    rmSync(join(dir, 'dist', 'bundle'), { recursive: true });
    const run = wxbot(dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/not built \(missing dist\/bundle\/cli\.js\)/);
  });

  test('a published package (no tsc build info) runs its bundle without the check', () => {
    const dir = checkout();
    rmSync(join(dir, 'dist', '.tsbuildinfo'));
    rmSync(join(dir, 'dist', 'bundle', '.source'));
    const run = wxbot(dir);
    expect(run.status).toBe(0);
  });
});
