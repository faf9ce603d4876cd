import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { numberedName, reserveDownload } from '../../src/client/download-file.js';
import { InvalidArgument } from '../../src/client/errors.js';
import { sanitizeFileName } from '../../src/client/media.js';
import { tempDir } from './helpers.js';

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
