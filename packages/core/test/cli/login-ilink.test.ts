import { access, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { IlinkSimulator } from '@wxbot/simulator';

import { main } from '../../src/cli/main.js';
import { makeProject } from '../config/helpers.js';
import { memoryIo } from './helpers.js';

const SLOW = 30_000;
let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.map((c) => c()));
  cleanups = [];
});

describe('wxbot login / logout on an iLink account', () => {
  test(
    'login scans (the simulated phone confirms), saves the bot token 0600; logout deletes it',
    async () => {
      const sim = await IlinkSimulator.start({ autoConfirm: true, qrPollMs: 100 });
      cleanups.push(() => sim.stop());
      const p = await makeProject({
        'package.json': '{"type":"module"}',
        'bot.config.ts': `import { defineConfig } from '@wxbot/core';
        export default defineConfig({
          account: { transport: 'ilink', ilink: { apiBaseUrl: '${sim.baseUrl}', cdnBaseUrl: '${sim.cdnBaseUrl}' } },
          logging: { level: 'error' },
          plugins: [],
        });`,
      });
      cleanups.push(p.cleanup);
      const login = memoryIo(p.dir);
      expect(await main(['login'], login.io)).toBe(0);
      expect(login.err()).toContain(`Logged in as bot ${sim.botId}`);
      const file = join(p.dir, '.wxbot', 'default_ilink-session.json');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(sim.world.issuedTokens).toHaveLength(1);

      const logout = memoryIo(p.dir);
      expect(await main(['logout'], logout.io)).toBe(0);
      expect(logout.err()).toContain('the saved bot token is deleted');
      await expect(access(file)).rejects.toThrow();
    },
    SLOW,
  );
});
