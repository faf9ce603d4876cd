import { createClient } from '../client/client.js';
import type { ClientOptions } from '../client/types.js';
import { createLogger } from '../bot/logger.js';
import type { ResolvedConfig } from '../config/prepare.js';
import type { CliIo } from './io.js';
import { ensureDataDirOrReport, loadOrReport } from './load-config.js';

function clientOptions(resolved: ResolvedConfig, io: CliIo): ClientOptions {
  const account = resolved.config.account ?? {};
  return {
    dataDir: resolved.dataDir,
    logger: createLogger(resolved.config.logging, io.stdout),
    ...(account.name === undefined ? {} : { account: account.name }),
    ...(account.desktop === undefined ? {} : { desktop: account.desktop }),
    ...(account.hosts === undefined ? {} : { hosts: account.hosts }),
    ...(account.sessionStore === undefined ? {} : { sessionStore: account.sessionStore }),
    ...(account.qr === undefined ? {} : { qr: account.qr }),
    ...(account.historyCutoffSeconds === undefined ? {} : { historyCutoffSeconds: account.historyCutoffSeconds }),
  };
}

/** `wxbot login`: logs in, saves the session, exits. */
export async function runLogin(io: CliIo, config: string | undefined): Promise<number> {
  const resolved = await loadOrReport(io, config);
  if (resolved === undefined || !(await ensureDataDirOrReport(io, resolved))) return 1;
  const client = createClient({
    ...clientOptions(resolved, io),
    loginMode: resolved.config.account?.loginMode ?? 'auto',
  });
  try {
    const self = await client.start();
    io.stdout.write(`Logged in as ${self.nickName}; the session is saved under ${resolved.dataDir}.\n`);
    return 0;
  } catch (error) {
    io.stderr.write(`wxbot login: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await client.stop();
  }
}

/** `wxbot logout`: resumes the saved session only to log it out, then forgets it. */
export async function runLogout(io: CliIo, config: string | undefined): Promise<number> {
  const resolved = await loadOrReport(io, config);
  if (resolved === undefined) return 1;
  const client = createClient({ ...clientOptions(resolved, io), loginMode: 'hot' });
  try {
    await client.start();
  } catch {
    await client.stop();
    io.stdout.write('No saved session to log out.\n');
    return 0;
  }
  try {
    await client.logout();
    io.stdout.write('Logged out; the saved session is deleted.\n');
    return 0;
  } catch (error) {
    io.stderr.write(`wxbot logout: ${(error as Error).message}\n`);
    return 1;
  }
}
