/**
 * The iLink wire shapes and the parsing of every reply. Requests and replies are JSON; the server
 * omits fields freely, so every reply goes through a parser here that checks the types it relies on
 * and turns application errors (`ret` / `errcode`) into typed errors (see errors.ts).
 */
import { IlinkApiError, IlinkProtocolError, RateLimited, SessionTimeout } from './errors.js';

/** `MessageItem.type` values. */
export const ItemType = { TEXT: 1, IMAGE: 2, VOICE: 3, FILE: 4, VIDEO: 5 } as const;
/** `getuploadurl` `media_type` values (a different numbering from ItemType). */
export const UploadMediaType = { IMAGE: 1, VIDEO: 2, FILE: 3, VOICE: 4 } as const;
/** `WeixinMessage.message_type`: who wrote it. */
export const MessageType = { USER: 1, BOT: 2 } as const;
/** `WeixinMessage.message_state`. */
export const MessageState = { NEW: 0, GENERATING: 1, FINISH: 2 } as const;
/** `sendtyping` `status`. */
export const TypingStatus = { TYPING: 1, CANCEL: 2 } as const;

/** The application error codes this transport knows by name. */
export const ErrCode = { SESSION_TIMEOUT: -14, RATE_LIMITED: -2 } as const;

export interface BaseInfo {
  readonly channel_version: string;
  readonly bot_agent?: string;
}

/** Where a media object lives on the CDN. `aes_key` is base64 (of 16 raw bytes or of 32 hex chars). */
export interface CdnMedia {
  encrypt_query_param?: string;
  aes_key?: string;
  encrypt_type?: number;
  full_url?: string;
}

export interface TextItem {
  text?: string;
}
export interface ImageItem {
  media?: CdnMedia;
  thumb_media?: CdnMedia;
  /** Hex AES key; when present it wins over `media.aes_key`. */
  aeskey?: string;
  mid_size?: number;
  thumb_width?: number;
  thumb_height?: number;
}
export interface VoiceItem {
  media?: CdnMedia;
  encode_type?: number;
  playtime?: number;
  /** The server's transcript of the voice. */
  text?: string;
}
export interface FileItem {
  media?: CdnMedia;
  file_name?: string;
  md5?: string;
  /** Size in bytes, as a decimal string. */
  len?: string;
}
export interface VideoItem {
  media?: CdnMedia;
  thumb_media?: CdnMedia;
  video_size?: number;
  play_length?: number;
  video_md5?: string;
  thumb_width?: number;
  thumb_height?: number;
}
export interface RefMessage {
  message_item?: MessageItem;
  title?: string;
  svr_id?: string;
}
export interface MessageItem {
  type?: number;
  msg_id?: string;
  create_time_ms?: number;
  ref_msg?: RefMessage;
  text_item?: TextItem;
  image_item?: ImageItem;
  voice_item?: VoiceItem;
  file_item?: FileItem;
  video_item?: VideoItem;
}

/** One message as `getupdates` returns it (and as `sendmessage` takes it). */
export interface WeixinMessage {
  seq?: number;
  /** A uint64 on the wire: kept as a string (see `parseUpdates`). */
  message_id?: string;
  from_user_id?: string;
  to_user_id?: string;
  client_id?: string;
  create_time_ms?: number;
  session_id?: string;
  group_id?: string;
  message_type?: number;
  message_state?: number;
  item_list?: MessageItem[];
  context_token?: string;
}

export type QrStatus =
  | 'wait'
  | 'scaned'
  | 'confirmed'
  | 'expired'
  | 'need_verifycode'
  | 'verify_code_blocked'
  | 'scaned_but_redirect'
  | 'binded_redirect';

const QR_STATUSES: readonly string[] = [
  'wait',
  'scaned',
  'confirmed',
  'expired',
  'need_verifycode',
  'verify_code_blocked',
  'scaned_but_redirect',
  'binded_redirect',
];

export interface QrCodeReply {
  readonly qrcode: string;
  readonly qrcodeImgContent: string;
}

export interface QrStatusReply {
  readonly status: QrStatus;
  readonly botToken: string | undefined;
  readonly botId: string | undefined;
  readonly baseUrl: string | undefined;
  readonly userId: string | undefined;
  readonly redirectHost: string | undefined;
}

export interface UpdatesReply {
  readonly msgs: WeixinMessage[];
  readonly cursor: string | undefined;
  readonly longPollMs: number | undefined;
}

export interface UploadUrlReply {
  readonly uploadParam: string | undefined;
  readonly thumbUploadParam: string | undefined;
  readonly uploadFullUrl: string | undefined;
}

type Obj = Record<string, unknown>;

function asObject(body: unknown, op: string): Obj {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new IlinkProtocolError(`${op}: the reply is not a JSON object`);
  }
  return body as Obj;
}

function optString(o: Obj, key: string, op: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new IlinkProtocolError(`${op}: field ${key} should be a string, got ${typeof v}`);
  return v;
}

function optNumber(o: Obj, key: string, op: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number') throw new IlinkProtocolError(`${op}: field ${key} should be a number, got ${typeof v}`);
  return v;
}

/**
 * Throws the typed error an application-level failure stands for. Either field may carry the code:
 * `ret` is the usual envelope, `errcode` the gateway's.
 */
export function checkRet(body: unknown, op: string): Record<string, unknown> {
  const o = asObject(body, op);
  const ret = optNumber(o, 'ret', op) ?? 0;
  const errcode = optNumber(o, 'errcode', op) ?? 0;
  const errmsg = optString(o, 'errmsg', op) ?? '';
  const code = ret !== 0 ? ret : errcode;
  if (code === 0) return o;
  if (ret === ErrCode.SESSION_TIMEOUT || errcode === ErrCode.SESSION_TIMEOUT) throw new SessionTimeout(op, errmsg);
  if (ret === ErrCode.RATE_LIMITED || errcode === ErrCode.RATE_LIMITED) throw new RateLimited(op, errmsg);
  throw new IlinkApiError(op, code, errmsg);
}

export function parseQrCode(body: unknown): QrCodeReply {
  const o = checkRet(body, 'get_bot_qrcode');
  const qrcode = optString(o, 'qrcode', 'get_bot_qrcode');
  if (!qrcode) throw new IlinkProtocolError('get_bot_qrcode: the reply has no qrcode');
  return { qrcode, qrcodeImgContent: optString(o, 'qrcode_img_content', 'get_bot_qrcode') ?? qrcode };
}

export function parseQrStatus(body: unknown): QrStatusReply {
  const op = 'get_qrcode_status';
  const o = checkRet(body, op);
  const status = optString(o, 'status', op);
  if (status === undefined || !QR_STATUSES.includes(status)) {
    throw new IlinkProtocolError(`${op}: unknown status ${JSON.stringify(status)}`);
  }
  return {
    status: status as QrStatus,
    botToken: optString(o, 'bot_token', op),
    botId: optString(o, 'ilink_bot_id', op),
    baseUrl: optString(o, 'baseurl', op),
    userId: optString(o, 'ilink_user_id', op),
    redirectHost: optString(o, 'redirect_host', op),
  };
}

/**
 * `message_id` is a uint64: JSON.parse would round ids above 2^53, so the raw text is rewritten to
 * quote them before parsing. Only `"message_id": <digits>` is touched.
 */
export function parseJsonKeepingIds(text: string): unknown {
  return JSON.parse(text.replace(/("message_id"\s*:\s*)(\d+)/g, '$1"$2"')) as unknown;
}

export function parseUpdates(body: unknown): UpdatesReply {
  const op = 'getupdates';
  const o = checkRet(body, op);
  const raw = o.msgs ?? [];
  if (!Array.isArray(raw)) throw new IlinkProtocolError(`${op}: msgs should be an array`);
  const msgs: WeixinMessage[] = [];
  for (const m of raw) {
    if (m === null || typeof m !== 'object') throw new IlinkProtocolError(`${op}: a msgs entry is not an object`);
    msgs.push(m as WeixinMessage);
  }
  return {
    msgs,
    cursor: optString(o, 'get_updates_buf', op),
    longPollMs: optNumber(o, 'longpolling_timeout_ms', op),
  };
}

export function parseUploadUrl(body: unknown): UploadUrlReply {
  const op = 'getuploadurl';
  const o = checkRet(body, op);
  return {
    uploadParam: optString(o, 'upload_param', op),
    thumbUploadParam: optString(o, 'thumb_upload_param', op),
    uploadFullUrl: optString(o, 'upload_full_url', op),
  };
}

export function parseTypingTicket(body: unknown): string {
  const o = checkRet(body, 'getconfig');
  const ticket = optString(o, 'typing_ticket', 'getconfig');
  if (!ticket) throw new IlinkProtocolError('getconfig: the reply has no typing_ticket');
  return ticket;
}

/** `sendmessage` answers a message id on some deployments; undefined when it does not. */
export function parseSendReply(body: unknown): string | undefined {
  const o = checkRet(body, 'sendmessage');
  const id = o.message_id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}
