import { pino, type Bindings, type Logger } from 'pino';
import { REDACT, REDACT_HOOKS, redactText } from './redact.js';

/**
 * Loggers known to censor with exactly `REDACT`: roots built with it (`markRedacting`) and the
 * bases `redactingChild` makes. A WeakSet, so a dropped logger is not kept.
 */
const redacting = new WeakSet<Logger>();
/** Per parent without `REDACT`: its one child that adds it, shared by every child made through it. */
const bases = new WeakMap<Logger, Logger>();

/** Records that `logger` (a root built with `redact: REDACT`) censors already; returns it. */
export function markRedacting(logger: Logger): Logger {
  redacting.add(logger);
  return logger;
}

/**
 * Whether `logger` censors with exactly `REDACT`. pino children are `Object.create(parent)`: a
 * child with its own `redact` has it as an own property (and it replaces the parent's), one
 * without inherits the parent's, so the prototype chain answers.
 */
function redactsAlready(logger: Logger): boolean {
  for (let l: object | null = logger; l !== null; l = Object.getPrototypeOf(l) as object | null) {
    if (redacting.has(l as Logger)) return true;
    if (Object.hasOwn(l, 'redact')) return (l as { redact?: unknown }).redact === REDACT;
  }
  return false;
}

/**
 * `parent.child(bindings, { redact: REDACT })`, without compiling the redaction again. pino builds
 * a fresh redactor (~30 path matchers, ~54 KB of heap) for every child given `redact`; an account
 * made 11 of them (its client's logger and one per plugin). A child of a logger that redacts
 * already inherits its redactor; any other parent gets one redacting base child, made once and
 * shared. What is censored is the same: exactly `REDACT`, as a child-level `redact` replaced
 * whatever the parent had.
 */
export function redactingChild(parent: Logger, bindings: Bindings): Logger {
  if (redactsAlready(parent)) return parent.child(bindings);
  let base = bases.get(parent);
  if (base === undefined) {
    base = parent.child({}, { redact: REDACT });
    redacting.add(base);
    bases.set(parent, base);
  }
  return base.child(bindings);
}

/**
 * The per-account child logger. Child-level `redact` applies even when the
 * parent was created by someone else without it; free-text messages must go
 * through `safe()` (the client builds every URL summary with it).
 */
export function createAccountLogger(parent: Logger | undefined, account: string): Logger {
  const base =
    parent ??
    markRedacting(
      pino({ level: process.env['WXBOT_LOG_LEVEL'] ?? 'info', name: 'wxbot', redact: REDACT, hooks: REDACT_HOOKS }),
    );
  return redactingChild(base, { account });
}

/** Scrubs a message string before it is logged (use for anything built from URLs or bodies). */
export function safe(text: string): string {
  return redactText(text);
}
