import type { RestartPolicy } from '../config/restart.js';

// Resolved with the config (config/restart.ts); re-exported where the supervisor's users look for it.
export { DEFAULT_RESTART, resolveRestart, type RestartPolicy } from '../config/restart.js';

/**
 * The delay before restart number `attempt` (1-based, counted since the last
 * stable run): a ceiling that doubles from `initialDelayMs` up to `maxDelayMs`,
 * jittered down into its upper half so accounts that failed together (a
 * network outage) do not all come back in the same instant.
 */
export function restartDelay(policy: RestartPolicy, attempt: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.round(ceiling * (0.5 + Math.min(Math.max(random(), 0), 1) / 2));
}

/** Why a failed account is not restarted. */
export type FinalCause = 'banned' | 'needs-scan' | 'needs-fix' | 'gave-up' | 'restart-off';

/** What a failure means for a restart. */
export type FailureVerdict = { readonly restart: true } | { readonly restart: false; readonly cause: FinalCause };

/** Codes (`WxError.code`) of failures no restart can fix. */
const FINAL_CODES: Readonly<Record<string, FinalCause>> = {
  // ret 1203: the server refuses the account on the web; restarting only asks to be refused again.
  LOGIN_FORBIDDEN: 'banned',
  // Also ret 1203, with a task for the owner (real-name verification on the phone).
  REAL_NAME_REQUIRED: 'needs-fix',
  // A login that waited for a person (QR scan, phone confirmation) and nobody came.
  LOGIN_TIMEOUT: 'needs-scan',
  QR_EXPIRED: 'needs-scan',
  LOGIN_CANCELLED: 'needs-scan',
  PUSH_LOGIN_FAILED: 'needs-scan',
  // No stored session to resume, or the server refused it: only a new scan logs in.
  HOT_LOGIN_FAILED: 'needs-scan',
  LOGGED_OUT: 'needs-scan',
};

/** Errors of the account's setup (its data dir, its plugins' requirements), not of the network. */
const FINAL_NAMES: Readonly<Record<string, FinalCause>> = {
  CapabilityMissing: 'needs-fix',
  DirectoryError: 'needs-fix',
  ConfigError: 'needs-fix',
};

/**
 * Whether a restart could fix why `bot.start()` rejected. Bans, logins that
 * need a person, and setup errors are final; everything else (the network,
 * a server error, an unexpected throw) is worth another try later.
 */
export function startFailureVerdict(error: unknown): FailureVerdict {
  if (typeof error === 'object' && error !== null) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    const byCode = typeof code === 'string' ? FINAL_CODES[code] : undefined;
    if (byCode !== undefined) return { restart: false, cause: byCode };
    const byName = typeof name === 'string' ? FINAL_NAMES[name] : undefined;
    if (byName !== undefined) return { restart: false, cause: byName };
  }
  return { restart: true };
}

/**
 * Whether a restart could fix a session that ended while serving (recovery
 * gave up): `lastError` is the last error the transport reported. A ban is
 * final; a logout, a network outage or anything else gets a hot restart from
 * the stored session, whose own outcome then decides (a refused session is
 * final as `needs-scan`).
 */
export function endedSessionVerdict(lastError: unknown): FailureVerdict {
  const code = typeof lastError === 'object' && lastError !== null ? (lastError as { code?: unknown }).code : undefined;
  if (code === 'LOGIN_FORBIDDEN') return { restart: false, cause: 'banned' };
  if (code === 'REAL_NAME_REQUIRED') return { restart: false, cause: 'needs-fix' };
  return { restart: true };
}

/** What an operator reads next to a final failure. */
export function finalCauseHint(cause: FinalCause, account: string): string {
  switch (cause) {
    case 'banned':
      return 'the server refuses this account (ret 1203); not restarted';
    case 'needs-scan':
      return `it needs a new QR scan; not restarted (run: wxbot login --account ${account})`;
    case 'needs-fix':
      return 'its setup needs fixing (see the error); not restarted';
    case 'gave-up':
      return 'restarted too often without a stable run (restart.maxAttempts); not restarted again';
    case 'restart-off':
      return 'restarts are off for it (restart: false)';
  }
}
