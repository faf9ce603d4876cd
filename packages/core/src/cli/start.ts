import type { Simulator, WorldSpec } from '@wxbot/simulator/web';

import type { Bot } from '../bot/bot.js';
import { loadControlPlane, startControlPlaneOrReport, wantsControlPlane } from './load-control-plane.js';
import { MemorySessionStore } from '../session/file-store.js';
import { createMemoryStorage } from '../storage/memory.js';
import { humanOut, untilStopped, type CliIo } from './io.js';
import { ensureDataDirOrReport, loadOrReport, type RunFlags } from './load-config.js';
import { loadSimulator, loadWebSimulator, SimulatorMissingError } from './load-simulator.js';
import { errorMessage } from '../util/error-message.js';
import { LogRing } from '../log/ring.js';
import { describeAction } from './action-line.js';
import { flushCompileCache } from './compile-cache.js';

export interface StartOptions extends RunFlags {
  readonly simulator: boolean;
}

function banner(sim: Simulator, world: WorldSpec, bot: Bot, interactive: boolean): string {
  const alice = world.friends?.[0];
  const say = `${sim.controlUrl}/say`;
  const body = JSON.stringify({ from: alice?.wxid ?? 'wxid_alice', text: 'hello' });
  const lines = [
    '',
    'wxbot is running against the simulator (a simulated WeChat on this machine; no real account).',
    `  logged in as ${world.self.nickName} (${world.self.wxid})`,
    `  plugins: ${
      bot
        .plugins()
        .map((p) => (p.state === 'active' ? p.name : `${p.name} [${p.state}]`))
        .join(', ') || '(none)'
    }`,
    `  friends: ${(world.friends ?? []).map((f) => `${f.remarkName ?? f.nickName} (${f.wxid})`).join(', ')}`,
    `  rooms:   ${(world.rooms ?? []).map((r) => `${r.topic} (${r.id})`).join(', ')}`,
    '',
    `Control API: ${sim.controlUrl}`,
    `Talk to the bot as ${alice?.nickName ?? 'Alice'}:`,
    `  curl -s -X POST ${say} -H 'content-type: application/json' -d '${body}'`,
    'See what the bot did:',
    `  curl -s ${sim.controlUrl}/actions`,
    '',
    interactive
      ? 'Type below to chat as a simulated friend (.help for chat commands; /commands go to the bot). Ctrl+C stops.'
      : 'Stop with Ctrl+C (SIGINT) or SIGTERM.',
    '',
  ];
  return lines.join('\n');
}

/** `wxbot start`: runs until SIGINT/SIGTERM (or `io.signal`), then shuts down gracefully. */
export async function runStart(io: CliIo, options: StartOptions): Promise<number> {
  // The runtime (client, HTTP stack, plugin host) and the simulator load while the config
  // does; only --simulator loads the simulator, and only its Web WeChat half (an iLink account
  // loads the rest below).
  const loading = Promise.all([
    import('../bot/create.js'),
    import('../bot/logger.js'),
    options.simulator ? loadWebSimulator() : undefined,
  ]);
  loading.catch(() => undefined); // awaited below
  const resolved = await loadOrReport(io, options);
  if (resolved?.accounts !== undefined) {
    // `accounts: [...]` (and no --account): every account side by side, under a supervisor.
    await loading.catch(() => undefined);
    return (await import('./start-accounts.js')).runStartAccounts(io, options, resolved, resolved.accounts);
  }
  if (resolved === undefined || !(await ensureDataDirOrReport(io, resolved))) {
    // Nothing left loading behind the exit code (an embedding caller may go on to import the same modules).
    await loading.catch(() => undefined);
    return 1;
  }
  // @wxbot/server's control-plane entry (its hubs, metrics and early socket; the routes and fastify load once
  // the bot is up): its files are read while the runtime finishes loading and the simulator starts. Failures
  // surface where it is used.
  const controlPlane = wantsControlPlane(resolved) ? loadControlPlane() : undefined;
  controlPlane?.catch(() => undefined);
  let modules;
  try {
    modules = await loading;
  } catch (error) {
    if (!(error instanceof SimulatorMissingError)) throw error;
    io.stderr.write(`${error.message}\n`);
    await controlPlane?.catch(() => undefined);
    return 1;
  }
  const [{ createBotFromConfig }, { createLogger }, simulator] = modules;
  // The control API's `GET /api/logs` (the console's Log page) reads the last lines from here.
  const logRing = new LogRing();
  const logger = createLogger(resolved.config.logging, io.stdout, (line) => {
    logRing.write(line);
  });

  let sim: Simulator | undefined;
  let bot: Bot;
  let world: WorldSpec | undefined;
  // An account on WeChat's official bot API (its own simulated server under --simulator).
  let ilink: import('./start-ilink.js').IlinkRun | undefined;
  if (resolved.config.account?.transport === 'ilink') {
    try {
      const { startIlink } = await import('./start-ilink.js');
      ilink = await startIlink(resolved, logger, simulator && (await loadSimulator()), humanOut(io));
    } catch (error) {
      if (!(error instanceof (await import('../bot/create-ilink.js')).IlinkMissingError)) throw error;
      io.stderr.write(`wxbot: ${error.message}\n`);
      return 1;
    }
    bot = ilink.bot;
  } else if (simulator !== undefined) {
    const { createSimulator, defaultWorld } = simulator;
    world = defaultWorld();
    sim = await createSimulator({ world, autoConfirm: true, loginPollHoldMs: 500, synccheckHoldMs: 10_000 });
    bot = createBotFromConfig(resolved, {
      logger,
      storage: createMemoryStorage(),
      client: {
        account: 'simulator',
        hosts: { login: sim.loginUrl, main: sim.url },
        sessionStore: new MemorySessionStore(),
        loginMode: 'qr',
        qr: { terminal: false, pngPath: false },
        // The simulator runs in this process on 127.0.0.1: an HTTPS_PROXY meant for WeChat must not catch it.
        proxy: false,
        sendJitterMs: 0,
      },
    });
  } else {
    bot = createBotFromConfig(resolved, { logger });
  }

  // A person at a terminal reads plain lines; anything else (a log shipper) gets them as log records, so the
  // JSON stream stays JSON and passes the logger's redaction.
  const stopActions = bot.actions.subscribe((record) => {
    const line = describeAction(record, bot.transport.contacts);
    if (io.interactive) io.stdout.write(`${line}\n`);
    else logger.info({ action: record.action, plugin: record.plugin }, line);
  });
  // Before login: the API serves the QR code to scan. Off with `api: { enabled: false }`.
  const control = await startControlPlaneOrReport(
    io,
    resolved,
    [bot],
    logger,
    { logs: logRing, simulatorControlUrl: sim?.controlUrl },
    controlPlane,
  );
  if (control === false) {
    stopActions();
    await sim?.close();
    return 1;
  }
  // The simulator confirms its own logins: nothing to scan or confirm there.
  const stopProgress =
    sim === undefined && ilink?.sim === undefined
      ? (await import('./login-progress.js')).reportLoginProgress(bot.transport, humanOut(io))
      : undefined;
  const stopped = untilStopped(io.signal);
  let exitCode = 0;
  let chat: { close(): void } | undefined;
  try {
    const started = bot.start();
    // A signal during login must still stop the bot.
    const first = await Promise.race([started.then(() => 'started' as const), stopped]);
    if (first === 'started') {
      if (sim !== undefined && world !== undefined) {
        humanOut(io).write(banner(sim, world, bot, io.interactive));
        if (io.interactive) chat = (await import('./chat.js')).openChatPrompt(io, sim, world, bot);
      } else if (io.interactive) {
        // A real account at a terminal: read its chats and answer as it (account-chat.ts).
        chat = (await import('./account-chat.js')).openAccountChat(io, bot);
      }
      if (ilink?.sim !== undefined) humanOut(io).write(ilink.banner());
      // Every module a running bot needs is loaded now: keep their compiled code even if this process is killed.
      flushCompileCache();
      const why = await stopped;
      logger.info(`${why}: stopping (finishing handlers, sending queued messages, saving the session)`);
    }
  } catch (error) {
    const context = { dataDir: resolved.dataDir };
    const verbose = options.verbose === true;
    // Loaded on failure only (as main.ts does): a start that works never needs it.
    const { describeFailure } = await import('./explain-error.js');
    const why = describeFailure(error, context, verbose);
    io.stderr.write(`wxbot: could not start: ${why}`);
    // A log shipper reading stdout gets the failure too; the stack only when asked for.
    if (!io.interactive)
      logger.error(
        verbose ? { err: error } : { error: errorMessage(error) },
        `wxbot could not start: ${why.split('\n')[0]!}`,
      );
    exitCode = 1;
  } finally {
    chat?.close();
    await control?.close();
    stopActions();
    stopProgress?.();
    await bot.stop();
    await sim?.close();
    await ilink?.close();
  }
  return exitCode;
}
