import { access, mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';

/** The strict TypeScript settings every generated project and plugin starts from (as this repository's). */
export const STRICT_COMPILER_OPTIONS = {
  target: 'ES2022',
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  verbatimModuleSyntax: true,
  skipLibCheck: true,
} as const;

/** Writes files under `dir`, refusing to overwrite any existing one (nothing is written then). */
export async function writeNew(dir: string, files: Readonly<Record<string, string>>): Promise<string[]> {
  const existing: string[] = [];
  for (const name of Object.keys(files)) {
    try {
      await access(join(dir, name));
      existing.push(name);
    } catch {
      // absent: good
    }
  }
  if (existing.length > 0) {
    const one = existing.length === 1;
    throw new Error(
      `refusing to overwrite ${existing.join(', ')} in ${shownPath(dir)} (${one ? 'it exists' : 'they exist'}); ` +
        `nothing was written. Pick a new directory with --dir <path>, or move ${one ? 'the file' : 'those files'} away.`,
    );
  }
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return Object.keys(files);
}

/** A directory as a person at the terminal would type it: relative below the current directory, else absolute. */
export function shownPath(dir: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, dir);
  if (rel === '') return '.';
  return rel.startsWith('..') || isAbsolute(rel) ? dir : rel;
}
