import { ConfigError } from '../config/errors.js';
import { loadConfig, type ResolvedConfig } from '../config/prepare.js';
import type { CliIo } from './io.js';

/** Loads and checks the config; prints every problem and returns undefined when it is not usable. */
export async function loadOrReport(io: CliIo, file: string | undefined): Promise<ResolvedConfig | undefined> {
  try {
    return await loadConfig({ cwd: io.cwd, ...(file === undefined ? {} : { file }) });
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`wxbot: ${error.message}\n`);
      return undefined;
    }
    throw error;
  }
}
