import type { Logger } from 'pino';
import type { Simulator } from '@wxbot/simulator';

import { AccountSupervisor, configuredBot, type BotBuild } from '../bot/accounts.js';
import type { Bot } from '../bot/bot.js';
import { createBotFromConfig } from '../bot/create.js';
import { createLogger } from '../bot/logger.js';
import type { ResolvedAccount } from '../config/accounts.js';
import type { ResolvedConfig } from '../config/prepare.js';
import { MemorySessionStore } from '../session/file-store.js';
import { createMemoryStorage } from '../storage/memory.js';
import { MANY_ACCOUNTS, releaseYoungGeneration } from '../runtime/young-generation.js';
import { LogRing } from '../log/ring.js';
import { describeAction } from './action-line.js';
import { followRestarts } from './follow-restarts.js';
import { startControlPlaneOrReport } from './load-control-plane.js';
import { humanOut, untilStopped, type CliIo } from './io.js';
import { loadSimulator, SimulatorMissingError, type SimulatorModule } from './load-simulator.js';

/** One simulated account per configured one, behind the same ports; each phone confirms its own bot's QR codes. */
async function simulated(
  module: SimulatorModule,
  accounts: readonly ResolvedAccount[],
  root: Logger,
): Promise<{ sim: Simulator; createBot: (account: ResolvedAccount, logger: Logger) => Bot }> {
  const sim = await module.createSimulator({
    accounts: accounts.map((a, i) => ({
      id: a.name,
      world: module.generateWorld({
        seed: i + 1,
        friends: 4,
        rooms: [3],
        officialAccounts: 0,
        self: { wxid: `wxid_${a.name}`, uin: 2100000001 + i, nickName: a.name },
      }),
    })),
    loginPollHoldMs: 500,
    synccheckHoldMs: 10_000,
  });
  const createBot = (account: ResolvedAccount, logger: Logger): Bot => {
    const bot = createBotFromConfig(account, {
      logger,
      storage: createMemoryStorage(),
      client: {
        logger: root,
        hosts: { login: sim.loginUrl, main: sim.url },
        sessionStore: new MemorySessionStore(),
        loginMode: 'qr',
        qr: { terminal: false, pngPath: false },
        // The simulator runs in this process on 127.0.0.1: an HTTPS_PROXY meant for WeChat must not catch it.
        proxy: false,
        sendJitterMs: 0,
      },
    });
    // This account's phone scans this bot's QR code: the login is routed by its uuid.
    bot.transport.client.on('qr', ({ uuid }) => {
      try {
        sim.account(account.name).confirm(uuid);
      } catch (error) {
        logger.warn({ error: String(error) }, 'the simulated phone could not confirm the login');
      }
    });
    return bot;
  };
  return { sim, createBot };
}

function banner(sim: Simulator, accounts: readonly ResolvedAccount[]): string {
  const lines = ['', `wxbot is running ${accounts.length} accounts against the simulator (no real account).`];
  for (const a of accounts) {
    const friend = [...sim.account(a.name).world.people.values()].find((p) => p.kind === 'friend');
    const body = JSON.stringify({ from: friend?.wxid ?? 'wxid_friend', text: 'hello' });
    lines.push(
      `  ${a.name}: curl -s -X POST ${sim.controlUrl}/accounts/${a.name}/say -H 'content-type: application/json' -d '${body}'`,
    );
  }
  lines.push(`Accounts: ${sim.controlUrl}/accounts`, 'Stop with Ctrl+C (SIGINT) or SIGTERM.', '');
  return lines.join('\n');
}

/**
 * `wxbot start` with `accounts: [...]`: every account side by side under an
 * AccountSupervisor. An account that fails (login refused, ban, logout) is
 * logged with its name and the rest keep running; exits 1 only when none runs.
 */
export async function runStartAccounts(
  io: CliIo,
  // Only what this needs of start's options: start.ts imports this file.
  options: { readonly simulator: boolean },
  resolved: ResolvedConfig,
  accounts: readonly ResolvedAccount[],
): Promise<number> {
  // The control API's `GET /api/logs` (the console's Log page) reads the last lines from here, as in a single-account start.
  const logRing = new LogRing();
  const logger = createLogger(resolved.config.logging, io.stdout, (line) => {
    logRing.write(line);
  });
  if (accounts.length >= MANY_ACCOUNTS && releaseYoungGeneration())
    logger.info(`${accounts.length} accounts in one process: V8's young generation may grow again (see MANY_ACCOUNTS)`);
  let sim: Simulator | undefined;
  let createBot: ((account: ResolvedAccount, logger: Logger, build: BotBuild) => Bot) | undefined;
  let simulatorModule: SimulatorModule | undefined;
  if (options.simulator) {
    let module: SimulatorModule;
    try {
      module = await loadSimulator();
    } catch (error) {
      if (!(error instanceof SimulatorMissingError)) throw error;
      io.stderr.write(`${error.message}\n`);
      return 1;
    }
    // The Web accounts share one simulated Web WeChat; iLink accounts get their own server (below).
    const web = accounts.filter((a) => a.transport !== 'ilink');
    if (web.length > 0) ({ sim, createBot } = await simulated(module, web, logger));
    simulatorModule = module;
  }
  // Accounts on WeChat's official bot API: their package is loaded once, before the supervisor builds bots.
  let ilink: import('./start-ilink.js').IlinkAccounts | undefined;
  if (accounts.some((a) => a.transport === 'ilink')) {
    try {
      ilink = await (
        await import('./start-ilink.js')
      ).ilinkAccounts(resolved.dir, accounts, simulatorModule, humanOut(io));
    } catch (error) {
      await sim?.close();
      if (!(error instanceof (await import('../bot/create-ilink.js')).IlinkMissingError)) throw error;
      io.stderr.write(`wxbot: ${error.message}\n`);
      return 1;
    }
    const webBot = createBot ?? configuredBot(logger);
    const ilinkBots = ilink;
    createBot = (account, l, build) =>
      account.transport === 'ilink' ? ilinkBots.createBot(account, l) : webBot(account, l, build);
  }
  const supervisor = new AccountSupervisor({
    accounts,
    logger,
    ...(createBot === undefined ? {} : { createBot }),
    ...(resolved.config.storage === undefined ? {} : { sharedStorage: resolved.config.storage }),
  });
  const out = humanOut(io);
  const unsubscribe: (() => void)[] = [];
  // Actions and login progress of each account, once its bot exists (it is built when it starts, anew at a restart).
  const watched = new WeakSet<Bot>();
  // iLink bots draw their own QR code (a link, not a PNG).
  const isIlink = (name: string): boolean => accounts.some((a) => a.name === name && a.transport === 'ilink');
  const watch = (name: string): void => {
    const bot = supervisor.bot(name);
    if (bot === undefined || watched.has(bot)) return;
    watched.add(bot);
    const child = logger.child({ account: name });
    unsubscribe.push(
      bot.actions.subscribe((record) => {
        const line = describeAction(record, bot.transport.contacts);
        if (io.interactive) out.write(`[${name}] ${line}\n`);
        else child.info({ action: record.action, plugin: record.plugin }, line);
      }),
    );
    if (!options.simulator && !isIlink(name)) {
      const onQr = (e: { pngPath?: string }): void => {
        out.write(
          `[${name}] scan ${e.pngPath === undefined ? 'the QR code' : e.pngPath} with the phone of account ${name}\n`,
        );
      };
      bot.transport.on('qr', onQr);
      unsubscribe.push(() => bot.transport.off('qr', onQr));
    }
  };
  const stopped = untilStopped(io.signal);
  let exitCode = 0;
  let control: Awaited<ReturnType<typeof startControlPlaneOrReport>> = undefined;
  try {
    const starting = supervisor.start();
    starting.catch(() => undefined); // awaited below; the control plane may fail first
    // start() builds every bot before its first await: each can be watched before it logs in.
    for (const a of accounts) watch(a.name);
    unsubscribe.push(
      supervisor.onChange((s) => {
        if (s.state === 'starting') watch(s.name);
      }),
    );
    // Before login, as in a single-account start: the API serves each account's QR code, and lists them all.
    const bots = accounts.map((a) => supervisor.bot(a.name)).filter((b) => b !== undefined);
    control = await startControlPlaneOrReport(io, resolved, bots, logger, { logs: logRing });
    if (control === false) return 1;
    // A restarted account's new bot is served in place of the old one.
    if (control !== undefined)
      unsubscribe.push(
        followRestarts(
          supervisor,
          control,
          accounts.map((a) => a.name),
          logger,
        ),
      );
    const first = await Promise.race([starting.then(() => 'started' as const), stopped]);
    if (first === 'started') {
      const status = supervisor.status();
      const running = status.filter((s) => s.state === 'running');
      if (running.length === 0) {
        io.stderr.write(
          `wxbot: no account could start:\n${status.map((s) => `  - ${s.name}: ${s.error ?? s.state}`).join('\n')}\n`,
        );
        exitCode = 1;
      } else {
        if (sim !== undefined)
          out.write(
            banner(
              sim,
              accounts.filter((a) => a.transport !== 'ilink'),
            ),
          );
        if (ilink !== undefined && options.simulator) {
          const stop = sim === undefined ? 'Stop with Ctrl+C (SIGINT) or SIGTERM.\n' : '';
          out.write(`iLink accounts, each on its own simulated iLink server:\n${ilink.banner()}${stop}`);
        }
        const why = await stopped;
        logger.info(`${why}: stopping ${running.length} account(s)`);
      }
    }
  } finally {
    if (control !== false) await control?.close();
    for (const u of unsubscribe) u();
    await supervisor.stop();
    await sim?.close();
    await ilink?.close();
  }
  return exitCode;
}
