import { pino, type Logger } from 'pino';
import { REDACT, REDACT_HOOKS, redactText } from './redact.js';

/**
 * The per-account child logger. Child-level `redact` applies even when the
 * parent was created by someone else without it; free-text messages must go
 * through `safe()` (the client builds every URL summary with it).
 */
export function createAccountLogger(parent: Logger | undefined, account: string): Logger {
  const base = parent ?? pino({ level: process.env['WXBOT_LOG_LEVEL'] ?? 'info', name: 'wxbot', hooks: REDACT_HOOKS });
  return base.child({ account }, { redact: REDACT });
}

/** Scrubs a message string before it is logged (use for anything built from URLs or bodies). */
export function safe(text: string): string {
  return redactText(text);
}
