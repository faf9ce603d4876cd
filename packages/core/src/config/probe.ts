import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Whether the config search could find anything from `cwd`, answered with a few
 * stats instead of loading cosmiconfig (and through it a YAML parser and more):
 * a bot without a config file, like `wxbot start --simulator` in an empty
 * directory, starts faster and smaller. It mirrors the search `load.ts` asks
 * cosmiconfig for — each directory from `cwd` up to the first one holding a
 * package.json or package.yaml ("project" strategy), the given file names, the
 * `wxbot` key of package.json — and answers true whenever it is unsure
 * (unreadable package.json, cosmiconfig's own meta config in the process's
 * working directory), so cosmiconfig stays the one that decides.
 */
export function mayHaveConfig(cwd: string, places: readonly string[]): boolean {
  if (hasMetaConfig(process.cwd())) return true;
  return configSearchDirs(cwd).some((dir) =>
    places.some((place) => {
      const path = join(dir, place);
      return place === 'package.json' ? packageHasKey(path, 'wxbot') : exists(path);
    }),
  );
}

/**
 * The directories the config search looks in, nearest first: `cwd` and its
 * parents up to the first holding a package.json or package.yaml (the project
 * root), or up to the filesystem root. `wxbot start` names them when it finds nothing.
 */
export function configSearchDirs(cwd: string): string[] {
  const dirs: string[] = [];
  let dir = cwd;
  for (;;) {
    dirs.push(dir);
    if (exists(join(dir, 'package.json')) || exists(join(dir, 'package.yaml'))) return dirs;
    const parent = dirname(dir);
    if (parent === dir) return dirs;
    dir = parent;
  }
}

/**
 * The config the search would settle on when that is a plain JSON file holding an object (the first of
 * `places` found, directory by directory, as `mayHaveConfig` walks them), read and parsed here; undefined
 * whenever cosmiconfig must decide: another kind of file comes first, package.json carries a `wxbot` key,
 * a meta config exists, or the file is empty, unreadable, not JSON or not an object (so its errors and its
 * skipping of empty files stay cosmiconfig's). cosmiconfig and what it pulls in (a YAML parser, a JSON
 * parser with code frames) cost a cold start ~30–60 ms on the bench machine; a JSON config needs none of it.
 */
export function plainJsonConfig(
  cwd: string,
  places: readonly string[],
): { readonly file: string; readonly config: Record<string, unknown> } | undefined {
  if (hasMetaConfig(process.cwd())) return undefined;
  for (const dir of configSearchDirs(cwd)) {
    for (const place of places) {
      const path = join(dir, place);
      if (place === 'package.json') {
        if (packageHasKey(path, 'wxbot')) return undefined;
        continue;
      }
      if (!exists(path)) continue;
      return place.endsWith('.json') ? readJsonObject(path) : undefined;
    }
  }
  return undefined;
}

/** The file's JSON object; undefined for anything else (empty, unreadable, malformed, not an object). */
function readJsonObject(file: string): { file: string; config: Record<string, unknown> } | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    if (text.trim() === '') return undefined;
    const config: unknown = JSON.parse(text);
    if (typeof config !== 'object' || config === null || Array.isArray(config)) return undefined;
    return { file, config: config as Record<string, unknown> };
  } catch {
    return undefined;
  }
}

/** cosmiconfig reads options for every search from these, in the process's working directory. */
const META_PLACES = [
  'package.yaml',
  '.config/config.json',
  '.config/config.yaml',
  '.config/config.yml',
  '.config/config.js',
  '.config/config.ts',
  '.config/config.cjs',
  '.config/config.mjs',
];

function hasMetaConfig(dir: string): boolean {
  return packageHasKey(join(dir, 'package.json'), 'cosmiconfig') || META_PLACES.some((p) => exists(join(dir, p)));
}

function exists(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false }) !== undefined;
}

/** False only when the file is missing or is JSON without that key; anything odd is cosmiconfig's to report. */
function packageHasKey(path: string, key: string): boolean {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
  try {
    const json: unknown = JSON.parse(text);
    return typeof json !== 'object' || json === null || Object.hasOwn(json, key);
  } catch {
    return true;
  }
}
