import { constants } from 'node:fs';
import { access, lstat, mkdir, readlink, stat } from 'node:fs/promises';
import { dirname, isAbsolute, parse, resolve, sep } from 'node:path';

/**
 * A directory wxbot needs (the data dir) cannot be used. The message names the
 * setting, the path, what is wrong and what to do.
 */
export class DirectoryError extends Error {
  override name = 'DirectoryError';
  constructor(
    /** The setting that named the directory, e.g. `account.dataDir`. */
    readonly setting: string,
    readonly path: string,
    /** The errno code behind it (ENOTDIR, ELOOP, EACCES, ...), when there is one. */
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

export interface EnsureDirOptions {
  /** The setting named in errors. Default `account.dataDir`. */
  readonly setting?: string;
  /** Mode for directories created. Default 0o700 (the data dir holds session cookies). */
  readonly mode?: number;
}

/** Virtual file systems: nothing wxbot writes can live there, and recursive mkdir under /proc never returns. */
const VIRTUAL_ROOTS = ['/proc', '/sys', '/dev'];

function codeOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Creates `dir` (and missing parents) one component at a time and checks it is
 * a writable directory. Unlike `mkdir({ recursive: true })`, which spins
 * forever on some paths (under /proc) without a word, it does one bounded pass
 * over the path's components and fails fast on the first problem — a dangling
 * or looping symlink, a file in the way, a virtual file system, no permission —
 * with an error naming the setting, the path and the fix.
 */
export async function ensureDir(dir: string, options: EnsureDirOptions = {}): Promise<string> {
  const setting = options.setting ?? 'account.dataDir';
  const mode = options.mode ?? 0o700;
  const target = resolve(dir);
  const fail = (path: string, code: string | undefined, what: string, fix: string): never => {
    const at = path === target ? '' : ` (at ${path})`;
    throw new DirectoryError(setting, target, code, `${setting}: cannot use "${target}"${at}: ${what}. ${fix}`);
  };
  const writable = `${setting} to a directory you can write, e.g. ".wxbot" next to the config file`;
  const elsewhere = `Set ${writable}.`;

  for (const root of VIRTUAL_ROOTS) {
    if (target === root || target.startsWith(root + sep))
      fail(target, undefined, `${root} is a virtual file system that cannot hold files`, elsewhere);
  }

  // From the root down: every existing component must be a directory (or a link to one); the rest are created.
  const { root } = parse(target);
  const parts = target.slice(root.length).split(sep).filter(Boolean);
  let path = root;
  for (const part of parts) {
    path = path === root ? `${root}${part}` : `${path}${sep}${part}`;
    let info;
    try {
      info = await lstat(path);
    } catch (err) {
      if (codeOf(err) !== 'ENOENT') return describe(err, path);
      try {
        await mkdir(path, { mode });
        continue;
      } catch (mkErr) {
        // Another process created it meanwhile: check what it is, once.
        if (codeOf(mkErr) === 'EEXIST') info = await lstat(path).catch((e: unknown) => describe(e, path));
        else return describe(mkErr, path);
      }
    }
    if (info.isSymbolicLink()) {
      let to;
      try {
        to = await stat(path); // follows the chain; the kernel bounds it (ELOOP)
      } catch (err) {
        const link = await readlink(path).catch(() => '?');
        if (codeOf(err) === 'ENOENT')
          fail(
            path,
            'ENOENT',
            `${path} is a symbolic link to "${link}", which does not exist (a dangling link)`,
            `Create "${isAbsolute(link) ? link : resolve(dirname(path), link)}", or remove the link, or set ${setting} elsewhere.`,
          );
        if (codeOf(err) === 'ELOOP')
          fail(
            path,
            'ELOOP',
            `${path} is a symbolic link that loops back on itself`,
            `Fix or remove the link, or set ${setting} elsewhere.`,
          );
        return describe(err, path);
      }
      if (!to.isDirectory())
        fail(
          path,
          'ENOTDIR',
          `${path} is a symbolic link to a file, not to a directory`,
          `Remove it or set ${setting} elsewhere.`,
        );
    } else if (!info.isDirectory()) {
      fail(path, 'ENOTDIR', `${path} is a file, not a directory`, `Move the file away or set ${setting} elsewhere.`);
    }
  }

  try {
    await access(target, constants.W_OK | constants.X_OK);
  } catch (err) {
    describe(err, target);
  }
  return target;

  function describe(err: unknown, at: string): never {
    const code = codeOf(err);
    switch (code) {
      case 'EACCES':
      case 'EPERM':
        return fail(at, code, `permission denied (${code})`, `Give this user write access to it, or set ${writable}.`);
      case 'ELOOP':
        return fail(at, code, 'too many symbolic links (a loop)', `Fix the links, or set ${setting} elsewhere.`);
      case 'ENOTDIR':
        return fail(
          at,
          code,
          'a file is in the way where a directory is needed',
          `Move it away, or set ${setting} elsewhere.`,
        );
      case 'EROFS':
        return fail(at, code, 'the file system is read-only', elsewhere);
      case 'ENOENT':
        // mkdir in an existing parent answered "no such file": a file system that refuses new directories.
        return fail(at, code, 'the file system refuses to create directories there', elsewhere);
      default:
        return fail(at, code, (err as Error).message, elsewhere);
    }
  }
}
