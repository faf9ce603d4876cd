import { pino } from 'pino';

import { Bot } from '../../src/bot/bot.js';
import { definePlugin } from '../../src/plugin/define.js';
import { MemorySessionStore } from '../../src/session/file-store.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { webTransport } from '../../src/transport/web.js';
import { newClient, startSim, tempDir, waitFor } from '../client/helpers.js';

const silent = pino({ level: 'silent' });

function recorder(handled: string[], gate?: Promise<void>) {
  return definePlugin({
    name: 'recorder',
    async setup(ctx) {
      await gate;
      ctx.on('message:text', (m) => {
        handled.push(m.text);
      });
    },
  });
}

describe('Bot start and stop', () => {
  it('stopped during plugin setup: nothing reaches a plugin, and the message is served once at the next start', async () => {
    const sim = await startSim();
    const tmp = tempDir();
    const store = new MemorySessionStore();
    try {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const first: string[] = [];
      const client1 = newClient(sim, tmp.dir, { sessionStore: store });
      const bot1 = new Bot({
        transport: webTransport(client1),
        plugins: [{ plugin: recorder(first, gate), options: undefined }],
        logger: silent,
        storage: createMemoryStorage(),
      });
      const starting = bot1.start();
      await waitFor(() => client1.state === 'syncing', 'login');
      sim.say({ from: 'wxid_alice', text: 'early' });
      await new Promise((r) => setTimeout(r, 500)); // the sync brings it into the inbox, which holds it
      const stopping = bot1.stop();
      release();
      await Promise.all([starting, stopping]);
      expect(first).toEqual([]);

      const second: string[] = [];
      const bot2 = new Bot({
        transport: webTransport(newClient(sim, tmp.dir, { sessionStore: store })),
        plugins: [{ plugin: recorder(second), options: undefined }],
        logger: silent,
        storage: createMemoryStorage(),
      });
      await bot2.start();
      await waitFor(() => second.includes('early'), 'the held message after restart');
      await new Promise((r) => setTimeout(r, 300));
      expect(second).toEqual(['early']);
      await bot2.stop();
    } finally {
      await sim.close();
      tmp.cleanup();
    }
  }, 20_000);
});

describe('Bot start: the data dir', () => {
  it('is checked before login: a dangling symlink fails at once, naming account.dataDir, and nothing logs in', async () => {
    const { symlink } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { DirectoryError } = await import('../../src/util/ensure-dir.js');
    const sim = await startSim();
    const tmp = tempDir();
    try {
      const dataDir = join(tmp.dir, 'data');
      await symlink(join(tmp.dir, 'gone'), dataDir);
      const bot = new Bot({
        transport: webTransport(newClient(sim, tmp.dir)),
        plugins: [],
        logger: silent,
        storage: createMemoryStorage(),
        dataDir,
      });
      const err = await bot.start().catch((e: unknown) => e);
      await bot.stop();
      expect(err).toBeInstanceOf(DirectoryError);
      expect((err as Error).message).toMatch(/^account\.dataDir: cannot use ".*data".*dangling/);
      expect(sim.actions().filter((a) => a.endpoint === 'jslogin')).toEqual([]);
    } finally {
      await sim.close();
      tmp.cleanup();
    }
  });
});
