import { ConfigError } from '../config/errors.js';
import { loadConfig, type ResolvedConfig } from '../config/prepare.js';
import { DirectoryError, ensureDir } from '../util/ensure-dir.js';
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
