export type * from './types.js';
export type { Hosts, PersistedSession, SessionLog, SessionStore } from '../session/types.js';
export { FileSessionStore, MemorySessionStore } from '../session/file-store.js';
export { createClient, WebWxClient } from './client.js';
export type { ClientInternals } from './client.js';
export type { QueueStats, RequestReport } from './request-observer.js';
// Durable journals and atomic state files, for sibling packages (webhook deliveries) that keep the same promise.
export { Journal, BoundedSet } from './journal.js';
export type { JournalModel, JournalOptions } from './journal.js';
export { writeFileAtomic } from '../util/atomic-write.js';
export { MemoryContactStore } from '../contact/store.js';
export { redactUrl, redactText, redactHeaders } from '../log/redact.js';
export {
  WxError,
  LoginForbidden,
  LoginTimeout,
  QrExpired,
  PushLoginFailed,
  LoggedOut,
  RateLimited,
  NotFriend,
  SendExpired,
  SendOutcomeUnknown,
  ServerError,
  NetworkError,
  ProtocolError,
  ClientStopped,
  NotLoggedIn,
  InvalidArgument,
  isRetryable,
  isServerVerdict,
  TicketInvalid,
  ActionRefused,
  RecallWindowPassed,
  RoomNeedsInvite,
  TicketFailed,
  RealNameRequired,
  pushLoginCause,
  REVOKE_WINDOW_MS,
} from './errors.js';
export type { PushLoginCause } from './errors.js';
export type { WxErrorCode } from './errors.js';
