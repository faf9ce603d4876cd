import { resolve as resolvePath } from 'node:path';

import { ConfigError } from '../config/errors.js';
import { CONFIG_FILES } from '../config/load.js';
import { loadConfig, type ResolvedConfig } from '../config/prepare.js';
import { configSearchDirs } from '../config/probe.js';
import type { CliIo } from './io.js';

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
export async function loadOrReport(io: CliIo, file: string | undefined): Promise<ResolvedConfig | undefined> {
  let resolved: ResolvedConfig;
  try {
    resolved = await loadConfig({ cwd: io.cwd, ...(file === undefined ? {} : { file }) });
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`wxbot: ${error.message}\n`);
      return undefined;
    }
    throw error;
  }
  if (resolved.file === undefined) {
    io.stderr.write(noConfigMessage(io.cwd));
    return undefined;
  }
  return resolved;
}
