import type { RestartConfig } from './types.js';

/** A restart policy with every default filled in. */
export interface RestartPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Restarts in a row (no stable run between them) before giving up; `undefined`: no limit. */
  readonly maxAttempts: number | undefined;
  readonly stableMs: number;
}

export const DEFAULT_RESTART: RestartPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 300_000,
  maxAttempts: undefined,
  stableMs: 600_000,
};

/**
 * An account's policy: its own `restart` over the top-level one (`false` at
 * either place, the account's winning, turns restarts off).
 */
export function resolveRestart(
  shared: RestartConfig | false | undefined,
  own: RestartConfig | false | undefined,
): RestartPolicy | false {
  const chosen = own === false || (own === undefined && shared === false) ? false : { ...(shared || {}), ...own };
  if (chosen === false) return false;
  const maxDelayMs = chosen.maxDelayMs ?? Math.max(DEFAULT_RESTART.maxDelayMs, chosen.initialDelayMs ?? 0);
  return {
    initialDelayMs: Math.min(chosen.initialDelayMs ?? DEFAULT_RESTART.initialDelayMs, maxDelayMs),
    maxDelayMs,
    maxAttempts: chosen.maxAttempts,
    stableMs: chosen.stableMs ?? DEFAULT_RESTART.stableMs,
  };
}
