import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const coreDir = fileURLToPath(new URL('../../', import.meta.url));

/** A throwaway project: files written from a map, `@wxbot/core` linked into node_modules. */
export async function makeProject(
  files: Record<string, string>,
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'wxbot-config-'));
  // A stand-in @wxbot/core that re-exports the plugin and config sources, so tests never depend on a stale dist/.
  const core = join(dir, 'node_modules', '@wxbot', 'core');
  await mkdir(core, { recursive: true });
  await writeFile(
    join(core, 'package.json'),
    JSON.stringify({ name: '@wxbot/core', type: 'module', exports: { '.': './index.ts' } }),
  );
  await writeFile(
    join(core, 'index.ts'),
    ['plugin', 'config']
      .map((area) => `export * from ${JSON.stringify(join(coreDir, 'src', area, 'index.ts'))};\n`)
      .join(''),
  );
  // Plugin authors pick their validator; zod is what the fixtures use.
  await symlink(join(coreDir, 'node_modules', 'zod'), join(dir, 'node_modules', 'zod'), 'dir');
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
