/**
 * The iLink endpoints as the simulated server answers them. Each handler checks what the protocol
 * document says a request carries (headers, token, `base_info`, field types) and answers a clear
 * `errmsg` when it is missing, so a client mistake shows in tests instead of in production.
 */
import { randomBytes } from 'node:crypto';

import { ecbDecrypt, md5Hex, readKey } from './crypto.js';
import type { IlinkSentItem } from './types.js';
import type { IlinkWorld, QrSession } from './world.js';

export interface IlinkRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  /** `main` or `redirect`: which listener it came to. */
  readonly host: string;
  /** Called when the client goes away (a held poll then ends). */
  readonly onClose: (cb: () => void) => void;
}

export interface IlinkReply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  /** JSON text (already serialised: message ids are written as bare integers) or bytes. */
  readonly body: string | Buffer;
}

export interface RouteEnv {
  readonly world: IlinkWorld;
  readonly baseUrl: () => string;
  /** `host:port` of the redirect listener, when there is one. */
  readonly redirectHost: () => string | undefined;
  readonly longPollMs: number;
  readonly qrPollMs: number;
  readonly batchSize: number;
  /** Resolves when the phone changes any QR state (or after `ms`). */
  readonly waitForPhone: (ms: number, onClose: (cb: () => void) => void) => Promise<void>;
}

export const json = (value: unknown): IlinkReply => ({
  status: 200,
  headers: { 'Content-Type': 'application/json' },
  // message_id is a uint64 on the wire: written as a bare integer, as the server does.
  body: JSON.stringify(value).replace(/"message_id":"(\d+)"/g, '"message_id":$1'),
});

const fail = (ret: number, errmsg: string): IlinkReply => json({ ret, errmsg });

function parseBody(req: IlinkRequest): Record<string, unknown> | undefined {
  if (req.body.length === 0) return {};
  try {
    const v = JSON.parse(req.body.toString('utf8')) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function header(req: IlinkRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

// ---- QR login ------------------------------------------------------------------------------------

export function getBotQrcode(env: RouteEnv, req: IlinkRequest): IlinkReply {
  if (req.query.get('bot_type') === null) return fail(-1, 'get_bot_qrcode: bot_type query parameter missing');
  const body = parseBody(req);
  if (!body) return fail(-1, 'get_bot_qrcode: body is not a JSON object');
  const list = body.local_token_list;
  if (list !== undefined && (!Array.isArray(list) || list.length > 10)) {
    return fail(-1, 'get_bot_qrcode: local_token_list must be an array of at most 10 tokens');
  }
  const qr = env.world.newQr();
  return json({
    ret: 0,
    qrcode: qr.qrcode,
    qrcode_img_content: `${env.baseUrl()}/ilink/qr?code=${encodeURIComponent(qr.qrcode)}`,
  });
}

function qrAnswer(env: RouteEnv, qr: QrSession): IlinkReply {
  const w = env.world;
  switch (qr.state) {
    case 'confirmed': {
      const token = w.issueToken();
      // A confirmed code answers once; polling it again reads as expired.
      w.qrs.delete(qr.qrcode);
      return json({
        ret: 0,
        status: 'confirmed',
        bot_token: token,
        ilink_bot_id: w.botId,
        baseurl: env.baseUrl(),
        ilink_user_id: w.ownerId,
      });
    }
    case 'scaned_but_redirect': {
      qr.state = qr.verifyCode === undefined ? 'scaned' : 'need_verifycode';
      qr.redirected = true;
      const host = env.redirectHost();
      return json({ ret: 0, status: 'scaned_but_redirect', ...(host === undefined ? {} : { redirect_host: host }) });
    }
    default:
      return json({ ret: 0, status: qr.state });
  }
}

/** What a scan leads to: a host redirect first when armed, then the verification code when asked for. */
export function scanState(qr: QrSession): QrSession['state'] {
  if (qr.redirectOnScan && !qr.redirected) return 'scaned_but_redirect';
  return qr.verifyCode === undefined ? 'scaned' : 'need_verifycode';
}

/** The phone's own steps when it confirms by itself: scan on one poll, confirm on the next. */
function autoPhone(w: IlinkWorld, qr: QrSession): void {
  if (!w.autoConfirm) return;
  if (qr.state === 'wait') qr.state = scanState(qr);
  else if (qr.state === 'scaned' && qr.verifyCode === undefined) qr.state = 'confirmed';
}

export async function getQrcodeStatus(env: RouteEnv, req: IlinkRequest): Promise<IlinkReply> {
  const code = req.query.get('qrcode');
  if (!code) return fail(-1, 'get_qrcode_status: qrcode query parameter missing');
  const w = env.world;
  const qr = w.qrs.get(code);
  if (!qr) return json({ ret: 0, status: 'expired' });
  const verify = req.query.get('verify_code');
  if (verify !== null && qr.state === 'need_verifycode') {
    if (verify === qr.verifyCode) {
      qr.verifyCode = undefined;
      qr.state = w.autoConfirm ? 'confirmed' : 'scaned';
    } else {
      qr.verifyFailures += 1;
      if (qr.verifyFailures >= 3) qr.state = 'verify_code_blocked';
    }
  }
  w.refreshQr(qr);
  const before = qr.state;
  autoPhone(w, qr);
  if (qr.state === before && (qr.state === 'wait' || qr.state === 'scaned')) {
    await env.waitForPhone(env.qrPollMs, req.onClose);
    w.refreshQr(qr);
  }
  qr.polls.push({ status: qr.state, host: req.host });
  return qrAnswer(env, qr);
}

// ---- bot API -------------------------------------------------------------------------------------

/** Checks the bot headers, token and `base_info`; returns the body, or the refusal to answer. */
export type Authorised =
  { readonly ok: true; readonly body: Record<string, unknown> } | { readonly ok: false; readonly reply: IlinkReply };

export function authorise(env: RouteEnv, req: IlinkRequest): Authorised {
  const refuse = (reply: IlinkReply): Authorised => ({ ok: false, reply });
  if (req.method !== 'POST') return refuse({ status: 405, body: 'POST only' });
  if (header(req, 'AuthorizationType') !== 'ilink_bot_token') {
    return refuse(fail(-1, 'AuthorizationType header must be ilink_bot_token'));
  }
  const auth = header(req, 'Authorization') ?? '';
  const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : '';
  if (!env.world.tokens.has(token)) return refuse(json({ ret: -14, errcode: -14, errmsg: 'session timeout' }));
  const body = parseBody(req);
  if (!body) return refuse(fail(-1, 'request body is not a JSON object'));
  const info = body.base_info as { channel_version?: unknown } | undefined;
  if (!info || typeof info !== 'object' || typeof info.channel_version !== 'string') {
    return refuse(fail(-1, 'base_info.channel_version missing'));
  }
  return { ok: true, body };
}

function encodeCursor(seq: number): string {
  return Buffer.from(JSON.stringify({ v: 1, s: seq })).toString('base64');
}

function decodeCursor(buf: string): number | undefined {
  try {
    const v = JSON.parse(Buffer.from(buf, 'base64').toString('utf8')) as { v?: unknown; s?: unknown };
    return v.v === 1 && typeof v.s === 'number' ? v.s : undefined;
  } catch {
    return undefined;
  }
}

export async function getUpdates(env: RouteEnv, req: IlinkRequest, body: Record<string, unknown>): Promise<IlinkReply> {
  const w = env.world;
  const buf = body.get_updates_buf;
  if (typeof buf !== 'string') return fail(-1, 'getupdates: get_updates_buf must be a string ("" at first)');
  // An empty or unreadable cursor resumes after the last acknowledged batch.
  const from = buf === '' ? w.ackedSeq : (decodeCursor(buf) ?? w.ackedSeq);
  w.ackedSeq = Math.max(w.ackedSeq, from);
  let msgs = w.after(from, env.batchSize);
  if (msgs.length === 0) {
    await w.waitForMessage(env.longPollMs, req.onClose);
    msgs = w.after(from, env.batchSize);
  }
  const last = msgs.at(-1)?.seq ?? from;
  return json({
    ret: 0,
    msgs: msgs.map((m) => m.body),
    get_updates_buf: encodeCursor(last),
    longpolling_timeout_ms: env.longPollMs,
  });
}

interface WireItem {
  type?: number;
  text_item?: { text?: string };
  image_item?: { media?: WireMedia; aeskey?: string };
  voice_item?: { media?: WireMedia };
  file_item?: { media?: WireMedia; file_name?: string };
  video_item?: { media?: WireMedia };
}
interface WireMedia {
  encrypt_query_param?: string;
  aes_key?: string;
  full_url?: string;
}

function decodeItem(w: IlinkWorld, item: WireItem): IlinkSentItem | string {
  if (item.type === 1) {
    if (typeof item.text_item?.text !== 'string') return 'text item without text_item.text';
    return { type: 1, text: item.text_item.text };
  }
  const holder = item.image_item ?? item.voice_item ?? item.file_item ?? item.video_item;
  if (!holder?.media) return `item of type ${String(item.type)} without media`;
  const param = holder.media.encrypt_query_param;
  const object = param === undefined ? undefined : w.cdn.get(param);
  if (!object) return 'media.encrypt_query_param names no uploaded object';
  const key = readKey(item.image_item?.aeskey ?? holder.media.aes_key);
  if (!key) return 'media.aes_key is neither base64 of 16 bytes nor of 32 hex characters';
  const data = ecbDecrypt(key, object.cipher);
  if (!data) return 'media.aes_key does not decrypt the uploaded object';
  return { type: item.type ?? 0, data, fileName: item.file_item?.file_name };
}

export function sendMessage(env: RouteEnv, body: Record<string, unknown>): IlinkReply {
  const w = env.world;
  const msg = body.msg as { to_user_id?: unknown; context_token?: unknown; client_id?: unknown; item_list?: unknown };
  if (!msg || typeof msg !== 'object') return fail(-1, 'sendmessage: msg missing');
  if (typeof msg.to_user_id !== 'string' || msg.to_user_id === '')
    return fail(-1, 'sendmessage: msg.to_user_id missing');
  const to = msg.to_user_id;
  const ctx = typeof msg.context_token === 'string' ? msg.context_token : undefined;
  const verdict = w.contextValid(to, ctx);
  if (verdict === 'unknown') return fail(-1, 'sendmessage: context_token missing or not issued to this user');
  if (verdict === 'closed') return fail(-1, "sendmessage: the reply window after the user's last message has closed");
  if (!Array.isArray(msg.item_list) || msg.item_list.length === 0) return fail(-1, 'sendmessage: msg.item_list empty');
  const items: IlinkSentItem[] = [];
  for (const raw of msg.item_list as WireItem[]) {
    const decoded = decodeItem(w, raw);
    if (typeof decoded === 'string') return fail(-1, `sendmessage: ${decoded}`);
    items.push(decoded);
  }
  if (w.overQuota(w.now())) return fail(-2, 'sendmessage: too many messages; try again later');
  const messageId = w.newMessageId();
  w.sent.push({
    toUserId: to,
    contextToken: ctx ?? '',
    clientId: typeof msg.client_id === 'string' ? msg.client_id : undefined,
    messageId,
    items,
    text: items.find((i) => i.type === 1)?.text ?? '',
    at: w.now(),
  });
  return json({ ret: 0, errmsg: '' });
}

export function getUploadUrl(env: RouteEnv, body: Record<string, unknown>): IlinkReply {
  const { filekey, media_type, rawsize, rawfilemd5, filesize, aeskey } = body;
  if (typeof filekey !== 'string' || filekey === '') return fail(-1, 'getuploadurl: filekey missing');
  if (typeof media_type !== 'number' || media_type < 1 || media_type > 4)
    return fail(-1, 'getuploadurl: media_type must be 1..4');
  if (typeof rawsize !== 'number' || typeof filesize !== 'number')
    return fail(-1, 'getuploadurl: rawsize/filesize missing');
  if (filesize !== (Math.floor(rawsize / 16) + 1) * 16)
    return fail(-1, 'getuploadurl: filesize is not the padded size of rawsize');
  if (typeof rawfilemd5 !== 'string' || !/^[0-9a-f]{32}$/i.test(rawfilemd5))
    return fail(-1, 'getuploadurl: rawfilemd5 missing');
  if (typeof aeskey !== 'string' || !/^[0-9a-f]{32}$/i.test(aeskey))
    return fail(-1, 'getuploadurl: aeskey must be 32 hex characters');
  const param = `up_${randomBytes(12).toString('hex')}`;
  env.world.uploads.set(param, {
    filekey,
    keyHex: aeskey,
    rawSize: rawsize,
    rawMd5: rawfilemd5.toLowerCase(),
    fileSize: filesize,
  });
  return json({ ret: 0, upload_param: param });
}

export function cdnUpload(env: RouteEnv, req: IlinkRequest): IlinkReply {
  if (req.method !== 'POST') return { status: 405, body: 'the CDN takes uploads by POST' };
  const param = req.query.get('encrypted_query_param') ?? '';
  const pending = env.world.uploads.get(param);
  if (!pending || req.query.get('filekey') !== pending.filekey)
    return { status: 400, body: 'unknown upload parameter or filekey' };
  if (req.body.length !== pending.fileSize)
    return { status: 400, body: 'body size differs from the declared filesize' };
  const plain = ecbDecrypt(Buffer.from(pending.keyHex, 'hex'), req.body);
  if (!plain || plain.length !== pending.rawSize || md5Hex(plain) !== pending.rawMd5) {
    return { status: 400, body: 'the body does not decrypt to the declared file' };
  }
  env.world.uploads.delete(param);
  const download = `dl_${randomBytes(12).toString('hex')}`;
  env.world.cdn.set(download, { cipher: req.body, keyHex: pending.keyHex });
  return { status: 200, headers: { 'x-encrypted-param': download }, body: '' };
}

export function cdnDownload(env: RouteEnv, req: IlinkRequest): IlinkReply {
  const object = env.world.cdn.get(req.query.get('encrypted_query_param') ?? '');
  if (!object) return { status: 404, body: 'no such object' };
  return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: object.cipher };
}

export function getConfig(env: RouteEnv, body: Record<string, unknown>): IlinkReply {
  if (typeof body.ilink_user_id !== 'string') return fail(-1, 'getconfig: ilink_user_id missing');
  const ticket = Buffer.from(randomBytes(12)).toString('base64');
  env.world.typingTickets.set(body.ilink_user_id, ticket);
  return json({ ret: 0, typing_ticket: ticket });
}

export function sendTyping(env: RouteEnv, body: Record<string, unknown>): IlinkReply {
  const { ilink_user_id: user, typing_ticket: ticket, status } = body;
  if (typeof user !== 'string' || env.world.typingTickets.get(user) !== ticket) {
    return fail(-1, 'sendtyping: typing_ticket was not issued by getconfig for this user');
  }
  if (status !== 1 && status !== 2) return fail(-1, 'sendtyping: status must be 1 (typing) or 2 (cancel)');
  env.world.typing.push({ userId: user, status });
  return json({ ret: 0 });
}
