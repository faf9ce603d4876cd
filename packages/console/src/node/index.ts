// @wxbot/console, the Node side: where the built console is, and a safe way to read a file of it for
// a server that serves it (packages/server). The app itself is in src/app and built by Vite.
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export { phoneRelay, PhoneInputError } from './phone.js';
export type { PhoneRelay, PhoneWorld, PhoneSay } from './phone.js';

/** The directory of the built console (index.html, assets/): dist/app of this package. */
export function consoleDir(): string {
  // dist/node/index.js → dist/app; the same from src/node/index.ts (tests) → ../../dist/app.
  const here = fileURLToPath(new URL('.', import.meta.url));
  return resolve(here, here.includes(`${sep}src${sep}`) ? '../../dist/app' : '../app');
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface ConsoleAsset {
  readonly body: Buffer;
  readonly type: string;
  /** Hashed assets never change; index.html must be re-read so a new build is picked up. */
  readonly cacheControl: string;
}

/**
 * The file for a path under the console's mount point (`/`, `/index.html`, `/assets/index-x.js`),
 * or undefined when there is none. Never leaves `dir` (`..`, encoded or not, finds nothing); an
 * unknown path without an extension is the app itself (index.html), so a reload on any page works.
 */
export async function consoleAsset(path: string, dir = consoleDir()): Promise<ConsoleAsset | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.split(/[?#]/)[0] ?? '');
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const root = resolve(dir);
  let file = resolve(join(root, decoded));
  if (file !== root && !file.startsWith(root + sep)) return undefined;
  if (file === root || extname(file) === '') file = join(root, 'index.html');
  try {
    if (!(await stat(file)).isFile()) return undefined;
    const body = await readFile(file);
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const hashed = file.startsWith(join(root, 'assets') + sep);
    return { body, type, cacheControl: hashed ? 'public, max-age=31536000, immutable' : 'no-cache' };
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Headers to send with the console's files: the page loads nothing from elsewhere and may not be framed,
 * and never sends its URL (with a `#token=` only the browser sees, but still) as a referrer.
 */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};
