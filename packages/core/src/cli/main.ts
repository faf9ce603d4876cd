import { readFileSync } from 'node:fs';

import { closest } from '../plugin/suggest.js';
import { parseArgs, UsageError } from './args.js';
import { processIo, type CliIo } from './io.js';
import type { RunFlags } from './load-config.js';

export type { CliIo } from './io.js';

// Each command's module is imported when that command runs: `wxbot init` never loads the
// client, and help and usage errors answer at once (cold start). The usage texts are imported
// only by the answers that print them.

/** The usage texts (./usage.ts), loaded by the answers that print one. */
const usage = () => import('./usage.js');

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const RUN_OPTIONS = ['config', 'data-dir', 'log-level', 'account'];
const OPTIONS: Readonly<Record<string, readonly string[]>> = {
  start: [...RUN_OPTIONS, 'simulator'],
  chat: [...RUN_OPTIONS, 'simulator', 'plugins'],
  login: RUN_OPTIONS,
  logout: RUN_OPTIONS,
  init: ['dir', 'no-install'],
  plugin: ['dir'],
  worker: ['config', 'log-level', 'redis', 'capacity', 'id', 'root'],
  accounts: ['redis', 'root'],
};

/** Entry point of the `wxbot` bin; returns the process exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  // --verbose is accepted by every command, anywhere on the line.
  const verbose = argv.includes('--verbose');
  try {
    return await run(
      argv.filter((a) => a !== '--verbose'),
      io,
      verbose,
    );
  } catch (error) {
    // Whatever a command did not expect: one line, and the stack only when asked for.
    const { describeFailure } = await import('./explain-error.js');
    io.stderr.write(`wxbot: ${describeFailure(error, {}, verbose)}`);
    if (!verbose) io.stderr.write('(run again with --verbose for the stack trace)\n');
    return 1;
  }
}

async function run(argv: readonly string[], io: CliIo, verbose: boolean): Promise<number> {
  const [command, ...rest] = argv;
  // No command is a mistake (a script that lost its argument), not a request for help.
  if (command === undefined) {
    io.stderr.write((await usage()).MAIN_USAGE);
    return 2;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    const topic = command === 'help' ? rest[0] : undefined;
    const { COMMAND_USAGE, MAIN_USAGE } = await usage();
    io.stdout.write(topic !== undefined && COMMAND_USAGE[topic] !== undefined ? COMMAND_USAGE[topic] : MAIN_USAGE);
    return 0;
  }
  if (command === '--version' || command === '-v') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  const allowed = OPTIONS[command];
  if (allowed === undefined) {
    const { MAIN_USAGE } = await usage();
    const guess = closest(command, Object.keys(OPTIONS));
    io.stderr.write(
      `wxbot: unknown command "${command}"${guess === undefined ? '' : ` (did you mean "wxbot ${guess}"?)`}\n\n${MAIN_USAGE}`,
    );
    return 2;
  }
  let args;
  try {
    args = parseArgs(rest, allowed);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`wxbot ${command}: ${error.message}\n\n${(await usage()).COMMAND_USAGE[command] ?? ''}`);
    return 2;
  }
  if (args.flags.has('help')) {
    const { COMMAND_USAGE, MAIN_USAGE } = await usage();
    io.stdout.write(COMMAND_USAGE[command] ?? MAIN_USAGE);
    return 0;
  }
  const flags: RunFlags = verbose ? { verbose } : {};
  for (const [flag, key] of [
    ['config', 'config'],
    ['data-dir', 'dataDir'],
    ['log-level', 'logLevel'],
    ['account', 'account'],
  ] as const) {
    const value = args.flags.get(flag);
    if (typeof value === 'string') flags[key] = value;
  }
  const dirFlag = args.flags.get('dir');
  const dir = typeof dirFlag === 'string' ? dirFlag : undefined;
  const extra = command === 'plugin' ? args.positionals.slice(2) : args.positionals;
  if (extra.length > 0) {
    io.stderr.write(
      `wxbot ${command}: unexpected argument "${extra[0]}"\n\n${(await usage()).COMMAND_USAGE[command] ?? ''}`,
    );
    return 2;
  }
  switch (command) {
    case 'start':
      return (await import('./start.js')).runStart(io, { ...flags, simulator: args.flags.has('simulator') });
    case 'chat':
      return (await import('./chat-cmd.js')).runChat(io, {
        ...flags,
        simulator: args.flags.has('simulator'),
        plugins: args.flags.has('plugins'),
      });
    case 'login':
      return (await import('./login.js')).runLogin(io, flags);
    case 'logout':
      return (await import('./login.js')).runLogout(io, flags);
    case 'init':
      return (await import('./init.js')).runInit(io, dir, {
        install: !args.flags.has('no-install'),
        userAgent: process.env['npm_config_user_agent'],
      });
    case 'worker': {
      const value = (flag: string) => {
        const v = args.flags.get(flag);
        return typeof v === 'string' ? { [flag]: v } : {};
      };
      return (await import('./worker.js')).runWorker(io, {
        ...flags,
        ...value('redis'),
        ...value('capacity'),
        ...value('id'),
        ...value('root'),
      });
    }
    case 'accounts': {
      const redis = args.flags.get('redis');
      const root = args.flags.get('root');
      return (await import('./accounts-cmd.js')).runAccounts(io, {
        ...(typeof redis === 'string' ? { redis } : {}),
        ...(typeof root === 'string' ? { root } : {}),
      });
    }
    case 'plugin': {
      if (args.positionals[0] !== 'new') {
        io.stderr.write(`wxbot plugin: expected "new"\n\n${(await usage()).COMMAND_USAGE['plugin'] ?? ''}`);
        return 2;
      }
      return (await import('./plugin-new.js')).runPluginNew(io, args.positionals[1], dir);
    }
    default:
      return 2;
  }
}
