import { createClient } from '../client/client.js';
import type { ClientOptions } from '../client/types.js';
import { createLogger } from '../bot/logger.js';
import { webTransport } from '../transport/web.js';
import type { ResolvedConfig } from '../config/prepare.js';
import { describeFailure, type ErrorContext } from './explain-error.js';
import { humanOut, type CliIo } from './io.js';
import { reportLoginProgress } from './login-progress.js';
import { ensureDataDirOrReport, loadOrReport, type RunFlags } from './load-config.js';

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
    ...(account.proxy === undefined ? {} : { proxy: account.proxy }),
  };
}

function failureContext(resolved: ResolvedConfig): ErrorContext {
  return { dataDir: resolved.dataDir };
}

/** `wxbot login`: logs in, saves the session, exits. */
export async function runLogin(io: CliIo, flags: RunFlags): Promise<number> {
  const resolved = await loadOrReport(io, flags, true, 'login');
  if (resolved === undefined || !(await ensureDataDirOrReport(io, resolved))) return 1;
  if (resolved.config.account?.transport === 'ilink')
    return (await import('./login-ilink.js')).runIlinkLogin(io, resolved, flags);
  const client = createClient({
    ...clientOptions(resolved, io),
    loginMode: resolved.config.account?.loginMode ?? 'auto',
  });
  const stopProgress = reportLoginProgress(webTransport(client), humanOut(io));
  try {
    const self = await client.start();
    humanOut(io).write(`Logged in as ${self.nickName}; the session is saved under ${resolved.dataDir}.\n`);
    return 0;
  } catch (error) {
    io.stderr.write(`wxbot login: ${describeFailure(error, failureContext(resolved), flags.verbose === true)}`);
    return 1;
  } finally {
    stopProgress();
    await client.stop();
  }
}

/** `wxbot logout`: resumes the saved session only to log it out, then forgets it. */
export async function runLogout(io: CliIo, flags: RunFlags): Promise<number> {
  const resolved = await loadOrReport(io, flags, true, 'logout');
  if (resolved === undefined) return 1;
  if (resolved.config.account?.transport === 'ilink')
    return (await import('./login-ilink.js')).runIlinkLogout(io, resolved);
  // The session is resumed only to end it: its sync loop then sees the logout and would warn
  // about it and try to recover. Only errors are worth showing, unless --log-level asks for more.
  const quiet =
    flags.logLevel === undefined ? { logging: { ...resolved.config.logging, level: 'error' as const } } : {};
  const client = createClient({
    ...clientOptions({ ...resolved, config: { ...resolved.config, ...quiet } }, io),
    loginMode: 'hot',
  });
  try {
    await client.start();
  } catch {
    await client.stop();
    humanOut(io).write('No saved session to log out.\n');
    return 0;
  }
  try {
    await client.logout();
    humanOut(io).write('Logged out; the saved session is deleted.\n');
    return 0;
  } catch (error) {
    io.stderr.write(`wxbot logout: ${describeFailure(error, failureContext(resolved), flags.verbose === true)}`);
    return 1;
  }
}
