import { randomBytes } from 'node:crypto';
import { open, realpath, rename, rm } from 'node:fs/promises';
import { extname, join, relative, resolve, sep, isAbsolute } from 'node:path';
import { ensureDir } from '../util/ensure-dir.js';
import { InvalidArgument } from './errors.js';

/** Sub-directories of the data dir that wxbot itself writes (outbox spool, plugin storage). */
const OWN_SUBDIRS = ['outbox-media', 'storage'];

/** How many `name (n).ext` candidates are tried before a random suffix (bounded: no endless loop). */
const MAX_NUMBERED = 999;

/** A file reserved for a download: write `tmp` (create it exclusively: `wx`), then `commit()` moves it onto `path`. */
export interface ReservedFile {
  readonly path: string;
  readonly tmp: string;
  /** Moves the finished temp file onto the reserved name. */
  commit(): Promise<void>;
  /** Removes the temp file and the reservation (a failed download leaves nothing behind). */
  abort(): Promise<void>;
}

/** `report.pdf`, 2 → `report (2).pdf`; `README`, 1 → `README (1)`. */
export function numberedName(name: string, n: number | string): string {
  if (n === 0) return name;
  const ext = extname(name);
  return `${name.slice(0, name.length - ext.length)} (${n})${ext}`;
}

async function canonical(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return resolve(path);
  }
}

function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Refuses a download directory that is the account's data dir (or a directory
 * wxbot writes inside it): a received file named like the session or a journal
 * must never be able to land next to them.
 */
export async function assertNotDataDir(dir: string, dataDir: string | undefined): Promise<void> {
  if (dataDir === undefined || dataDir === '') return;
  const target = await canonical(dir);
  const data = await canonical(dataDir);
  const own = await Promise.all(OWN_SUBDIRS.map((d) => canonical(join(data, d))));
  if (target === data || own.some((d) => isInside(target, d))) {
    throw new InvalidArgument(
      'download',
      `refusing to download into ${target}: it is the data directory (account.dataDir / the client's dataDir option, ` +
        `${data}) or a directory wxbot writes inside it, which holds the session and journals. ` +
        `Pass a directory of its own as the download target, e.g. { dir: './downloads' }.`,
    );
  }
}

/**
 * Reserves a file name in `root` that no existing file has: `safe`, else
 * `safe (1)`, `safe (2)`, … Each candidate is created with an exclusive open
 * (`wx`), so two downloads racing for the same name get different files and
 * nothing is ever overwritten.
 */
export async function reserveDownload(dir: string, safe: string, dataDir?: string): Promise<ReservedFile> {
  // Bounded and explained, unlike mkdir -p (which spins forever under /proc).
  const root = await ensureDir(dir, { setting: 'the download directory' });
  await assertNotDataDir(root, dataDir);
  for (let n = 0; n <= MAX_NUMBERED + 1; n++) {
    // Past the numbered names, one random suffix: a full directory costs 1,000 tries, not a loop.
    const name = numberedName(safe, n > MAX_NUMBERED ? randomBytes(4).toString('hex') : n);
    const path = resolve(join(root, name));
    if (!path.startsWith(root + sep)) throw new InvalidArgument('download', `refusing to write outside ${root}`);
    try {
      const fh = await open(path, 'wx', 0o600);
      await fh.close();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    const tmp = `${path}.${randomBytes(4).toString('hex')}.part`;
    return {
      path,
      tmp,
      commit: () => rename(tmp, path),
      // Best effort: the error that made the download fail is the one the caller must see.
      abort: async () => {
        await rm(tmp, { force: true }).catch(() => undefined);
        await rm(path, { force: true }).catch(() => undefined);
      },
    };
  }
  throw new InvalidArgument('download', `no free name for ${JSON.stringify(safe)} in ${root}`);
}
