import { resolve as resolvePath } from 'node:path';

import { ConfigError } from '../config/errors.js';
import { CONFIG_FILES } from '../config/load.js';
import { loadConfig, type ResolvedConfig } from '../config/prepare.js';
import { DirectoryError, ensureDir } from '../util/ensure-dir.js';
import { configSearchDirs } from '../config/probe.js';
import type { LogLevel } from '../config/types.js';
import { closest } from '../plugin/suggest.js';
import { errorMessage } from '../util/error-message.js';
import type { CliIo } from './io.js';
import { selectAccount } from './select-account.js';

/** Flags shared by start, login and logout. */
export interface RunFlags {
  config?: string;
  dataDir?: string;
  logLevel?: string;
  /** `--account <name>`: the one account of a multi-account config to run. */
  account?: string;
  /** Print stack traces of failures (--verbose). */
  verbose?: boolean;
}

const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** Says that no config was found, where the search looked, and how to make one. */
export function noConfigMessage(cwd: string): string {
  const dirs = configSearchDirs(resolvePath(cwd));
  const files = CONFIG_FILES.filter((f) => f !== 'package.json').join(', ');
  const root = dirs.at(-1)!;
  return [
    'wxbot: no bot config found.',
    `  looked for ${files} and a "wxbot" key in package.json`,
    `  in ${dirs.join(', ')}${dirs.length > 1 ? ` (up to ${root})` : ''}`,
    'Create a project here with `wxbot init`, or pass --config <path>.',
    '',
  ].join('\n');
}

/**
 * Loads and checks the config; prints every problem and returns undefined when
 * it is not usable. A bot without a config file would start with no plugins
 * and answer nothing, so that is refused with a pointer to `wxbot init`.
 */
export async function loadOrReport(
  io: CliIo,
  flags: RunFlags,
  /** The command works on one account (login, logout): a config of several needs --account. */
  one = false,
  command = one ? 'login' : 'start',
): Promise<ResolvedConfig | undefined> {
  const { config: file, dataDir, logLevel } = flags;
  if (logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    const guess = closest(logLevel, LOG_LEVELS);
    io.stderr.write(
      `wxbot: --log-level ${logLevel} is not a level${guess === undefined ? '' : ` (did you mean ${guess}?)`}; use one of ${LOG_LEVELS.join(', ')}\n`,
    );
    return undefined;
  }
  let resolved: ResolvedConfig;
  try {
    resolved = await loadConfig({ cwd: io.cwd, ...(file === undefined ? {} : { file }) });
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`wxbot: ${error.message}\n`);
      if (flags.verbose === true && error.cause !== undefined) {
        const stack = (error.cause as { stack?: unknown }).stack;
        io.stderr.write(`${typeof stack === 'string' ? stack : errorMessage(error.cause)}\n`);
      }
      return undefined;
    }
    throw error;
  }
  if (resolved.file === undefined) {
    io.stderr.write(noConfigMessage(io.cwd));
    return undefined;
  }
  const selected = selectAccount(resolved, flags.account, { command, one, dataDirFlag: dataDir !== undefined });
  if ('error' in selected) {
    io.stderr.write(`wxbot: ${selected.error}\n`);
    return undefined;
  }
  resolved = selected;
  // Flags win over the file; a flag's path is relative to where the command runs.
  return {
    ...resolved,
    ...(dataDir === undefined ? {} : { dataDir: resolvePath(io.cwd, dataDir) }),
    ...(logLevel === undefined
      ? {}
      : { config: { ...resolved.config, logging: { ...resolved.config.logging, level: logLevel as LogLevel } } }),
  };
}

/**
 * Creates `account.dataDir` before anything else starts (the simulator too, so a
 * bad path shows up now, not at the first real login); prints why it cannot be
 * used and returns false.
 */
export async function ensureDataDirOrReport(io: CliIo, resolved: ResolvedConfig): Promise<boolean> {
  try {
    await ensureDir(resolved.dataDir, { setting: 'account.dataDir' });
    return true;
  } catch (error) {
    if (error instanceof DirectoryError) {
      io.stderr.write(`wxbot: ${error.message}\n`);
      return false;
    }
    throw error;
  }
}
