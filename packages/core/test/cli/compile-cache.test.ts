import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { compileCacheDir, enableCompileCache, flushCompileCache } from '../../src/cli/compile-cache.js';

let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wxbot-compile-cache-'));
  dirs.push(dir);
  return dir;
}

/** A stand-in for node:module's cache functions that records the directory it was given. */
function recorder(status = 1) {
  const calls: Array<string | undefined> = [];
  return {
    calls,
    api: {
      enableCompileCache: (dir?: string) => {
        calls.push(dir);
        return dir === undefined ? { status } : { status, directory: dir };
      },
    },
  };
}

const uid = process.getuid?.();
const posix = process.platform !== 'win32';

describe('compileCacheDir: a per-user directory, never a shared one', () => {
  test('XDG_CACHE_HOME, else ~/.cache; LOCALAPPDATA on Windows', () => {
    expect(compileCacheDir({ platform: 'linux', env: { XDG_CACHE_HOME: '/x/cache' }, home: () => '/home/a' })).toBe(
      join('/x/cache', 'wxbot', 'node-compile-cache'),
    );
    expect(compileCacheDir({ platform: 'darwin', env: {}, home: () => '/home/a' })).toBe(
      join('/home/a', '.cache', 'wxbot', 'node-compile-cache'),
    );
    // A relative XDG_CACHE_HOME is invalid by the spec: ignored.
    expect(compileCacheDir({ platform: 'linux', env: { XDG_CACHE_HOME: 'rel' }, home: () => '/home/a' })).toBe(
      join('/home/a', '.cache', 'wxbot', 'node-compile-cache'),
    );
    expect(compileCacheDir({ platform: 'win32', env: { LOCALAPPDATA: 'C:\\Users\\a\\AppData\\Local' } })).toBe(
      join('C:\\Users\\a\\AppData\\Local', 'wxbot', 'node-compile-cache'),
    );
  });

  test('no home directory (or /): no cache, rather than one in a shared place', () => {
    const throwing = () => {
      throw new Error('no home');
    };
    expect(compileCacheDir({ platform: 'linux', env: {}, home: throwing })).toBeUndefined();
    expect(compileCacheDir({ platform: 'linux', env: {}, home: () => '/' })).toBeUndefined();
    expect(compileCacheDir({ platform: 'win32', env: {} })).toBeUndefined();
  });
});

describe('enableCompileCache', () => {
  test('makes the directory private (0700) and hands it to Node', async () => {
    const base = await tempDir();
    const r = recorder();
    const dir = enableCompileCache({ env: { XDG_CACHE_HOME: base }, api: r.api, platform: 'linux', uid });
    expect(dir).toBe(join(base, 'wxbot', 'node-compile-cache'));
    expect(r.calls).toEqual([dir]);
    if (posix) expect(statSync(dir!).mode & 0o777).toBe(0o700);
  });

  test('the user chose (NODE_COMPILE_CACHE) or refused (NODE_DISABLE_COMPILE_CACHE): left to Node', async () => {
    const base = await tempDir();
    for (const env of [{ NODE_COMPILE_CACHE: join(base, 'mine') }, { NODE_DISABLE_COMPILE_CACHE: '1' }]) {
      const r = recorder();
      expect(enableCompileCache({ env: { ...env, XDG_CACHE_HOME: base }, api: r.api, platform: 'linux' })).toBe(
        undefined,
      );
      expect(r.calls).toEqual([]);
    }
    expect(existsSync(join(base, 'wxbot'))).toBe(false);
  });

  test('a Node without the cache (20): nothing done, nothing created', async () => {
    const base = await tempDir();
    expect(enableCompileCache({ env: { XDG_CACHE_HOME: base }, api: {}, platform: 'linux' })).toBeUndefined();
    expect(existsSync(join(base, 'wxbot'))).toBe(false);
  });

  (posix ? test : test.skip)('a directory others can write, or another user owns, is not used', async () => {
    const base = await tempDir();
    const dir = join(base, 'wxbot', 'node-compile-cache');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o777);
    const r = recorder();
    expect(enableCompileCache({ env: { XDG_CACHE_HOME: base }, api: r.api, platform: 'linux', uid })).toBeUndefined();
    chmodSync(dir, 0o700);
    chmodSync(join(base, 'wxbot'), 0o775);
    expect(enableCompileCache({ env: { XDG_CACHE_HOME: base }, api: r.api, platform: 'linux', uid })).toBeUndefined();
    chmodSync(join(base, 'wxbot'), 0o700);
    const other = (uid ?? 0) + 1;
    expect(enableCompileCache({ env: { XDG_CACHE_HOME: base }, api: r.api, platform: 'linux', uid: other })).toBe(
      undefined,
    );
    expect(r.calls).toEqual([]);
    // Once private and ours, it is used.
    expect(enableCompileCache({ env: { XDG_CACHE_HOME: base }, api: r.api, platform: 'linux', uid })).toBe(dir);
  });

  test('never throws: a directory that cannot be made, or a refusing Node, means no cache', async () => {
    const base = await tempDir();
    const file = join(base, 'file');
    writeFileSync(file, '');
    expect(enableCompileCache({ env: { XDG_CACHE_HOME: file }, api: recorder().api, platform: 'linux' })).toBe(
      undefined,
    );
    expect(
      enableCompileCache({ env: { XDG_CACHE_HOME: base }, api: recorder(0).api, platform: 'linux', uid }),
    ).toBeUndefined();
    expect(() => {
      flushCompileCache({
        flushCompileCache: () => {
          throw new Error('read-only');
        },
      });
    }).not.toThrow();
  });
});

// Runs where Node has the cache (22.1+: `pnpm test:node-lts`); on Node 20 there is nothing to see.
const hasCache = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function';
const bin = fileURLToPath(new URL('../../bin/wxbot.js', import.meta.url));
(hasCache && posix ? test : test.skip)(
  'the wxbot bin fills a private cache under XDG_CACHE_HOME',
  async () => {
    const base = await tempDir();
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: base };
    delete env['NODE_COMPILE_CACHE'];
    delete env['NODE_DISABLE_COMPILE_CACHE'];
    const r = spawnSync(process.execPath, [bin, '--version'], { env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const dir = join(base, 'wxbot', 'node-compile-cache');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    // One subdirectory per Node version, holding the compiled modules.
    const [sub] = readdirSync(dir);
    expect(readdirSync(join(dir, sub!)).length).toBeGreaterThan(0);
  },
  30_000,
);
