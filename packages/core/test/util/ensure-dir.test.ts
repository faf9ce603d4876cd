import { mkdtemp, rm, stat, symlink, writeFile, chmod, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DirectoryError, ensureDir } from '../../src/util/ensure-dir.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wxbot-ensure-'));
});
afterEach(async () => {
  await chmod(dir, 0o700).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

/** Runs ensureDir and returns the error it failed with (the test fails when it succeeds). */
async function failure(path: string): Promise<DirectoryError> {
  const err = await ensureDir(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DirectoryError);
  return err as DirectoryError;
}

describe('ensureDir', () => {
  it('creates missing parents, mode 0700, and accepts an existing directory or a link to one', async () => {
    const deep = join(dir, 'a', 'b', 'c');
    expect(await ensureDir(deep)).toBe(deep);
    expect((await stat(deep)).isDirectory()).toBe(true);
    expect((await stat(deep)).mode & 0o777).toBe(0o700);
    expect(await ensureDir(deep)).toBe(deep);
    await symlink(join(dir, 'a'), join(dir, 'link'));
    expect(await ensureDir(join(dir, 'link', 'b', 'd'))).toBe(join(dir, 'link', 'b', 'd'));
    expect((await stat(join(dir, 'a', 'b', 'd'))).isDirectory()).toBe(true);
  });

  it('fails fast on a dangling symlink, naming account.dataDir, the path and the missing target', async () => {
    await symlink(join(dir, 'nowhere'), join(dir, 'data'));
    for (const path of [join(dir, 'data'), join(dir, 'data', 'sub')]) {
      const started = Date.now();
      const err = await failure(path);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(err.message).toMatch(/^account\.dataDir: cannot use "/);
      expect(err.message).toContain(path);
      expect(err.message).toContain('dangling');
      expect(err.message).toContain(join(dir, 'nowhere'));
      expect(err.code).toBe('ENOENT');
    }
  });

  it('fails fast on a symlink loop', async () => {
    await symlink(join(dir, 'b'), join(dir, 'a'));
    await symlink(join(dir, 'a'), join(dir, 'b'));
    const err = await failure(join(dir, 'a', 'data'));
    expect(err.code).toBe('ELOOP');
    expect(err.message).toMatch(/loops/);
  });

  it('fails fast under /proc (where recursive mkdir never returns) and says why', async () => {
    const started = Date.now();
    const err = await failure('/proc/wxbot-data/sub');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(err.message).toContain('account.dataDir: cannot use "/proc/wxbot-data/sub"');
    expect(err.message).toMatch(/virtual file system/);
    expect(err.message).toMatch(/Set account\.dataDir to a directory you can write/);
  });

  it('fails on a file in the way, at any depth', async () => {
    await writeFile(join(dir, 'file'), 'x');
    for (const path of [join(dir, 'file'), join(dir, 'file', 'data')]) {
      const err = await failure(path);
      expect(err.code).toBe('ENOTDIR');
      expect(err.message).toContain(`${join(dir, 'file')} is a file, not a directory`);
    }
    await symlink(join(dir, 'file'), join(dir, 'to-file'));
    expect((await failure(join(dir, 'to-file'))).message).toMatch(/link to a file/);
  });

  it('names the setting it was given', async () => {
    await writeFile(join(dir, 'f'), 'x');
    const err = await ensureDir(join(dir, 'f'), { setting: 'spool' }).catch((e: unknown) => e as Error);
    expect((err as Error).message).toMatch(/^spool: cannot use/);
  });

  (process.getuid?.() === 0 ? it.skip : it)('reports a directory it may not write (EACCES)', async () => {
    const locked = join(dir, 'locked');
    await mkdir(locked);
    await chmod(locked, 0o500);
    const err = await failure(join(locked, 'data'));
    expect(err.code).toBe('EACCES');
    expect(err.message).toMatch(/permission denied/);
    await chmod(locked, 0o700);
  });
});
