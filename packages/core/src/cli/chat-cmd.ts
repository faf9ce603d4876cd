import type { Simulator } from '@wxbot/simulator';

import type { Bot } from '../bot/bot.js';
import type { ResolvedConfig } from '../config/prepare.js';
import { MemorySessionStore } from '../session/file-store.js';
import { createMemoryStorage } from '../storage/memory.js';
import { errorMessage } from '../util/error-message.js';
import { describeAction } from './action-line.js';
import { describeFailure } from './explain-error.js';
import { humanOut, untilStopped, type CliIo } from './io.js';
import { ensureDataDirOrReport, loadOrReport, type RunFlags } from './load-config.js';
import { loadSimulator, SimulatorMissingError, type SimulatorModule } from './load-simulator.js';

export interface ChatOptions extends RunFlags {
  /** Against the in-process simulator instead of WeChat. */
  readonly simulator: boolean;
  /** Run the config's plugins too (default: none, so the terminal is the only one answering). */
  readonly plugins: boolean;
}

/** The bot to chat as, and what to stop with it. */
interface ChatAccount {
  readonly bot: Bot;
  /** How to make someone write to the account (simulator only). */
  readonly hint: string;
  close(): Promise<void>;
}

async function webAccount(resolved: ResolvedConfig, io: CliIo, sim: SimulatorModule | undefined): Promise<ChatAccount> {
  const [{ createBotFromConfig }, { createLogger }] = await Promise.all([
    import('../bot/create.js'),
    import('../bot/logger.js'),
  ]);
  // The log goes to stderr: stdout is the chat.
  const logger = createLogger(resolved.config.logging, io.stderr);
  if (sim === undefined) {
    const bot = createBotFromConfig(resolved, { logger });
    const stop = (await import('./login-progress.js')).reportLoginProgress(bot.transport, humanOut(io));
    const close = (): Promise<void> => {
      stop();
      return Promise.resolve();
    };
    return { bot, hint: '', close };
  }
  const world = sim.defaultWorld();
  const server: Simulator = await sim.createSimulator({
    world,
    autoConfirm: true,
    loginPollHoldMs: 500,
    synccheckHoldMs: 10_000,
  });
  const bot = createBotFromConfig(resolved, {
    logger,
    storage: createMemoryStorage(),
    client: {
      account: 'simulator',
      hosts: { login: server.loginUrl, main: server.url },
      sessionStore: new MemorySessionStore(),
      loginMode: 'qr',
      qr: { terminal: false, pngPath: false },
      // The simulator is on 127.0.0.1 in this process: a proxy meant for WeChat must not catch it.
      proxy: false,
      sendJitterMs: 0,
    },
  });
  const alice = world.friends?.[0];
  const body = JSON.stringify({ from: alice?.wxid ?? 'wxid_alice', text: 'hello' });
  const hint = `A friend writes to the account: curl -s -X POST ${server.controlUrl}/say -H 'content-type: application/json' -d '${body}'\n`;
  return { bot, hint, close: () => server.close() };
}

async function ilinkAccount(
  resolved: ResolvedConfig,
  io: CliIo,
  sim: SimulatorModule | undefined,
): Promise<ChatAccount> {
  const { createLogger } = await import('../bot/logger.js');
  const logger = createLogger(resolved.config.logging, io.stderr);
  const run = await (await import('./start-ilink.js')).startIlink(resolved, logger, sim, humanOut(io));
  const say = run.sim === undefined ? undefined : `${run.sim.controlUrl}/say`;
  const hint =
    say === undefined
      ? ''
      : `A user writes to the bot: curl -s -X POST ${say} -H 'content-type: application/json' -d '{"from":"alice@im.wechat","text":"hello"}'\n`;
  return { bot: run.bot, hint, close: () => run.close() };
}

/**
 * `wxbot chat`: the terminal chat view of one account — incoming messages by chat, lines typed sent as the
 * account — without the config's plugins unless `--plugins`. Runs until .quit, Ctrl+C or SIGTERM.
 */
export async function runChat(io: CliIo, options: ChatOptions): Promise<number> {
  const resolved = await loadOrReport(io, options, true, 'chat');
  if (resolved === undefined || !(await ensureDataDirOrReport(io, resolved))) return 1;
  let sim: SimulatorModule | undefined;
  if (options.simulator) {
    try {
      sim = await loadSimulator();
    } catch (error) {
      if (!(error instanceof SimulatorMissingError)) throw error;
      io.stderr.write(`${error.message}\n`);
      return 1;
    }
  }
  // Without --plugins nothing but the person at the terminal answers: the plugins are left out, not paused.
  const chosen: ResolvedConfig = options.plugins ? resolved : { ...resolved, plugins: [] };
  let account: ChatAccount;
  try {
    account =
      chosen.config.account?.transport === 'ilink'
        ? await ilinkAccount(chosen, io, sim)
        : await webAccount(chosen, io, sim);
  } catch (error) {
    io.stderr.write(`wxbot chat: ${errorMessage(error)}\n`);
    return 1;
  }
  const { bot } = account;
  const quit = new AbortController();
  const stopped = untilStopped(AbortSignal.any([quit.signal, ...(io.signal === undefined ? [] : [io.signal])]));
  // What the account sends (from here, or a plugin with --plugins) shows as a line, as in `wxbot start`.
  const stopActions = bot.actions.subscribe((record) => {
    io.stdout.write(`${describeAction(record, bot.transport.contacts)}\n`);
  });
  let chat: { close(): void } | undefined;
  let exitCode = 0;
  try {
    const first = await Promise.race([bot.start().then(() => 'started' as const), stopped]);
    if (first === 'started') {
      const self = bot.transport.self;
      const plugins = bot.plugins().map((p) => p.name);
      io.stdout.write(
        `wxbot chat: logged in as ${self?.nickName || self?.userName || bot.transport.account}; ` +
          `plugins: ${options.plugins ? plugins.join(', ') || '(none configured)' : 'off (--plugins runs them)'}\n${account.hint}`,
      );
      chat = (await import('./account-chat.js')).openAccountChat(io, bot, {
        onQuit: () => {
          quit.abort();
        },
      });
      await stopped;
    }
  } catch (error) {
    io.stderr.write(
      `wxbot chat: could not start: ${describeFailure(error, { dataDir: resolved.dataDir }, options.verbose === true)}`,
    );
    exitCode = 1;
  } finally {
    chat?.close();
    stopActions();
    await bot.stop();
    await account.close();
  }
  return exitCode;
}
