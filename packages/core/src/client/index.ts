export type * from './types.js';
export type { Hosts, PersistedSession, SessionLog, SessionStore } from '../session/types.js';
export { FileSessionStore, MemorySessionStore } from '../session/file-store.js';
export { createClient, WebWxClient } from './client.js';
export type { ClientInternals } from './client.js';
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
