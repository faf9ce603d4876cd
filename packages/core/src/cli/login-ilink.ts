import type { ResolvedConfig } from '../config/prepare.js';
import type { Transport } from '../transport/types.js';
import { describeFailure } from './explain-error.js';
import { humanOut, type CliIo } from './io.js';
import { reportLoginProgress } from './login-progress.js';
import type { RunFlags } from './load-config.js';

/** The account's iLink transport, or undefined (after saying why) when its package is missing. */
async function ilinkTransportOf(io: CliIo, resolved: ResolvedConfig): Promise<Transport | undefined> {
  const { IlinkMissingError, loadIlinkModule } = await import('../bot/create-ilink.js');
  try {
    const mod = await loadIlinkModule(resolved.dir);
    const account = resolved.config.account ?? {};
    const ilink = account.ilink ?? {};
    return mod.ilinkTransport({
      dataDir: resolved.dataDir,
      ...(account.name === undefined ? {} : { account: account.name }),
      ...(account.sessionStore === undefined ? {} : { sessionStore: account.sessionStore }),
      ...(ilink.apiBaseUrl === undefined ? {} : { apiBaseUrl: ilink.apiBaseUrl }),
      ...(ilink.cdnBaseUrl === undefined ? {} : { cdnBaseUrl: ilink.cdnBaseUrl }),
    });
  } catch (error) {
    if (!(error instanceof IlinkMissingError)) throw error;
    io.stderr.write(`wxbot: ${error.message}\n`);
    return undefined;
  }
}

/** `wxbot login` on an iLink account: scan, save the bot token, exit. */
export async function runIlinkLogin(io: CliIo, resolved: ResolvedConfig, flags: RunFlags): Promise<number> {
  const transport = await ilinkTransportOf(io, resolved);
  if (transport === undefined) return 1;
  const out = humanOut(io);
  const stopProgress = reportLoginProgress(transport, out);
  // The code to scan is a link: drawn for the person at the terminal, never written to the log.
  const onQr = ({ url }: { url: string }): void => {
    void import('../client/qr-display.js').then(({ printQrToTerminal }) => printQrToTerminal(url, out));
  };
  transport.on('qr', onQr);
  try {
    const self = await transport.start();
    out.write(`Logged in as bot ${self.userName}; the bot token is saved under ${resolved.dataDir}.\n`);
    return 0;
  } catch (error) {
    io.stderr.write(`wxbot login: ${describeFailure(error, { dataDir: resolved.dataDir }, flags.verbose === true)}`);
    return 1;
  } finally {
    transport.off('qr', onQr);
    stopProgress();
    await transport.stop();
  }
}

/** `wxbot logout` on an iLink account: forgets the saved bot token (iLink documents no server-side logout). */
export async function runIlinkLogout(io: CliIo, resolved: ResolvedConfig): Promise<number> {
  const transport = await ilinkTransportOf(io, resolved);
  if (transport === undefined) return 1;
  await transport.logout();
  humanOut(io).write('Logged out; the saved bot token is deleted.\n');
  return 0;
}
