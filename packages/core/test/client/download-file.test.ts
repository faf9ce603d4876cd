import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNotDataDir, numberedName, reserveDownload } from '../../src/client/download-file.js';
import { InvalidArgument } from '../../src/client/errors.js';
import { sanitizeFileName } from '../../src/client/media.js';

// Not ./helpers.js: that loads the simulator, and mutation runs load this file for every mutant.
function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'wxbot-download-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('download file names', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('numbers a taken name before its extension', () => {
    expect(numberedName('report.pdf', 0)).toBe('report.pdf');
    expect(numberedName('report.pdf', 2)).toBe('report (2).pdf');
    expect(numberedName('README', 1)).toBe('README (1)');
    expect(numberedName('a.tar.gz', 3)).toBe('a.tar (3).gz');
  });

  it('never overwrites: an existing file keeps its bytes and the download gets "name (1).ext"', async () => {
    const dir = join(tmp.dir, 'dl');
    await mkdir(dir);
    await writeFile(join(dir, 'a.pdf'), 'old');
    const r = await reserveDownload(dir, 'a.pdf');
    await writeFile(r.tmp, 'new');
    await r.commit();
    expect(r.path).toBe(join(dir, 'a (1).pdf'));
    expect(await readFile(join(dir, 'a.pdf'), 'utf8')).toBe('old');
    expect(await readFile(r.path, 'utf8')).toBe('new');
  });

  it('gives racing downloads of the same name distinct files (exclusive create)', async () => {
    const dir = join(tmp.dir, 'dl');
    const got = await Promise.all(Array.from({ length: 8 }, () => reserveDownload(dir, 'same.txt')));
    expect(new Set(got.map((r) => r.path)).size).toBe(8);
    expect((await readdir(dir)).sort()).toEqual(
      ['same.txt', ...Array.from({ length: 7 }, (_, i) => `same (${i + 1}).txt`)].sort(),
    );
  });

  it('a failed download leaves neither the temp file nor the reserved name behind', async () => {
    const dir = join(tmp.dir, 'dl');
    const r = await reserveDownload(dir, 'x.bin');
    await writeFile(r.tmp, 'partial');
    await r.abort();
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a name that resolves outside the directory', async () => {
    await expect(reserveDownload(join(tmp.dir, 'dl'), '../escape.txt')).rejects.toThrow(/outside/);
    expect(await readdir(tmp.dir)).toEqual(['dl']);
  });

  it('a download directory that cannot be created fails fast and says so (no mkdir -p spin under /proc)', async () => {
    await expect(reserveDownload('/proc/wxbot-downloads', 'a.txt')).rejects.toThrow(
      /^the download directory: cannot use "\/proc\/wxbot-downloads": \/proc is a virtual file system/,
    );
  });

  it("refuses the account's data dir (and the dirs wxbot writes in it), naming the option", async () => {
    const data = join(tmp.dir, '.wxbot');
    await mkdir(data);
    const err = await reserveDownload(data, 'bot.session.json', data).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgument);
    expect((err as Error).message).toMatch(/account\.dataDir/);
    expect((err as Error).message).toMatch(/session and journals/);
    await expect(reserveDownload(join(data, 'storage'), 'p.json', data)).rejects.toThrow(/account\.dataDir/);
    await expect(reserveDownload(join(data, '.'), 'p.json', data)).rejects.toThrow(/account\.dataDir/);
    expect(await readdir(data)).toEqual(['storage']);
    const ok = await reserveDownload(join(data, 'downloads'), 'p.json', data);
    expect(ok.path).toBe(join(data, 'downloads', 'p.json'));
  });
});

describe('download file names: edges', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('numbers with a string suffix too', () => {
    expect(numberedName('a.txt', '9f3c')).toBe('a (9f3c).txt');
    expect(numberedName('a.txt', 1000)).toBe('a (1000).txt');
  });

  it('creates the reserved file private (0600) and writes into a hidden .part beside it', async () => {
    const dir = join(tmp.dir, 'dl');
    const r = await reserveDownload(dir, 'a.pdf');
    expect(r.path).toBe(join(dir, 'a.pdf'));
    expect((await stat(r.path)).mode & 0o077).toBe(0);
    expect(r.tmp).toMatch(/^.*\/a\.pdf\.[0-9a-f]{8}\.part$/);
    expect(r.tmp.startsWith(`${r.path}.`)).toBe(true);
    await writeFile(r.tmp, 'x');
    await r.commit();
    expect(await readdir(dir)).toEqual(['a.pdf']);
    expect(await readFile(r.path, 'utf8')).toBe('x');
  });

  it('after 999 numbered names takes one random suffix instead of looping on', async () => {
    const dir = join(tmp.dir, 'dl');
    await mkdir(dir);
    await writeFile(join(dir, 'f.txt'), '');
    for (let n = 1; n <= 999; n++) await writeFile(join(dir, `f (${n}).txt`), '');
    const r = await reserveDownload(dir, 'f.txt');
    expect(r.path).toMatch(/\/f \([0-9a-f]{8}\)\.txt$/);
    expect((await readdir(dir)).length).toBe(1001);
  });

  it('refuses a sibling directory whose name starts like the target (no prefix match)', async () => {
    await expect(reserveDownload(join(tmp.dir, 'dl'), '../dl-evil/x.txt')).rejects.toThrow(
      `refusing to write outside ${join(tmp.dir, 'dl')}`,
    );
    await expect(reserveDownload(join(tmp.dir, 'dl'), '../dl-evil/x.txt')).rejects.toMatchObject({
      name: 'InvalidArgument',
      endpoint: 'download',
    });
    expect(await readdir(tmp.dir)).toEqual(['dl']);
  });

  it('passes on an error other than "exists" (no silent retry under another name)', async () => {
    const err = await reserveDownload(join(tmp.dir, 'dl'), `${'n'.repeat(300)}.txt`).catch((e: unknown) => e);
    expect((err as NodeJS.ErrnoException).code).toBe('ENAMETOOLONG');
    expect(await readdir(join(tmp.dir, 'dl'))).toEqual([]);
  });

  it("refuses the outbox spool and anything inside wxbot's own dirs; allows the rest of the data dir's tree", async () => {
    const data = join(tmp.dir, 'data');
    await mkdir(data);
    for (const dir of [join(data, 'outbox-media'), join(data, 'storage', 'plugin-x')]) {
      const err = await reserveDownload(dir, 'a.txt', data).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidArgument);
      expect(err).toMatchObject({ endpoint: 'download' });
      expect((err as Error).message).toContain(`refusing to download into ${dir}: it is the data directory`);
      expect((err as Error).message).toContain(`dataDir option, ${data})`);
      expect((err as Error).message).toContain(
        "Pass a directory of its own as the download target, e.g. { dir: './downloads' }",
      );
    }
    await expect(reserveDownload(join(tmp.dir, 'data-downloads'), 'a.txt', data)).resolves.toBeDefined();
    await expect(reserveDownload(join(data, 'storage-x'), 'a.txt', data)).resolves.toBeDefined();
  });

  it('compares paths as given when they do not exist yet, and ignores an unset data dir', async () => {
    await expect(assertNotDataDir(join(tmp.dir, 'no', 'a'), join(tmp.dir, 'no', 'b'))).resolves.toBeUndefined();
    await expect(assertNotDataDir(join(tmp.dir, 'no', 'a'), join(tmp.dir, 'no', 'a'))).rejects.toThrow(
      /account\.dataDir/,
    );
    await expect(assertNotDataDir(process.cwd(), '')).resolves.toBeUndefined();
    await expect(assertNotDataDir(process.cwd(), undefined)).resolves.toBeUndefined();
  });

  it('abort is best effort: nothing to remove is not an error', async () => {
    const dir = join(tmp.dir, 'dl');
    const r = await reserveDownload(dir, 'x.bin');
    await r.abort();
    await expect(r.abort()).resolves.toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('sanitizeFileName: every rule', () => {
  it.each([
    ['dir\\sub\\name.txt', 'name.txt'],
    ['a/b/', 'fallback.bin'],
    ['', 'fallback.bin'],
    ['   ', 'fallback.bin'],
    ['a\u001fb\u007fc.txt', 'a_b_c.txt'],
    ['<>:"|?*.txt', '_______.txt'],
    ['  lead.txt', 'lead.txt'],
    ['trail.txt. . ', 'trail.txt'],
    ['mid dle.txt', 'mid dle.txt'],
    ['con', '_con'],
    ['PRN.log', '_PRN.log'],
    ['aux', '_aux'],
    ['nul.tar.gz', '_nul.tar.gz'],
    ['com1', '_com1'],
    ['LPT9.txt', '_LPT9.txt'],
    ['console.txt', 'console.txt'],
    ['com.txt', 'com.txt'],
    ['xcon', 'xcon'],
    ['..hidden', '__hidden'],
  ])('%j → %j', (input, out) => {
    expect(sanitizeFileName(input, 'fallback.bin')).toBe(out);
  });

  it('cuts a name over 200 bytes to 180 bytes plus its extension (at most 16 characters of it)', () => {
    expect(sanitizeFileName('a'.repeat(201), 'f')).toBe('a'.repeat(180));
    expect(sanitizeFileName(`${'a'.repeat(250)}.pdf`, 'f')).toBe(`${'a'.repeat(180)}.pdf`);
    expect(sanitizeFileName(`${'a'.repeat(250)}.${'x'.repeat(30)}`, 'f')).toBe(`${'a'.repeat(180)}.${'x'.repeat(15)}`);
    const twoByte = `a${'é'.repeat(150)}`; // 301 bytes; byte 180 falls inside an é
    expect(sanitizeFileName(twoByte, 'f')).toBe(`a${'é'.repeat(89)}`);
    expect(Buffer.byteLength(sanitizeFileName('名'.repeat(67), 'f'))).toBe(180);
    // Only the replacement characters the cut made at the very end go; one in the name itself stays.
    const early = `\uFFFD${'a'.repeat(171)}\uFFFD\uFFFD名${'b'.repeat(50)}`; // the cut falls after the second
    expect(sanitizeFileName(early, 'f')).toBe(`\uFFFD${'a'.repeat(171)}`);
  });
});

describe('sanitizeFileName', () => {
  it('keeps ".", ".." and "..." distinct and safe instead of collapsing them to the fallback', () => {
    const names = ['.', '..', '...'].map((n) => sanitizeFileName(n, 'download.bin'));
    expect(names).toEqual(['_', '__', '___']);
    expect(sanitizeFileName('.bashrc', 'f')).toBe('_bashrc');
    expect(sanitizeFileName(' . ', 'f')).toBe('_');
  });

  it('caps the length at 200 bytes and keeps the extension', () => {
    const out = sanitizeFileName(`${'名'.repeat(300)}.pdf`, 'f');
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(200);
    expect(out.endsWith('.pdf')).toBe(true);
    expect(sanitizeFileName('a'.repeat(200), 'f')).toBe('a'.repeat(200));
    expect(sanitizeFileName('a'.repeat(201), 'f').length).toBeLessThan(201);
  });
});
