import type { IlinkSimulator } from '@wxbot/simulator';
import type { Writable } from 'node:stream';

import type { Logger } from 'pino';

import type { Bot } from '../bot/bot.js';
import type { ResolvedAccount } from '../config/accounts.js';
import type { ResolvedConfig } from '../config/prepare.js';
import { MemorySessionStore } from '../session/file-store.js';
import { createMemoryStorage } from '../storage/memory.js';
import type { SimulatorModule } from './load-simulator.js';

/** An account on `transport: 'ilink'` as `wxbot start` runs it, with the simulated server when asked. */
export interface IlinkRun {
  readonly bot: Bot;
  /** The simulated iLink server (`--simulator`), which confirms its own logins. */
  readonly sim: IlinkSimulator | undefined;
  /** What to print once logged in against the simulator. */
  banner(): string;
  close(): Promise<void>;
}

function simulatorBanner(sim: IlinkSimulator, bot: Bot): string {
  const say = `${sim.controlUrl}/say`;
  const plugins = bot
    .plugins()
    .map((p) => (p.state === 'active' ? p.name : `${p.name} [${p.state}]`))
    .join(', ');
  return [
    '',
    "wxbot is running on the iLink transport against the simulator (WeChat's official bot API, simulated here).",
    `  logged in as bot ${sim.botId} (direct chats only)`,
    `  plugins: ${plugins || '(none)'}`,
    '',
    'Talk to the bot as a WeChat user:',
    `  curl -s -X POST ${say} -H 'content-type: application/json' -d '{"from":"alice@im.wechat","text":"hello"}'`,
    'See what the bot sent:',
    `  curl -s ${sim.controlUrl}/sent`,
    '',
    'Stop with Ctrl+C (SIGINT) or SIGTERM.',
    '',
  ].join('\n');
}

/** Builds the bot for an iLink account; with the simulator module, against a simulated server on loopback. */
export async function startIlink(
  resolved: ResolvedConfig,
  logger: Logger,
  simulator: SimulatorModule | undefined,
  out: Writable,
): Promise<IlinkRun> {
  const { createIlinkBotFromConfig } = await import('../bot/create-ilink.js');
  if (simulator === undefined) {
    const bot = await createIlinkBotFromConfig(resolved, { logger });
    // The code to scan is a link: drawn for the person at the terminal, never written to the log.
    bot.transport.on('qr', ({ url }) => {
      void import('../client/qr-display.js').then(({ printQrToTerminal }) => printQrToTerminal(url, out));
    });
    return { bot, sim: undefined, banner: () => '', close: () => Promise.resolve() };
  }
  const sim = await simulator.IlinkSimulator.start({ autoConfirm: true, qrPollMs: 500, longPollMs: 10_000 });
  try {
    const bot = await createIlinkBotFromConfig(resolved, {
      logger,
      storage: createMemoryStorage(),
      ilink: {
        account: 'simulator',
        apiBaseUrl: sim.baseUrl,
        cdnBaseUrl: sim.cdnBaseUrl,
        sessionStore: new MemorySessionStore(),
        login: { pollGapMs: 50 },
      },
    });
    return { bot, sim, banner: () => simulatorBanner(sim, bot), close: () => sim.stop() };
  } catch (error) {
    await sim.stop();
    throw error;
  }
}

/** The iLink accounts of `accounts: [...]`: their bots, and under --simulator a simulated server each. */
export interface IlinkAccounts {
  createBot(account: ResolvedAccount, logger: Logger): Bot;
  /** Lines telling how to talk to each simulated iLink account. */
  banner(): string;
  close(): Promise<void>;
}

/** Loads `@wxbot/transport-ilink` once (the supervisor builds bots synchronously) and prepares each account. */
export async function ilinkAccounts(
  dir: string,
  accounts: readonly ResolvedAccount[],
  simulator: SimulatorModule | undefined,
  out: Writable,
): Promise<IlinkAccounts> {
  const { buildIlinkBot, loadIlinkModule } = await import('../bot/create-ilink.js');
  const mod = await loadIlinkModule(dir);
  const sims = new Map<string, IlinkSimulator>();
  if (simulator !== undefined) {
    for (const a of accounts) {
      if (a.transport !== 'ilink') continue;
      sims.set(a.name, await simulator.IlinkSimulator.start({ autoConfirm: true, qrPollMs: 500, longPollMs: 10_000 }));
    }
  }
  return {
    createBot(account, logger) {
      const sim = sims.get(account.name);
      if (sim === undefined) {
        const bot = buildIlinkBot(mod, account, { logger });
        bot.transport.on('qr', ({ url }) => {
          out.write(`[${account.name}] scan this iLink QR code with the phone that owns the bot:\n`);
          void import('../client/qr-display.js').then(({ printQrToTerminal }) => printQrToTerminal(url, out));
        });
        return bot;
      }
      return buildIlinkBot(mod, account, {
        logger,
        storage: createMemoryStorage(),
        ilink: {
          apiBaseUrl: sim.baseUrl,
          cdnBaseUrl: sim.cdnBaseUrl,
          sessionStore: new MemorySessionStore(),
          login: { pollGapMs: 50 },
        },
      });
    },
    banner() {
      const say = `-H 'content-type: application/json' -d '{"from":"alice@im.wechat","text":"hello"}'`;
      return [...sims]
        .map(([name, sim]) => `  ${name} (ilink): curl -s -X POST ${sim.controlUrl}/say ${say}\n`)
        .join('');
    },
    async close() {
      await Promise.all([...sims.values()].map((s) => s.stop()));
    },
  };
}
