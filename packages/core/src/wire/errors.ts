/**
 * Typed errors of the Web WeChat protocol and client. Every error carries a stable `code`
 * (for programs) and the `endpoint` that produced it (for humans), and never
 * a secret: messages are built from server texts and our own words only.
 */

export type WxErrorCode =
  | 'LOGIN_FORBIDDEN'
  | 'LOGIN_TIMEOUT'
  | 'QR_EXPIRED'
  | 'LOGIN_CANCELLED'
  | 'PUSH_LOGIN_FAILED'
  | 'HOT_LOGIN_FAILED'
  | 'LOGGED_OUT'
  | 'RATE_LIMITED'
  | 'NOT_FRIEND'
  | 'SEND_EXPIRED'
  | 'SEND_OUTCOME_UNKNOWN'
  | 'SERVER_ERROR'
  | 'NETWORK'
  | 'PROTOCOL'
  | 'CLIENT_STOPPED'
  | 'NOT_LOGGED_IN'
  | 'INVALID_ARGUMENT'
  | 'RECALL_WINDOW_PASSED'
  | 'ROOM_NEEDS_INVITE'
  | 'TICKET_INVALID'
  | 'ACTION_REFUSED'
  | 'TICKET_FAILED'
  | 'REAL_NAME_REQUIRED';

export class WxError extends Error {
  override name = 'WxError';
  constructor(
    /** Stable machine-readable code. */
    readonly code: WxErrorCode,
    /** The endpoint (e.g. `webwxsendmsg`) or phase (`login`) that failed. */
    readonly endpoint: string,
    message: string,
    /** The server's `Ret`/`retcode`, when it sent one. */
    readonly ret?: number,
    options?: { cause?: unknown },
  ) {
    super(`${endpoint}: ${message}`, options);
  }
}

/** `ret=1203` at login: the server refuses this account on the web ("当前登录环境异常"). Never retried with a QR loop. */
export class LoginForbidden extends WxError {
  override name = 'LoginForbidden';
  constructor(
    /** The server's own message, verbatim. */
    readonly serverMessage: string,
    /** What the operator can do about it. */
    readonly hint: string,
    endpoint = 'webwxnewloginpage',
  ) {
    super('LOGIN_FORBIDDEN', endpoint, `login forbidden by the server (ret 1203): ${serverMessage}. ${hint}`, 1203);
  }
}

/** The QR code was not confirmed in time (login poll kept answering 408 until the deadline). */
export class LoginTimeout extends WxError {
  override name = 'LoginTimeout';
  constructor(endpoint = 'login', message = 'nobody confirmed the login in time') {
    super('LOGIN_TIMEOUT', endpoint, message);
  }
}

/** The QR code expired more times than `qr.maxRefreshes` allows. */
export class QrExpired extends WxError {
  override name = 'QrExpired';
  constructor(readonly refreshes: number) {
    super(
      'QR_EXPIRED',
      'login',
      `the QR code expired ${refreshes + 1} time(s); giving up (qr.maxRefreshes=${refreshes})`,
    );
  }
}

/**
 * Why `webwxpushloginurl` (or the confirmation after it) failed. Read from the
 * answer's `ret` (a string in the JSON): `1` "args error" (the request lacks
 * the old session's cookies, or the uin is unknown), `2` "antispam" (the
 * server holds push logins back for this account: wait, or scan a QR code),
 * `3` "device authinfo invalid" (the saved device auth info is stale: a QR
 * login renews it); `unconfirmed` when nobody confirmed on the phone in time,
 * `other` for anything else.
 */
export type PushLoginCause = 'args' | 'antispam' | 'auth-info' | 'unconfirmed' | 'other';

/** The push-login cause of a `webwxpushloginurl` answer's ret. */
export function pushLoginCause(ret: number | undefined): PushLoginCause {
  if (ret === 1) return 'args';
  if (ret === 2) return 'antispam';
  if (ret === 3) return 'auth-info';
  return 'other';
}

/** `webwxpushloginurl` refused (no cookies, antispam, stale auth info, ...) or nobody confirmed; see `reason`. */
export class PushLoginFailed extends WxError {
  override name = 'PushLoginFailed';
  /** Why, by the server's ret (see {@link PushLoginCause}). */
  readonly reason: PushLoginCause;
  constructor(message: string, ret?: number, reason: PushLoginCause = pushLoginCause(ret)) {
    super('PUSH_LOGIN_FAILED', 'webwxpushloginurl', `${message} (${reason})`, ret);
    this.reason = reason;
  }
}

/**
 * webwxnewloginpage refused the login ticket (ret other than 0 and 1203, e.g.
 * 1: the ticket is unknown, used or expired). Not a ban: a fresh QR or push
 * login gets a new ticket.
 */
export class TicketFailed extends WxError {
  override name = 'TicketFailed';
  constructor(ret: number, serverMessage = '') {
    super(
      'TICKET_FAILED',
      'webwxnewloginpage',
      `the login ticket was refused (ret ${ret}${serverMessage ? `: ${serverMessage}` : ''}); log in again for a new one`,
      ret,
    );
  }
}

/**
 * ret 1203 whose text asks for real-name verification (the message mentions
 * 实名 / real name): not a ban; verify the account's real name in the phone's
 * WeChat Pay settings, then log in again. The texts seen in the wild are not
 * all published, so only messages that say so are classified here.
 */
export class RealNameRequired extends WxError {
  override name = 'RealNameRequired';
  constructor(
    /** The server's own message, verbatim. */
    readonly serverMessage: string,
    endpoint = 'webwxnewloginpage',
  ) {
    super(
      'REAL_NAME_REQUIRED',
      endpoint,
      `the server asks for real-name verification before web login (ret 1203): ${serverMessage}. ` +
        'Verify the real name in WeChat on the phone (Me > Pay / Services > Wallet), then log in again.',
      1203,
    );
  }
}

/** True when a ret-1203 login message asks for real-name verification rather than banning. */
export function asksForRealName(serverMessage: string): boolean {
  return /实名|real[- ]?name/i.test(serverMessage);
}

/** The session is dead (synccheck/Ret 1100/1101/1102) or the client logged out. */
export class LoggedOut extends WxError {
  override name = 'LoggedOut';
  constructor(endpoint: string, ret?: number, message = 'the session is logged out') {
    super('LOGGED_OUT', endpoint, ret === undefined ? message : `${message} (ret ${ret})`, ret);
  }
}

/** Ret 1205: the server says we act too often. The queue slows down and retries before surfacing it. */
export class RateLimited extends WxError {
  override name = 'RateLimited';
  constructor(endpoint: string, message = 'the server rate-limited this action (ret 1205)') {
    super('RATE_LIMITED', endpoint, message, 1205);
  }
}

/** Ret 1204: the target is not (or no longer) a friend, or not in the room. */
export class NotFriend extends WxError {
  override name = 'NotFriend';
  constructor(endpoint: string, message = 'the target is not a friend (ret 1204)') {
    super('NOT_FRIEND', endpoint, message, 1204);
  }
}

/**
 * A send (or other action) the server kept refusing with 1205 (or that could
 * not reach it) until it was older than `sends.maxAgeMs`: it left the journal
 * and was never delivered. The drop is logged with its ClientMsgId.
 */
export class SendExpired extends WxError {
  override name = 'SendExpired';
  constructor(
    endpoint: string,
    /** The send's ClientMsgId (absent for actions that are not messages). */
    readonly clientMsgId: string | undefined,
    /** How long it waited, in ms. */
    readonly ageMs: number,
    /** The configured `sends.maxAgeMs`. */
    readonly maxAgeMs: number,
  ) {
    super(
      'SEND_EXPIRED',
      endpoint,
      `the server did not accept this action (refused with ret 1205, or unreachable) within sends.maxAgeMs ` +
        `(${maxAgeMs} ms; it waited ${ageMs} ms); dropped` +
        (clientMsgId === undefined ? '' : ` (ClientMsgId ${clientMsgId})`),
    );
  }
}

/**
 * The request went out but its answer was lost, and whether the server acted
 * on it could not be established within the reconcile bound. The action was
 * not repeated (at most once): it may or may not have happened.
 */
export class SendOutcomeUnknown extends WxError {
  override name = 'SendOutcomeUnknown';
  constructor(
    endpoint: string,
    /** The send's ClientMsgId (absent for room and friend operations). */
    readonly clientMsgId: string | undefined,
    /** Why it could not be known (our own words). */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      'SEND_OUTCOME_UNKNOWN',
      endpoint,
      `the answer was lost and whether the server acted is unknown (${reason}); not repeated` +
        (clientMsgId === undefined ? '' : ` (ClientMsgId ${clientMsgId})`),
      undefined,
      options,
    );
  }
}

/** Any other non-zero `BaseResponse.Ret`. */
export class ServerError extends WxError {
  override name = 'ServerError';
  constructor(endpoint: string, ret: number, serverMessage = '', code: WxErrorCode = 'SERVER_ERROR') {
    super(code, endpoint, `server answered Ret ${ret}${serverMessage ? `: ${serverMessage}` : ''}`, ret);
  }
}

/**
 * Ret -14: the server refused the request's ticket (pass_ticket or
 * webwx_data_ticket). Usually the session rotated its tickets (a re-login):
 * the next call with the new ones works.
 */
export class TicketInvalid extends ServerError {
  override name = 'TicketInvalid';
  constructor(endpoint: string, serverMessage = '') {
    super(endpoint, -14, serverMessage || 'the ticket (pass_ticket / webwx_data_ticket) was refused', 'TICKET_INVALID');
  }
}

/**
 * Ret 1: the server refused the call without saying why. For room and friend
 * actions this means an argument it would not take (someone not in the room,
 * not the room's owner, an unknown UserName, a room too large to add to
 * directly). Not retried: repeating it gets the same answer.
 */
export class ActionRefused extends ServerError {
  override name = 'ActionRefused';
  constructor(endpoint: string, serverMessage = '') {
    super(endpoint, 1, serverMessage || 'refused without a reason (Ret 1): check the arguments', 'ACTION_REFUSED');
  }
}

/** The server revokes only messages younger than this (2 minutes). */
export const REVOKE_WINDOW_MS = 120_000;

/**
 * A message can be revoked only within the server's window (2 minutes), and
 * this one is older: checked before calling (from when the send was
 * answered), and what the server's Ret -1 for it ("发送时间超过2分钟的消息，不能被撤回") becomes.
 */
export class RecallWindowPassed extends WxError {
  override name = 'RecallWindowPassed';
  constructor(
    /** How old the message was, in ms (undefined when only the server knew). */
    readonly ageMs: number | undefined,
    /** The window, in ms. */
    readonly windowMs: number,
    serverMessage = '',
  ) {
    super(
      'RECALL_WINDOW_PASSED',
      'webwxrevokemsg',
      `the message is ${ageMs === undefined ? 'older than the revoke window' : `${Math.round(ageMs / 1000)} s old`}; ` +
        `only messages younger than ${windowMs / 1000} s can be revoked${serverMessage ? ` (${serverMessage})` : ''}`,
      -1,
    );
  }
}

/**
 * Adding members directly to a room of `threshold` (webwxinit's
 * InviteStartCount, 40) or more members is refused by the server: such rooms
 * take invitations only. Thrown when `rooms.largeRoomAdd` is `'refuse'`; the
 * default `'invite'` sends invitations instead.
 */
export class RoomNeedsInvite extends WxError {
  override name = 'RoomNeedsInvite';
  constructor(
    readonly room: string,
    readonly memberCount: number,
    readonly threshold: number,
  ) {
    super(
      'ROOM_NEEDS_INVITE',
      'webwxupdatechatroom?fun=addmember',
      `the room has ${memberCount} members; rooms of ${threshold} or more take invitations only ` +
        '(use rooms.invite, or leave rooms.largeRoomAdd at "invite")',
    );
  }
}

/** Connection failures, timeouts and HTTP 5xx (retryable). */
export class NetworkError extends WxError {
  override name = 'NetworkError';
  constructor(
    endpoint: string,
    message: string,
    /** HTTP status when the server answered at all. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super('NETWORK', endpoint, message, undefined, options);
  }
}

/** A body we could not read (bad JSON, unexpected XML, missing field). */
export class ProtocolError extends WxError {
  override name = 'ProtocolError';
  constructor(endpoint: string, message: string, options?: { cause?: unknown }) {
    super('PROTOCOL', endpoint, message, undefined, options);
  }
}

/** The client was stopped while the call waited. */
export class ClientStopped extends WxError {
  override name = 'ClientStopped';
  constructor(endpoint: string) {
    super('CLIENT_STOPPED', endpoint, 'the client is stopped');
  }
}

/** The call needs a logged-in session. */
export class NotLoggedIn extends WxError {
  override name = 'NotLoggedIn';
  constructor(endpoint: string) {
    super('NOT_LOGGED_IN', endpoint, 'not logged in yet (await client.start())');
  }
}

/** Caller passed something unusable (empty recipient, unknown room...). */
export class InvalidArgument extends WxError {
  override name = 'InvalidArgument';
  constructor(endpoint: string, message: string) {
    super('INVALID_ARGUMENT', endpoint, message);
  }
}

/**
 * Also: a revoke past the server's window, a large room's refusal of direct adds (when configured to
 * refuse), and a ticket the server rotated: the server's rules, not a fault of the code that asked.
 */
const SERVER_VERDICTS = new Set<string>([
  'RATE_LIMITED',
  'NOT_FRIEND',
  'SEND_EXPIRED',
  'SEND_OUTCOME_UNKNOWN',
  'RECALL_WINDOW_PASSED',
  'ROOM_NEEDS_INVITE',
  'TICKET_INVALID',
]);

/**
 * True for errors that report what the server did with an action — refused
 * it (1204, 1205 until expiry) or left its outcome unknowable — rather than a
 * bug in the code that asked for it. The plugin host never counts these as a
 * plugin's failure. Checked by `code`, so copies of this module loaded twice
 * (two installs of @wxbot/core) agree.
 */
export function isServerVerdict(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && SERVER_VERDICTS.has(code) && err instanceof Error;
}

/** Errors worth retrying with backoff (the server or the network hiccupped). */
export function isRetryable(err: unknown): boolean {
  return err instanceof NetworkError;
}
