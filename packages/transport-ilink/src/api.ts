/**
 * The raw iLink endpoints: one method per documented call, each building the request (headers,
 * `base_info`) and handing the reply to its parser in wire.ts. No state beyond the base URLs and the
 * bot token; no retries (the loop and the outbox decide those).
 */
import { randomInt } from 'node:crypto';

import { IlinkHttpError, IlinkNetworkError, IlinkProtocolError } from './errors.js';
import {
  checkRet,
  parseJsonKeepingIds,
  parseQrCode,
  parseQrStatus,
  parseSendReply,
  parseTypingTicket,
  parseUpdates,
  parseUploadUrl,
  type BaseInfo,
  type QrCodeReply,
  type QrStatusReply,
  type UpdatesReply,
  type UploadUrlReply,
  type WeixinMessage,
} from './wire.js';

export const DEFAULT_API_BASE = 'https://ilinkai.weixin.qq.com';
export const DEFAULT_CDN_BASE = 'https://novac2c.cdn.weixin.qq.com/c2c';
/** What `iLink-App-ClientVersion` and `base_info.channel_version` report for this transport. */
export const CHANNEL_VERSION = '0.1.0';
/** Default long-poll hold when the server suggests none (the document's example). */
export const DEFAULT_LONG_POLL_MS = 35_000;

export interface IlinkApiOptions {
  /** Bot API base (login's `baseurl`, else the fixed base). */
  readonly baseUrl: string;
  readonly cdnBaseUrl: string;
  readonly botToken?: string | undefined;
  readonly botAgent?: string | undefined;
  readonly routeTag?: string | undefined;
  /** Per-request timeout for ordinary calls. Default 15 s. */
  readonly timeoutMs?: number | undefined;
}

export interface GetUploadUrlParams {
  readonly filekey: string;
  readonly mediaType: number;
  readonly toUserId: string;
  readonly rawSize: number;
  readonly rawMd5: string;
  readonly fileSize: number;
  readonly aesKeyHex: string;
}

/** `0x00MMNNPP` as a decimal string. */
function encodeVersion(v: string): string {
  const [ma = 0, mi = 0, pa = 0] = v.split('.').map((p) => Number.parseInt(p, 10) || 0);
  return String(((ma & 0xff) << 16) | ((mi & 0xff) << 8) | (pa & 0xff));
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export class IlinkApi {
  readonly baseUrl: string;
  readonly cdnBaseUrl: string;
  botToken: string | undefined;
  private readonly baseInfo: BaseInfo;
  private readonly timeoutMs: number;

  constructor(private readonly options: IlinkApiOptions) {
    this.baseUrl = trimSlash(options.baseUrl);
    this.cdnBaseUrl = trimSlash(options.cdnBaseUrl);
    this.botToken = options.botToken;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.baseInfo = {
      channel_version: CHANNEL_VERSION,
      ...(options.botAgent === undefined ? {} : { bot_agent: options.botAgent }),
    };
  }

  /** A copy speaking to another base URL (a QR redirect, or login's `baseurl`). */
  withBase(baseUrl: string, botToken?: string): IlinkApi {
    return new IlinkApi({ ...this.options, baseUrl, botToken: botToken ?? this.botToken });
  }

  private headers(authed: boolean, json: boolean): Record<string, string> {
    const h: Record<string, string> = {
      // A random uint32, decimal, then base64: the server wants a fresh one per request.
      'X-WECHAT-UIN': Buffer.from(String(randomInt(0, 2 ** 32))).toString('base64'),
      'iLink-App-Id': 'bot',
      'iLink-App-ClientVersion': encodeVersion(CHANNEL_VERSION),
    };
    if (json) h['Content-Type'] = 'application/json';
    if (this.options.routeTag) h.SKRouteTag = this.options.routeTag;
    if (authed) {
      if (!this.botToken) throw new IlinkProtocolError('iLink: no bot token; log in first');
      h.AuthorizationType = 'ilink_bot_token';
      h.Authorization = `Bearer ${this.botToken}`;
    }
    return h;
  }

  private async request(
    op: string,
    url: string,
    init: RequestInit,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<Response> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: combined });
    } catch (err) {
      throw new IlinkNetworkError(op, err);
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new IlinkHttpError(op, res.status);
    }
    return res;
  }

  private async json(op: string, res: Response): Promise<unknown> {
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new IlinkNetworkError(op, err);
    }
    try {
      return parseJsonKeepingIds(text);
    } catch {
      throw new IlinkProtocolError(`${op}: the reply is not JSON`);
    }
  }

  private async post(
    op: string,
    path: string,
    body: Record<string, unknown>,
    opts: { authed?: boolean; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<unknown> {
    const authed = opts.authed ?? true;
    const payload = authed ? { ...body, base_info: this.baseInfo } : body;
    const res = await this.request(
      op,
      `${this.baseUrl}/${path}`,
      { method: 'POST', headers: this.headers(authed, true), body: JSON.stringify(payload) },
      opts.timeoutMs ?? this.timeoutMs,
      opts.signal,
    );
    return this.json(op, res);
  }

  getBotQrcode(localTokens: readonly string[]): Promise<QrCodeReply> {
    return this.post(
      'get_bot_qrcode',
      'ilink/bot/get_bot_qrcode?bot_type=3',
      { local_token_list: localTokens.slice(-10) },
      { authed: false },
    ).then(parseQrCode);
  }

  /** Long-polls the QR state; a client-side timeout reads as `wait`, as the protocol suggests. */
  async getQrcodeStatus(
    qrcode: string,
    verifyCode: string | undefined,
    holdMs: number,
    signal?: AbortSignal,
  ): Promise<QrStatusReply> {
    const q = new URLSearchParams({ qrcode });
    if (verifyCode !== undefined) q.set('verify_code', verifyCode);
    const op = 'get_qrcode_status';
    try {
      const res = await this.request(
        op,
        `${this.baseUrl}/ilink/bot/get_qrcode_status?${q.toString()}`,
        { method: 'GET', headers: this.headers(false, false) },
        holdMs,
        signal,
      );
      return parseQrStatus(await this.json(op, res));
    } catch (err) {
      if (err instanceof IlinkNetworkError && !signal?.aborted && isTimeout(err)) {
        return {
          status: 'wait',
          botToken: undefined,
          botId: undefined,
          baseUrl: undefined,
          userId: undefined,
          redirectHost: undefined,
        };
      }
      throw err;
    }
  }

  /** One long poll. A client-side timeout is normal flow: an empty batch with the cursor unchanged. */
  async getUpdates(cursor: string, holdMs: number, signal?: AbortSignal): Promise<UpdatesReply> {
    try {
      const body = await this.post(
        'getupdates',
        'ilink/bot/getupdates',
        { get_updates_buf: cursor },
        { timeoutMs: holdMs + 5_000, ...(signal ? { signal } : {}) },
      );
      return parseUpdates(body);
    } catch (err) {
      if (err instanceof IlinkNetworkError && !signal?.aborted && isTimeout(err)) {
        return { msgs: [], cursor: undefined, longPollMs: undefined };
      }
      throw err;
    }
  }

  async sendMessage(msg: WeixinMessage): Promise<string | undefined> {
    return parseSendReply(await this.post('sendmessage', 'ilink/bot/sendmessage', { msg }));
  }

  async getUploadUrl(p: GetUploadUrlParams): Promise<UploadUrlReply> {
    const body = await this.post('getuploadurl', 'ilink/bot/getuploadurl', {
      filekey: p.filekey,
      media_type: p.mediaType,
      to_user_id: p.toUserId,
      rawsize: p.rawSize,
      rawfilemd5: p.rawMd5,
      filesize: p.fileSize,
      no_need_thumb: true,
      aeskey: p.aesKeyHex,
    });
    return parseUploadUrl(body);
  }

  async getConfig(userId: string, contextToken: string | undefined): Promise<string> {
    const body = await this.post('getconfig', 'ilink/bot/getconfig', {
      ilink_user_id: userId,
      ...(contextToken === undefined ? {} : { context_token: contextToken }),
    });
    return parseTypingTicket(body);
  }

  async sendTyping(userId: string, ticket: string, status: number): Promise<void> {
    checkRet(
      await this.post('sendtyping', 'ilink/bot/sendtyping', { ilink_user_id: userId, typing_ticket: ticket, status }),
      'sendtyping',
    );
  }

  async notifyStart(): Promise<void> {
    checkRet(await this.post('notifystart', 'ilink/bot/msg/notifystart', {}), 'notifystart');
  }

  async notifyStop(): Promise<void> {
    checkRet(await this.post('notifystop', 'ilink/bot/msg/notifystop', {}), 'notifystop');
  }

  /** POSTs ciphertext to the CDN; the download parameter comes back in `x-encrypted-param`. */
  async cdnUpload(url: string, cipher: Uint8Array): Promise<string> {
    const op = 'cdn upload';
    const res = await this.request(
      op,
      url,
      { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: cipher },
      this.timeoutMs + Math.ceil(cipher.length / 1_000_000) * 5_000,
    );
    await res.body?.cancel().catch(() => undefined);
    const param = res.headers.get('x-encrypted-param');
    if (!param) throw new IlinkProtocolError(`${op}: the CDN answered without an x-encrypted-param header`);
    return param;
  }

  async cdnDownload(url: string): Promise<Buffer> {
    const op = 'cdn download';
    const res = await this.request(op, url, { method: 'GET' }, this.timeoutMs * 4);
    try {
      return Buffer.from(await res.arrayBuffer());
    } catch (err) {
      throw new IlinkNetworkError(op, err);
    }
  }

  cdnUploadUrl(uploadParam: string, filekey: string): string {
    return `${this.cdnBaseUrl}/upload?encrypted_query_param=${encodeURIComponent(uploadParam)}&filekey=${encodeURIComponent(filekey)}`;
  }

  cdnDownloadUrl(encryptQueryParam: string): string {
    return `${this.cdnBaseUrl}/download?encrypted_query_param=${encodeURIComponent(encryptQueryParam)}`;
  }
}

function isTimeout(err: IlinkNetworkError): boolean {
  const cause = err.cause;
  return cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
}
