import { NetworkError } from './errors.js';
import type { Lane } from './lanes.js';

/** What the outbox needs to know about one action besides its request. */
export interface ActionOptions<T> {
  /** Actions with the same key (the chat) run one after another, in enqueue order. */
  orderKey?: string | undefined;
  /** When the action was first asked for; a journaled send keeps it across restarts. Default: enqueue time. */
  createdAt?: number | undefined;
  /**
   * A journaled send: refused (1205) or unreachable, it is retried until
   * `maxAgeMs`, then SendExpired. Other actions give up after
   * `rateLimitRetries` / `networkRetries` (RateLimited, NetworkError).
   */
  journaled?: boolean | undefined;
  /** The send's ClientMsgId, for logs and errors (a message id, never a secret). */
  clientMsgId?: string | undefined;
  /**
   * The request may have reached the server but its answer was lost. Resolves
   * `{ done }` when the action provably happened, `'retry'` when it provably
   * did not; rejects (SendOutcomeUnknown) when that cannot be known in time.
   * Runs outside the class's slot, so other chats go on meanwhile.
   */
  reconcile?: ((err: NetworkError) => Promise<{ done: T } | 'retry'>) | undefined;
  /**
   * Not safe to repeat and nothing to reconcile against (room and friend
   * operations): a lost answer rejects with SendOutcomeUnknown instead of
   * repeating the request. Without this or `reconcile` the action is treated
   * as idempotent and simply retried.
   */
  atMostOnce?: boolean | undefined;
  /** `'bulk'`: after interactive actions, leaving them a slot and tokens (see lanes.ts). Default interactive. */
  lane?: Lane | undefined;
}

/** System error codes that mean the request never reached the server (no connection was made). */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL']);

/**
 * True when a failed request surely never reached the server, so repeating
 * it cannot act twice. Timeouts, resets, a socket closed before the answer
 * and 5xx (a gateway may answer 5xx after the backend acted) are unknown.
 */
export function surelyNotSent(err: NetworkError): boolean {
  const cause = (err as Error & { cause?: unknown }).cause;
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  return typeof code === 'string' && NOT_SENT.has(code);
}
