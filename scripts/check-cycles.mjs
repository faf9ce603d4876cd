#!/usr/bin/env node
// Fails when any package's sources import each other in a circle (type-only imports count:
// they couple files just the same). Run by `pnpm lint` and by packages/core/test/import-cycles.test.ts.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import madge from 'madge';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every import cycle among packages/<name>/src files, each as its list of paths. */
export async function findCycles(dirs = sourceDirs()) {
  const graph = await madge(dirs, {
    baseDir: root,
    fileExtensions: ['ts'],
    // Workspace imports (`@wxbot/core`) resolve to sources through the tsconfig paths, never to dist/.
    tsConfig: join(root, 'tsconfig.json'),
    excludeRegExp: [/[\\/]dist[\\/]/, /[\\/]node_modules[\\/]/],
  });
  return graph.circular();
}

function sourceDirs() {
  return readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join('packages', d.name, 'src'))
    .filter((d) => {
      try {
        return readdirSync(join(root, d)).length > 0;
      } catch {
        return false;
      }
    });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dirs = process.argv.length > 2 ? process.argv.slice(2) : undefined;
  const cycles = await findCycles(dirs);
  if (cycles.length > 0) {
    process.stderr.write(
      `${cycles.length} import cycle(s); break each by moving the shared type or value down a layer:\n`,
    );
    for (const c of cycles) process.stderr.write(`  ${c.join(' → ')} → ${c[0]}\n`);
    process.exit(1);
  }
  process.stdout.write('no import cycles\n');
}
