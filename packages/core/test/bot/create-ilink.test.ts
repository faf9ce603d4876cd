import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { IlinkMissingError, loadIlinkModule } from '../../src/bot/create-ilink.js';

describe('loadIlinkModule', () => {
  it('names the package to install when it cannot be found from the config directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wxbot-ilink-missing-'));
    try {
      const loading = loadIlinkModule(dir, '@wxbot/transport-ilink-not-installed');
      await expect(loading).rejects.toBeInstanceOf(IlinkMissingError);
      await expect(loading).rejects.toThrow(/account\.transport is 'ilink'.*npm install @wxbot\/transport-ilink/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
