// What the root barrel (`@wxbot/core`) shows of the Web client: the value shapes plugins and
// configs name (options, sends, downloads), the typed errors they catch, the session stores a
// config picks, and log redaction. The client itself (createClient, WebWxClient, its journals and
// wire parsers) is `@wxbot/core/client` (./index.ts), for programs that drive it directly.
export type * from './types.js';
export type { Hosts, PersistedSession, SessionLog, SessionStore } from '../session/types.js';
export { FileSessionStore, MemorySessionStore } from '../session/file-store.js';
export type { QueueStats, RequestReport } from './request-observer.js';
// A type only: `createBotFromConfig`'s test hook names it; the client itself is in ./index.ts.
export type { ClientInternals } from './client.js';
export type { CursorChoice, CursorPolicy, InitReason } from './cursor-policy.js';
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
