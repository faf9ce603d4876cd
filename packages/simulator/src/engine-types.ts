/** The engine's options and the records it keeps (logins, stored messages); engine.ts holds the behaviour. */

import type { StoredMedia } from './media.js';
import type { MessageFields } from './wire/message.js';

export interface Logger {
  debug?(msg: string): void;
  info?(msg: string): void;
  warn?(msg: string): void;
}

export interface EngineOptions {
  autoConfirm: false | { delayMs: number };
  loginPollHoldMs: number;
  synccheckHoldMs: number;
  uuidTtlMs: number;
  contactPageSize: number;
  batchGetLimit: number;
  syncBatchSize: number;
  echoSelfMessages: boolean;
  revokeWindowMs: number;
  rateLimit: { max: number; windowMs: number } | undefined;
  /** webwxinit's InviteStartCount: rooms with at least this many members refuse `addmember`. */
  inviteStartCount: number;
  /** Messages kept while no session is live, for the next login's first sync (see offline.ts). */
  offlineMessages: number;
  /** The newest messages and bot actions kept (the oldest forgotten first); see SimulatorOptions.retain. */
  retain: number;
  /** Which webwxsync lists carry a room's roster change. */
  roomMemberUpdates: RoomMemberUpdates;
  logger: Logger | undefined;
}

/**
 * 'both' (default): the room's ModContactList entry and a ModChatRoomMemberList entry, each with the whole
 * roster; or only one of them, to check a client copes with either.
 */
export type RoomMemberUpdates = 'both' | 'mod-contact' | 'mod-chatroom-member';

export type LoginState = 'pending' | 'scanned' | 'confirmed' | 'cancelled' | 'used';

export interface LoginAttempt {
  uuid: string;
  state: LoginState;
  createdAt: number;
  scanReported: boolean;
  ticket: string;
  scanTime: number;
  viaPush: boolean;
  /**
   * The account whose phone claimed this login (scanned or confirmed it, or was asked by push login); undefined
   * while nobody has. With several accounts a QR uuid belongs to no one until a phone scans it.
   */
  account?: string;
  /**
   * Where the confirm answer's `window.redirect_uri` points: path and raw query taken from jslogin's
   * `redirect_uri` (the host is always ours, as the real server answers with its own wx/wx2 host).
   */
  redirect: LoginRedirect;
  waiters: Set<() => void>;
}

export interface LoginRedirect {
  path: string;
  /** Raw query of the requested redirect_uri without `?` (e.g. `mod=desktop`), '' when none. */
  query: string;
  /** jslogin's `lang`, echoed as the redirect's `lang`. */
  lang: string;
}

export const DEFAULT_LOGIN_REDIRECT: LoginRedirect = {
  path: '/cgi-bin/mmwebwx-bin/webwxnewloginpage',
  query: '',
  lang: 'zh_CN',
};

export interface StoredMessage {
  msgId: string;
  msgType: number;
  from: string;
  to: string;
  room: string | undefined;
  createTime: number;
  selfSent: boolean;
  media?: StoredMedia;
  thumb?: StoredMedia;
  /**
   * The aeskey an image's or video's XML carries. The web client forwards such a message by sending that
   * XML as Content without a MediaId (received ones have none); the key finds the bytes.
   */
  cdnKey?: string;
}

export interface EmitSpec extends Omit<MessageFields, 'msgId' | 'from' | 'to' | 'createTime'> {
  /** Stable id of the speaker (self for self-sent). */
  from: string;
  /** Stable id of the peer or room. */
  to: string;
  /** Prefix `@sender:<br/>` when a room message comes from someone other than self. */
  roomSender?: string;
  media?: StoredMedia;
  thumb?: StoredMedia;
  msgId?: string;
  /** A friend request's person: RecommendInfo.UserName is filled in per session (it may arrive offline). */
  recommendWxid?: string;
}

/** The listeners' origins, one object shared by every account of a simulator (they sit behind the same ports). */
export interface Urls {
  main: string;
  login: string;
  push: string;
  file: string;
}

/**
 * What the accounts of one simulator share: the login attempts (a QR uuid is
 * the server's, not an account's, until a phone claims it), the tickets, the
 * origins, and who confirms a login when the phone confirms by itself.
 */
export interface SharedState {
  readonly logins: Map<string, LoginAttempt>;
  readonly tickets: Map<string, LoginAttempt>;
  readonly urls: Urls;
}
