/**
 * Typed errors of the iLink transport. Messages name the operation and never carry a token, a QR
 * value or a context token (the server's `errmsg` is kept: it holds none of those).
 */

export type IlinkErrorCode =
  | 'session-timeout'
  | 'rate-limited'
  | 'api'
  | 'http'
  | 'network'
  | 'protocol'
  | 'login'
  | 'no-context'
  | 'stopped'
  | 'outcome-unknown'
  | 'dead-letter'
  | 'journal';

export class IlinkError extends Error {
  constructor(
    readonly code: IlinkErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** `errcode -14`: the bot token is no longer valid; scan again. */
export class SessionTimeout extends IlinkError {
  constructor(
    readonly op: string,
    readonly errmsg: string,
  ) {
    super('session-timeout', `${op}: session timed out (errcode -14${errmsg ? `: ${errmsg}` : ''}); log in again`);
  }
}

/** `ret -2`: the server refuses more sends for now; the outbound queue backs off. */
export class RateLimited extends IlinkError {
  constructor(
    readonly op: string,
    readonly errmsg: string,
  ) {
    super('rate-limited', `${op}: rate limited (ret -2${errmsg ? `: ${errmsg}` : ''}); sends back off`);
  }
}

/** Any other non-zero `ret` / `errcode`. */
export class IlinkApiError extends IlinkError {
  constructor(
    readonly op: string,
    readonly ret: number,
    readonly errmsg: string,
  ) {
    super('api', `${op}: the server answered ret ${ret}${errmsg ? ` (${errmsg})` : ''}`);
  }
}

/** A non-2xx HTTP status (transport failure, separate from application errors). */
export class IlinkHttpError extends IlinkError {
  constructor(
    readonly op: string,
    readonly status: number,
  ) {
    super('http', `${op}: HTTP ${status}`);
  }
}

/** The request never got an answer (refused, reset, timed out). */
export class IlinkNetworkError extends IlinkError {
  constructor(
    readonly op: string,
    cause: unknown,
  ) {
    super('network', `${op}: network error (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
  }
}

/** The reply does not have the shape the protocol document describes. */
export class IlinkProtocolError extends IlinkError {
  constructor(message: string) {
    super('protocol', message);
  }
}

export type LoginFailure = 'expired-too-often' | 'verify-code-blocked' | 'already-bound' | 'no-verify-code' | 'timeout';

export class IlinkLoginError extends IlinkError {
  constructor(
    readonly reason: LoginFailure,
    message: string,
  ) {
    super('login', message);
  }
}

/** A reply to a user who never wrote (no context token) or whose reply window has closed. */
export class NoReplyContext extends IlinkError {
  constructor(message: string) {
    super('no-context', message);
  }
}

export class TransportStopped extends IlinkError {
  constructor(op: string) {
    super('stopped', `${op}: the iLink transport is stopped`);
  }
}

/**
 * One received message could not be journaled while other writes succeeded, so it was moved to a
 * dead-letter file and skipped, letting the cursor advance. Emitted once per message (`error` event,
 * context `dead-letter`). Names the message id and the file, never the message's tokens.
 */
export class MessageDeadLettered extends IlinkError {
  constructor(
    readonly messageId: string,
    readonly file: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(
      'dead-letter',
      `getupdates: message ${messageId} could not be journaled after ${attempts} attempt(s) while other writes ` +
        `succeeded (${describe(cause)}); moved it to ${file} and skipped it so later messages are received`,
      { cause },
    );
  }
}

/**
 * The inbox journal cannot be written at all (disk full, read-only, store down): the batch is held
 * and retried, never dead-lettered, since no message is at fault and skipping would lose them all.
 */
export class JournalUnavailable extends IlinkError {
  constructor(cause: unknown) {
    super(
      'journal',
      `getupdates: the inbox journal cannot be written (${describe(cause)}); holding the cursor and retrying, ` +
        'nothing is skipped: free disk space or fix the session store',
      { cause },
    );
  }
}

function describe(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const code = (cause as NodeJS.ErrnoException).code;
  return code === undefined ? cause.message : `${code}: ${cause.message}`;
}

/** Errors worth another try after a pause: network, 5xx, rate limits. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof RateLimited || err instanceof IlinkNetworkError) return true;
  return err instanceof IlinkHttpError && (err.status >= 500 || err.status === 429);
}
