import { readFileSync } from 'node:fs';

import { parseArgs, UsageError } from './args.js';
import { processIo, type CliIo } from './io.js';
import { COMMAND_USAGE, MAIN_USAGE } from './usage.js';

// Each command's module is imported when that command runs: `wxbot init` never loads the
// client, and help and usage errors answer at once (cold start).

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const OPTIONS: Readonly<Record<string, readonly string[]>> = {
  start: ['config', 'simulator'],
  login: ['config'],
  logout: ['config'],
  init: ['dir', 'no-install'],
  plugin: ['dir'],
};

/** Entry point of the `wxbot` bin; returns the process exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const topic = command === 'help' ? rest[0] : undefined;
    io.stdout.write(topic !== undefined && COMMAND_USAGE[topic] !== undefined ? COMMAND_USAGE[topic] : MAIN_USAGE);
    return 0;
  }
  if (command === '--version' || command === '-v') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  const allowed = OPTIONS[command];
  if (allowed === undefined) {
    io.stderr.write(`wxbot: unknown command "${command}"\n\n${MAIN_USAGE}`);
    return 2;
  }
  let args;
  try {
    args = parseArgs(rest, allowed);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`wxbot ${command}: ${error.message}\n\n${COMMAND_USAGE[command] ?? ''}`);
    return 2;
  }
  if (args.flags.has('help')) {
    io.stdout.write(COMMAND_USAGE[command] ?? MAIN_USAGE);
    return 0;
  }
  const config = args.flags.get('config');
  const configFile = typeof config === 'string' ? config : undefined;
  const dirFlag = args.flags.get('dir');
  const dir = typeof dirFlag === 'string' ? dirFlag : undefined;
  const extra = command === 'plugin' ? args.positionals.slice(2) : args.positionals;
  if (extra.length > 0) {
    io.stderr.write(`wxbot ${command}: unexpected argument "${extra[0]}"\n\n${COMMAND_USAGE[command] ?? ''}`);
    return 2;
  }
  switch (command) {
    case 'start':
      return (await import('./start.js')).runStart(io, {
        simulator: args.flags.has('simulator'),
        ...(configFile === undefined ? {} : { config: configFile }),
      });
    case 'login':
      return (await import('./login.js')).runLogin(io, configFile);
    case 'logout':
      return (await import('./login.js')).runLogout(io, configFile);
    case 'init':
      return (await import('./init.js')).runInit(io, dir, {
        install: !args.flags.has('no-install'),
        userAgent: process.env['npm_config_user_agent'],
      });
    case 'plugin': {
      if (args.positionals[0] !== 'new') {
        io.stderr.write(`wxbot plugin: expected "new"\n\n${COMMAND_USAGE['plugin'] ?? ''}`);
        return 2;
      }
      return (await import('./plugin-new.js')).runPluginNew(io, args.positionals[1], dir);
    }
    default:
      return 2;
  }
}
