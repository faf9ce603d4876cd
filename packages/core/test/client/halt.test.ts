import { readdirSync, readlinkSync } from 'node:fs';

import { FileSessionStore } from '../../src/session/file-store.js';
import { newClient, simSuite, waitFor } from './helpers.js';

/** Paths of this process's open files under `dir` (Linux: /proc/self/fd). */
function openFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) out.push(target);
    } catch {
      // The fd closed while we listed (readdir's own, for one).
    }
  }
  return out;
}

const linux = process.platform === 'linux';

describe('halt (a simulated crash)', () => {
  const env = simSuite();

  (linux ? it : it.skip)('closes the journals’ file handles as the OS would, so none is left to the GC', async () => {
    const sim = await env.start();
    const client = newClient(sim, env.dir, { sessionStore: new FileSessionStore(env.dir) });
    const handled: string[] = [];
    client.setMessageHandler(async (m) => {
      handled.push(m.raw.MsgId);
    });
    try {
      await client.start();
      const { msgId } = sim.say({ from: 'wxid_bob', text: 'hi' });
      await waitFor(() => handled.includes(msgId), 'message handled');
      await client.sendText(sim.userNameOf('wxid_bob'), 'hello');
      await waitFor(() => openFilesUnder(env.dir).length > 0, 'a journal open');
    } finally {
      client.halt();
    }
    await waitFor(() => openFilesUnder(env.dir).length === 0, 'journal handles closed');
  });
});
