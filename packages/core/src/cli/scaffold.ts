import { access, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

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
    const shown = existing.map((f) => relative(process.cwd(), join(dir, f)) || f);
    throw new Error(
      `refusing to overwrite ${shown.join(', ')} (${existing.length === 1 ? 'it exists' : 'they exist'}); ` +
        'nothing was written. Pick a new directory with --dir <path>, or move the file away.',
    );
  }
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return Object.keys(files);
}
