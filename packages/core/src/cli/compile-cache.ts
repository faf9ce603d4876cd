import { lstatSync, mkdirSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Node's on-disk module compile cache (`module.enableCompileCache`, Node ≥ 22.1) for the `wxbot` bin:
 * the V8 code of every module the CLI loads is kept between runs, so a start compiles only what changed
 * (cold start, issue 20). Absent on Node 20: nothing happens there. Only node:* modules here, so loading
 * this costs nothing before the cache is on.
 */

/** The slice of node:module used here; `@types/node` 20 does not know these functions. */
interface CompileCacheApi {
  enableCompileCache?: (dir?: string) => { status: number; message?: string; directory?: string };
  flushCompileCache?: () => void;
}

export interface CompileCacheOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  readonly home?: () => string;
  /** The current user's uid (POSIX); undefined skips the owner check (Windows). */
  readonly uid?: number | undefined;
  readonly api?: CompileCacheApi;
}

/**
 * Where the cache lives: a per-user cache directory, never a shared one (os.tmpdir(), Node's default, is
 * writable by every user, and whoever can write the cache chooses the code the next run executes).
 * `$XDG_CACHE_HOME/wxbot/node-compile-cache` (default `~/.cache`); on Windows `%LOCALAPPDATA%`.
 */
export function compileCacheDir(o: CompileCacheOptions = {}): string | undefined {
  const env = o.env ?? process.env;
  const platform = o.platform ?? process.platform;
  let base: string | undefined;
  if (platform === 'win32') base = env['LOCALAPPDATA'];
  else if (env['XDG_CACHE_HOME']?.startsWith('/')) base = env['XDG_CACHE_HOME'];
  else {
    let home: string;
    try {
      home = (o.home ?? homedir)();
    } catch {
      return undefined; // no home directory (a system user): no cache
    }
    if (home === '' || home === '/') return undefined;
    base = join(home, '.cache');
  }
  return base === undefined || base === '' ? undefined : join(base, 'wxbot', 'node-compile-cache');
}

/** A directory only this user can write: not a symlink, owned by `uid`, no group or other write bit. */
function privateDir(path: string, uid: number | undefined): boolean {
  const st = lstatSync(path);
  if (!st.isDirectory()) return false;
  if (uid === undefined) return true;
  return st.uid === uid && (st.mode & 0o022) === 0;
}

/**
 * Turns the compile cache on, unless this Node has none, the user set NODE_COMPILE_CACHE (Node has then
 * done it already, in the directory they chose) or NODE_DISABLE_COMPILE_CACHE (Node refuses), or the
 * directory cannot be made private. Returns the directory in use, or undefined; never throws: a start
 * must not fail over a cache.
 */
export function enableCompileCache(o: CompileCacheOptions = {}): string | undefined {
  const api = o.api ?? (nodeModule as CompileCacheApi);
  const env = o.env ?? process.env;
  if (typeof api.enableCompileCache !== 'function') return undefined;
  if (env['NODE_COMPILE_CACHE'] !== undefined || env['NODE_DISABLE_COMPILE_CACHE'] !== undefined) return undefined;
  const dir = compileCacheDir(o);
  if (dir === undefined) return undefined;
  const uid = 'uid' in o ? o.uid : process.getuid?.();
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!privateDir(dir, uid) || !privateDir(dirname(dir), uid)) return undefined;
    const result = api.enableCompileCache(dir);
    // Statuses: 0 FAILED, 1 ENABLED, 2 ALREADY_ENABLED, 3 DISABLED (module.constants.compileCacheStatus).
    return result.status === 1 || result.status === 2 ? (result.directory ?? dir) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes what the cache gathered so far (Node ≥ 22.10; otherwise it is written at exit): called once the
 * bot runs, so a bot that is later killed (SIGKILL, OOM) still leaves a warm cache for the next start.
 */
export function flushCompileCache(api: CompileCacheApi = nodeModule as CompileCacheApi): void {
  try {
    api.flushCompileCache?.();
  } catch {
    // a cache that cannot be written is only a slower next start
  }
}
