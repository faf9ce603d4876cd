import type { ResolvedConfig } from '../config/prepare.js';
import { closest } from '../plugin/suggest.js';

/**
 * `--account <name>`: narrows a config to that one account, shaped as a
 * single-account config (no `accounts`), so login, logout and start run it as
 * they run any. Without the flag a multi-account config is kept whole, except
 * where one account is needed (`one`): then a config of one account is that
 * account, and several are refused with their names.
 * Returns the config, or the message to print.
 */
export function selectAccount(
  resolved: ResolvedConfig,
  name: string | undefined,
  o: { command: string; one: boolean; dataDirFlag: boolean },
): ResolvedConfig | { error: string } {
  const accounts = resolved.accounts;
  if (accounts === undefined) {
    const own = resolved.config.account?.name ?? 'default';
    if (name === undefined || name === own) return resolved;
    return { error: `--account ${name}: this config runs one account, "${own}" (no \`accounts\` list)` };
  }
  if (name === undefined) {
    if (accounts.length === 1 && o.one) return accounts[0]!;
    if (o.dataDirFlag) {
      return { error: `--data-dir names one account's directory; pick the account with --account <name>` };
    }
    if (!o.one) return resolved;
    return {
      error: `this config has ${accounts.length} accounts (${accounts.map((a) => a.name).join(', ')}); ${o.command} one at a time: wxbot ${o.command} --account <name>`,
    };
  }
  const found = accounts.find((a) => a.name === name);
  if (found !== undefined) return found;
  const names = accounts.map((a) => a.name);
  const guess = closest(name, names);
  return {
    error: `--account ${name}: no such account${guess === undefined ? '' : ` (did you mean "${guess}"?)`}; the config has ${names.join(', ')}`,
  };
}
