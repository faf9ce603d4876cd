import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

import { createSimulator, type Simulator } from '@wxbot/simulator';

import { main } from '../../src/cli/main.js';
import { makeProject } from '../config/helpers.js';
import { memoryIo, waitUntil } from './helpers.js';

const SLOW = 30_000;

describe('login progress', () => {
  let sim: Simulator | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await sim?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    sim = undefined;
    dir = undefined;
  });

  test(
    'wxbot login names the saved QR PNG, says when it was scanned, later resumes the saved session; logout is quiet',
    async () => {
      sim = await createSimulator({ autoConfirm: false, loginPollHoldMs: 100, synccheckHoldMs: 100 });
      const p = await makeProject({ 'package.json': '{"type":"module"}' });
      dir = p.dir;
      const png = join(p.dir, 'login-qr.png');
      const { writeFile } = await import('node:fs/promises');
      await writeFile(
        join(p.dir, 'bot.config.json'),
        JSON.stringify({
          account: { hosts: { login: sim.loginUrl, main: sim.url }, qr: { terminal: false, pngPath: png } },
          plugins: [],
        }),
      );
      const first = memoryIo(p.dir);
      const exit = main(['login'], first.io);
      await waitUntil(() => first.err().includes('QR code saved to'), 'the QR line');
      expect(first.err()).toContain(`QR code saved to ${png} — scan it with WeChat`);
      expect(existsSync(png)).toBe(true);
      expect(first.err()).not.toContain('Scanned');
      sim.scan();
      await waitUntil(() => first.err().includes('Scanned — confirm the login on your phone.'), 'the scanned line');
      sim.confirm();
      expect(await exit).toBe(0);
      expect(first.err()).toContain('Logged in as');
      expect(first.err()).not.toContain('Resumed');

      const second = memoryIo(p.dir);
      expect(await main(['login'], second.io)).toBe(0);
      expect(second.err()).toContain('Resumed the saved session (no scan needed).');
      expect(second.err()).not.toContain('QR code');

      const out = memoryIo(p.dir);
      expect(await main(['logout'], out.io)).toBe(0);
      expect(out.err()).toContain('Logged out; the saved session is deleted.');
      // The resumed sync loop sees its own logout: that is not worth a warning.
      expect(out.out()).not.toContain('"level":40');
    },
    SLOW,
  );
});
