import type { Simulator, WorldSpec } from '@wxbot/simulator';

import type { Bot } from '../bot/bot.js';
import type { ActionRecord } from '../plugin/types.js';
import { MemorySessionStore } from '../session/file-store.js';
import { createMemoryStorage } from '../storage/memory.js';
import { untilStopped, type CliIo } from './io.js';
import { ensureDataDirOrReport, loadOrReport } from './load-config.js';
import { loadSimulator, SimulatorMissingError } from './load-simulator.js';
import { errorMessage } from '../util/error-message.js';

export interface StartOptions {
  readonly config?: string;
  readonly simulator: boolean;
}

function describeAction(record: ActionRecord): string {
  const to = record.targetName ?? record.target;
  const by = record.plugin === undefined ? '' : ` (by ${record.plugin})`;
  switch (record.action) {
    case 'send':
      return record.content?.type === 'text'
        ? `bot → ${to}: ${record.content.text}${by}`
        : `bot → ${to}: [${record.content?.type ?? 'media'}${record.content?.name ? ` ${record.content.name}` : ''}]${by}`;
    case 'acceptFriend':
      return `bot accepted the friend request of ${to}${by}`;
    case 'setTopic':
      return `bot renamed ${to} to "${record.topic ?? ''}"${by}`;
    case 'setRemark':
      return `bot set the remark of ${to} to "${record.remark ?? ''}"${by}`;
    default:
      return `bot ${record.action} ${to}${record.members ? ` [${record.members.join(', ')}]` : ''}${by}`;
  }
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
      ? 'Type below to chat as a simulated friend (/help for commands). Ctrl+C stops.'
      : 'Stop with Ctrl+C (SIGINT) or SIGTERM.',
    '',
  ];
  return lines.join('\n');
}

/** `wxbot start`: runs until SIGINT/SIGTERM (or `io.signal`), then shuts down gracefully. */
export async function runStart(io: CliIo, options: StartOptions): Promise<number> {
  // The runtime (client, HTTP stack, plugin host) and the simulator load while the config
  // does; only --simulator loads the simulator.
  const loading = Promise.all([
    import('../bot/create.js'),
    import('../bot/logger.js'),
    options.simulator ? loadSimulator() : undefined,
  ]);
  loading.catch(() => undefined); // awaited below, unless the config is unusable
  const resolved = await loadOrReport(io, options.config);
  if (resolved === undefined || !(await ensureDataDirOrReport(io, resolved))) return 1;
  let modules;
  try {
    modules = await loading;
  } catch (error) {
    if (!(error instanceof SimulatorMissingError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return 1;
  }
  const [{ createBotFromConfig }, { createLogger }, simulator] = modules;
  const logger = createLogger(resolved.config.logging, io.stdout);

  let sim: Simulator | undefined;
  let bot: Bot;
  let world: WorldSpec | undefined;
  if (simulator !== undefined) {
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
        sendJitterMs: 0,
      },
    });
  } else {
    bot = createBotFromConfig(resolved, { logger });
  }

  // A person at a terminal reads plain lines; anything else (a log shipper) gets them as log records, so the
  // JSON stream stays JSON and passes the logger's redaction.
  const stopActions = bot.actions.subscribe((record) => {
    if (io.interactive) io.stdout.write(`${describeAction(record)}\n`);
    else logger.info({ action: record.action, plugin: record.plugin }, describeAction(record));
  });
  const stopped = untilStopped(io.signal);
  let exitCode = 0;
  let chat: { close(): void } | undefined;
  try {
    const started = bot.start();
    // A signal during login must still stop the bot.
    const first = await Promise.race([started.then(() => 'started' as const), stopped]);
    if (first === 'started') {
      if (sim !== undefined && world !== undefined) {
        io.stdout.write(banner(sim, world, bot, io.interactive));
        if (io.interactive) chat = (await import('./chat.js')).openChatPrompt(io, sim, world, bot);
      }
      const why = await stopped;
      logger.info(`${why}: stopping (finishing handlers, sending queued messages, saving the session)`);
    }
  } catch (error) {
    logger.error({ err: error }, `wxbot could not start: ${errorMessage(error)}`);
    exitCode = 1;
  } finally {
    chat?.close();
    stopActions();
    await bot.stop();
    await sim?.close();
  }
  return exitCode;
}
