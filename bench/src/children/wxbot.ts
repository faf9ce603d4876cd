/** wxbot process: one or more accounts (client + 10 plugins) against simulators; reports memory on request. */
// First: the CLI's process setting, before the bot's modules load.
import { youngGenerationCapped } from './cap-young-generation.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

import { createWxbot, type StoreKind, type WxbotHarness } from '../harness/wxbot.js';
import { serve, type IpcMessage } from '../ipc.js';
import { memorySnapshot } from '../memory.js';

const dataDir = mkdtempSync(join(tmpdir(), 'wxbot-bench-'));
const bots: WxbotHarness[] = [];
/** Finished API requests by endpoint, all accounts (the latency suite reads them around a phase). */
const requests: Record<string, number> = {};

serve(
  async (m: IpcMessage) => {
    switch (m.type) {
      case 'login': {
        const sims = m['sims'] as { url: string; loginUrl: string }[];
        const t = performance.now();
        for (const sim of sims) {
          const bot = createWxbot({
            loginUrl: sim.loginUrl,
            mainUrl: sim.url,
            dataDir,
            account: `bench${bots.length}`,
            plugins: m['plugins'] !== false,
            store: (m['store'] as StoreKind | undefined) ?? 'file',
          });
          bot.client.on('request', (e) => {
            requests[e.endpoint] = (requests[e.endpoint] ?? 0) + 1;
          });
          await bot.start();
          bots.push(bot);
        }
        return {
          loginMs: performance.now() - t,
          contacts: bots.map((b) => b.client.contacts.size),
          members: bots.map((b) => [...b.client.contacts.rooms()].reduce((n, r) => n + r.members.size, 0)),
        };
      }
      case 'requests':
        return { requests: { ...requests } };
      case 'memory':
        return { memory: await memorySnapshot(), youngGenerationCapped };
      case 'heapspaces': {
        // Per V8 space (after forced GC): where an account's heap total goes beyond what it uses.
        await memorySnapshot();
        return { spaces: getHeapSpaceStatistics() };
      }
      case 'heapsnapshot': {
        // For finding what an account holds (not used by the suites' figures): forced GC, then a snapshot file.
        await memorySnapshot();
        return { path: writeHeapSnapshot(m['path'] as string) };
      }
      default:
        throw new Error(`wxbot child: unknown request ${m.type}`);
    }
  },
  async () => {
    await Promise.all(bots.map((b) => b.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  },
);
