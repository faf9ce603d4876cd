import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The layer order of packages/core/README.md: each folder imports only from its own layer or the ones
 * below it (folders on one rank may import each other). log/, util/ and runtime/ import nothing of core's
 * other folders, so anything may use them; testing/ and index.ts sit on top.
 */
const RANK: Readonly<Record<string, number>> = {
  cli: 0,
  bot: 1,
  config: 2,
  plugin: 3,
  transport: 4,
  client: 5,
  message: 6,
  contact: 7,
  session: 7,
  storage: 7,
  wire: 8,
};
const LEAVES = new Set(['log', 'util', 'runtime']);

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every relative import (static, re-export or dynamic) of `file`, as the top folder it lands in. */
function importedFolders(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom|\bimport\(?)\s*'(\.\.?\/[^']+)'/g)) {
    const target = relative(src, normalize(join(dirname(file), m[1]!)));
    found.push(target.split(sep)[0]!);
  }
  return found;
}

describe('core layers', () => {
  const all = files(src).map((f) => ({ file: relative(src, f), folder: relative(src, f).split(sep)[0]! }));

  test('no folder imports from a layer above its own', () => {
    const upward: string[] = [];
    for (const { file, folder } of all) {
      const rank = RANK[folder];
      if (rank === undefined) continue;
      for (const target of importedFolders(join(src, file))) {
        const to = RANK[target];
        if (to !== undefined && to < rank) upward.push(`${file} imports ${target}/ (layer ${to} above ${rank})`);
      }
    }
    expect(upward).toEqual([]);
  });

  test('log/, util/ and runtime/ import nothing else of core', () => {
    const outward = all
      .filter(({ folder }) => LEAVES.has(folder))
      .flatMap(({ file, folder }) =>
        importedFolders(join(src, file))
          .filter((t) => t !== folder && t !== 'util')
          .map((t) => `${file} imports ${t}/`),
      );
    expect(outward).toEqual([]);
  });

  test('the check sees the imports it is meant to refuse', () => {
    // A guard against a regex that matches nothing: the client does import the wire.
    expect(importedFolders(join(src, 'client', 'client.ts'))).toContain('wire');
  });
});
