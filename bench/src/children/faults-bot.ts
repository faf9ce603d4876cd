/**
 * The bot under test for the fault matrix: the exported `Bot` runtime with two
 * plugins, a switchable faulty one first (throws, or never resolves, while
 * switched on) and an echo plugin answering `q<n>` with `echo q<n>`. Its data
 * directory is the orchestrator's, so a bot started again after kill -9
 * resumes from what the killed one left on disk.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { Bot, FileSessionStore, createMemoryStorage, definePlugin, webTransport, type LoadedPlugin } from '@wxbot/core';
import { createClient } from '@wxbot/core/client';

import { RAISED_TEXT_BUCKET, silentLogger } from '../harness/wxbot.js';
import { serve, type IpcMessage } from '../ipc.js';

type PluginFault = 'off' | 'throw' | 'hang';
let pluginFault: PluginFault = 'off';

const faulty = definePlugin({
  name: 'bench-faulty',
  setup(ctx) {
    ctx.on('message:text', async (_m, next) => {
      if (pluginFault === 'throw') throw new Error('bench-faulty: switched to throw');
      if (pluginFault === 'hang') await new Promise<never>(() => undefined);
      await next();
    });
  },
});

const echo = definePlugin({
  name: 'bench-echo',
  setup(ctx) {
    ctx.hears(/^(q\d+|probe \d+)$/, (m) => m.reply(`echo ${m.match[1]!}`));
  },
});

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('faults-bot child: expected the data directory as its first argument');
let bot: Bot | undefined;
// The longest event-loop stall of this process (one huge entry must not take seconds of CPU: issue 13, item 8).
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

serve(
  async (m: IpcMessage) => {
    switch (m.type) {
      case 'login': {
        const logger = silentLogger();
        const client = createClient({
          dataDir,
          account: 'faults',
          sessionStore: new FileSessionStore(dataDir),
          hosts: { login: m['loginUrl'] as string, main: m['url'] as string },
          qr: { terminal: false, pngPath: false },
          sendJitterMs: 0,
          rateLimits: { text: RAISED_TEXT_BUCKET },
          recovery: { keepAliveMs: 0 },
          logger,
        });
        const plugins: LoadedPlugin[] = [
          { plugin: faulty, options: undefined },
          { plugin: echo, options: undefined },
        ];
        bot = new Bot({ transport: webTransport(client), plugins, logger, storage: createMemoryStorage() });
        await bot.start();
        return { pid: process.pid };
      }
      case 'health':
        return {
          maxLoopDelayMs: Math.round(loopDelay.max / 1e6),
          maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        };
      case 'plugin-fault':
        pluginFault = m['mode'] as PluginFault;
        return {};
      default:
        throw new Error(`faults-bot child: unknown request ${m.type}`);
    }
  },
  async () => {
    await bot?.stop();
  },
);
