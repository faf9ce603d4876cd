import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';

import { printQrToTerminal, saveQrPng } from '../../src/client/qr-display.js';

const URL_ = 'https://login.weixin.qq.com/l/abcDEF12==';

describe('QR display (qrcode loaded on first use)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wxbot-qr-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('draws the code with half blocks and prints the URL, twice in a row', async () => {
    for (let i = 0; i < 2; i++) {
      const out = new PassThrough();
      let text = '';
      out.on('data', (c: Buffer) => (text += c.toString('utf8')));
      await printQrToTerminal(URL_, out);
      expect(text).toMatch(/[▀▄█]/);
      expect(text).toContain(`Scan with WeChat, or open: ${URL_}`);
    }
  });

  test('saves a PNG, readable only by the owner', async () => {
    const path = join(dir, 'qr.png');
    await saveQrPng(URL_, path);
    const png = await readFile(path);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  test('a failed save rejects with the file system error and leaves no file', async () => {
    await writeFile(join(dir, 'not-a-dir'), '');
    const path = join(dir, 'not-a-dir', 'qr.png');
    await expect(saveQrPng(URL_, path)).rejects.toThrow(/EEXIST|ENOTDIR/);
    expect(await readdir(dir)).toEqual(['not-a-dir']);
  });
});
