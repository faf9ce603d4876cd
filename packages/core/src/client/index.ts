export type * from './types.js';
export type { Hosts, PersistedSession, SessionStore } from '../session/types.js';
export {
  WxError,
  LoginForbidden,
  LoginTimeout,
  QrExpired,
  PushLoginFailed,
  LoggedOut,
  RateLimited,
  NotFriend,
  ServerError,
  NetworkError,
  ProtocolError,
  ClientStopped,
  NotLoggedIn,
  InvalidArgument,
  isRetryable,
} from './errors.js';
export type { WxErrorCode } from './errors.js';
