/**
 * A simulated iLink server (WeChat's official bot API) on loopback: QR login with a scriptable phone,
 * long-polled updates with an opaque cursor, context-token and reply-window checks, quotas, an
 * encrypting CDN, and fault injection. An independent reading of the public protocol document: it
 * imports no client code. `IlinkSimulator.start()` listens on 127.0.0.1 (port 0 unless given).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { md5Hex } from './crypto.js';
import * as r from './routes.js';
import type { IlinkFault, IlinkSent, IlinkSimulatorOptions, IlinkUserContent } from './types.js';
import { IlinkWorld } from './world.js';

const BOT = '/ilink/bot/';
/** The HTTP control API (loopback only, like the server): a user says something, what the bot sent. */
const CONTROL = '/control/ilink/';

export class IlinkSimulator {
  readonly world: IlinkWorld;
  private readonly servers: Server[] = [];
  private mainUrl = '';
  private altHost: string | undefined;
  private readonly phoneWaiters = new Set<() => void>();
  private readonly sentWaiters = new Set<() => void>();
  private readonly sentListeners = new Set<(sent: IlinkSent) => void>();
  private readonly env: r.RouteEnv;

  private constructor(private readonly options: IlinkSimulatorOptions) {
    this.world = new IlinkWorld({
      qrTtlMs: options.qrTtlMs ?? 5 * 60_000,
      quota: options.quota ?? { sends: 10, windowMs: 60_000, blockMs: 20 * 60_000 },
      replyWindowMs: options.replyWindowMs ?? 24 * 60 * 60_000,
      autoConfirm: options.autoConfirm ?? false,
      botId: options.botId,
      ownerId: options.ownerId,
      now: options.now,
    });
    this.env = {
      world: this.world,
      baseUrl: () => this.mainUrl,
      redirectHost: () => this.altHost,
      longPollMs: options.longPollMs ?? 35_000,
      qrPollMs: options.qrPollMs ?? 25_000,
      batchSize: options.batchSize ?? 100,
      waitForPhone: (ms, onClose) =>
        new Promise((resolve) => {
          const done = (): void => {
            clearTimeout(t);
            this.phoneWaiters.delete(done);
            resolve();
          };
          const t = setTimeout(done, ms);
          this.phoneWaiters.add(done);
          onClose(done);
        }),
    };
  }

  static async start(options: IlinkSimulatorOptions & { port?: number } = {}): Promise<IlinkSimulator> {
    const sim = new IlinkSimulator(options);
    sim.mainUrl = `http://${await sim.listen('main', options.port ?? 0)}`;
    if (options.redirectHost !== false) sim.altHost = await sim.listen('redirect', 0);
    return sim;
  }

  /** API base for the client (the QR login's fixed base and the bot API). */
  get baseUrl(): string {
    return this.mainUrl;
  }

  /** CDN base for the client's `cdnBaseUrl`. */
  get cdnBaseUrl(): string {
    return `${this.mainUrl}/c2c`;
  }

  /** `host:port` of the second listener that `scaned_but_redirect` points to. */
  get redirectHost(): string | undefined {
    return this.altHost;
  }

  get botId(): string {
    return this.world.botId;
  }

  get ownerId(): string {
    return this.world.ownerId;
  }

  private listen(host: string, port: number): Promise<string> {
    const server = createServer((req, res) => {
      void this.handle(host, req, res);
    });
    this.servers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`);
      });
    });
  }

  async stop(): Promise<void> {
    for (const w of [...this.phoneWaiters]) w();
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => {
              resolve();
            });
            s.closeAllConnections();
          }),
      ),
    );
  }

  private async handle(host: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const request: r.IlinkRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks),
      host,
      onClose: (cb) => res.on('close', cb),
    };
    const op = opName(request.path);
    const fault = op === undefined ? undefined : this.world.takeFault(op);
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    let reply: r.IlinkReply;
    try {
      if (fault?.kind === 'latency') await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 1500));
      const failed = fault !== undefined && fault.kind !== 'accept-then-drop' && fault.kind !== 'latency';
      reply = failed ? faultReply(fault) : await this.route(request);
    } catch (err) {
      reply = { status: 500, body: err instanceof Error ? err.message : String(err) };
    }
    if (fault?.kind === 'accept-then-drop') {
      req.socket.destroy();
      return;
    }
    if (res.destroyed) return;
    res.writeHead(reply.status, reply.headers);
    res.end(reply.body);
  }

  private async route(req: r.IlinkRequest): Promise<r.IlinkReply> {
    const env = this.env;
    switch (req.path) {
      case `${BOT}get_bot_qrcode`:
        return r.getBotQrcode(env, req);
      case `${BOT}get_qrcode_status`:
        return r.getQrcodeStatus(env, req);
      case '/ilink/qr':
        return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: 'Scan with WeChat (simulated)\n' };
      case '/c2c/upload':
        return r.cdnUpload(env, req);
      case '/c2c/download':
        return r.cdnDownload(env, req);
      default:
        break;
    }
    if (req.path.startsWith(CONTROL)) return this.control(req);
    if (!req.path.startsWith(BOT)) return { status: 404, body: `no such endpoint: ${req.path}` };
    const auth = r.authorise(env, req);
    if (!auth.ok) return auth.reply;
    const body = auth.body;
    switch (req.path.slice(BOT.length)) {
      case 'getupdates':
        return r.getUpdates(env, req, body);
      case 'sendmessage': {
        const before = this.world.sent.length;
        const reply = r.sendMessage(env, body);
        const added = this.world.sent[before];
        if (added !== undefined) for (const l of [...this.sentListeners]) l(added);
        for (const w of [...this.sentWaiters]) w();
        return reply;
      }
      case 'getuploadurl':
        return r.getUploadUrl(env, body);
      case 'getconfig':
        return r.getConfig(env, body);
      case 'sendtyping':
        return r.sendTyping(env, body);
      case 'msg/notifystart':
        this.world.notifyStarts += 1;
        return r.json({ ret: 0, errmsg: '' });
      case 'msg/notifystop':
        this.world.notifyStops += 1;
        return r.json({ ret: 0, errmsg: '' });
      default:
        return { status: 404, body: `no such endpoint: ${req.path}` };
    }
  }

  private control(req: r.IlinkRequest): r.IlinkReply {
    const what = req.path.slice(CONTROL.length);
    if (what === 'sent' && req.method === 'GET') {
      return r.json(
        // Context tokens stay out of the HTTP answer (the TypeScript API has them, for tests).
        this.world.sent.map(({ contextToken: _token, ...s }) => ({
          ...s,
          items: s.items.map((i) => ({ type: i.type, text: i.text, fileName: i.fileName, bytes: i.data?.length })),
        })),
      );
    }
    if (what === 'say' && req.method === 'POST') {
      let body: { from?: unknown; text?: unknown };
      try {
        body = JSON.parse(req.body.toString('utf8')) as typeof body;
      } catch {
        return { status: 400, body: 'say: the body must be JSON like {"from":"alice@im.wechat","text":"hi"}\n' };
      }
      if (typeof body.from !== 'string' || typeof body.text !== 'string') {
        return { status: 400, body: 'say: "from" (a user id) and "text" are required strings\n' };
      }
      return r.json({ messageId: this.say(body.from, body.text).messageId });
    }
    return { status: 404, body: `control: use POST ${CONTROL}say or GET ${CONTROL}sent\n` };
  }

  /** The HTTP control API's base URL. */
  get controlUrl(): string {
    return `${this.mainUrl}${CONTROL.slice(0, -1)}`;
  }

  // ---- control: the phone ----------------------------------------------------------------------

  private latest(): NonNullable<IlinkWorld['latestQr']> {
    const qr = this.world.latestQr;
    if (!qr) throw new Error('ilink simulator: no QR code was requested yet; start the bot first');
    return qr;
  }

  private changed(): void {
    for (const w of [...this.phoneWaiters]) w();
  }

  /** The phone, acting on the newest QR code. */
  readonly phone = {
    /** Scans: `scaned` (or a redirect / verification code first, when armed). */
    scan: (): void => {
      const qr = this.latest();
      qr.state = r.scanState(qr);
      this.changed();
    },
    /** Confirms on the phone: the next status poll gets the bot token. */
    confirm: (): void => {
      const qr = this.latest();
      if (qr.state === 'need_verifycode') throw new Error('ilink simulator: the verification code was not entered yet');
      qr.state = 'confirmed';
      this.changed();
    },
    /** The code lapses: the next poll answers `expired`. */
    expire: (): void => {
      this.latest().state = 'expired';
      this.changed();
    },
    /** The scan will ask for this code (`need_verifycode`) until a poll carries it; three misses block. */
    requireVerifyCode: (code: string): void => {
      this.latest().verifyCode = code;
    },
    /** The scan will answer `scaned_but_redirect` to the second listener once. */
    armRedirect: (): void => {
      this.latest().redirectOnScan = true;
    },
    /** The next poll answers `binded_redirect` (this bot is already bound here). */
    bindedRedirect: (): void => {
      this.latest().state = 'binded_redirect';
      this.changed();
    },
    /** Statuses answered for the newest code, with the listener each poll came to. */
    polls: (): readonly { status: string; host: string }[] => this.latest().polls,
  };

  /** Whether the phone scans and confirms new codes by itself. */
  setAutoConfirm(on: boolean): void {
    this.world.autoConfirm = on;
    this.changed();
  }

  // ---- control: users and what the bot sent -----------------------------------------------------

  /** A user writes to the bot; returns the message id and the context token it carries. */
  say(userId: string, content: IlinkUserContent): { messageId: string; contextToken: string } {
    const w = this.world;
    const now = w.now();
    const c = typeof content === 'string' ? { text: content } : content;
    const items: Record<string, unknown>[] = [];
    if (c.text !== undefined) {
      const item: Record<string, unknown> = { type: 1, text_item: { text: c.text } };
      if (c.quote) {
        item.ref_msg = {
          title: c.quote.text,
          ...(c.quote.messageId === undefined ? {} : { svr_id: c.quote.messageId }),
          message_item: { type: 1, text_item: { text: c.quote.text } },
        };
      }
      items.push(item);
    }
    if (c.image) {
      const m = w.putMedia(c.image);
      // Images carry the key as hex on the item and as base64 of the raw bytes on the media.
      items.push({
        type: 2,
        image_item: {
          media: { encrypt_query_param: m.param, aes_key: m.key.toString('base64'), encrypt_type: 1 },
          aeskey: m.key.toString('hex'),
          mid_size: m.cipher.length,
        },
      });
    }
    const hexKeyMedia = (m: ReturnType<IlinkWorld['putMedia']>): Record<string, unknown> => ({
      encrypt_query_param: m.param,
      aes_key: Buffer.from(m.key.toString('hex')).toString('base64'),
      encrypt_type: 1,
    });
    if (c.voice) {
      const m = w.putMedia(c.voice.data);
      items.push({
        type: 3,
        voice_item: {
          media: hexKeyMedia(m),
          encode_type: 6,
          ...(c.voice.playtimeMs === undefined ? {} : { playtime: c.voice.playtimeMs }),
          ...(c.voice.transcript === undefined ? {} : { text: c.voice.transcript }),
        },
      });
    }
    if (c.file) {
      const m = w.putMedia(c.file.data);
      items.push({
        type: 4,
        file_item: { media: hexKeyMedia(m), file_name: c.file.name, md5: m.md5, len: String(c.file.data.length) },
      });
    }
    if (c.video) {
      const m = w.putMedia(c.video);
      items.push({
        type: 5,
        video_item: { media: hexKeyMedia(m), video_size: m.cipher.length, video_md5: md5Hex(c.video) },
      });
    }
    if (items.length === 0) throw new Error('ilink simulator: say() needs text or a media field');
    const messageId = w.newMessageId();
    const contextToken = w.newContextToken(userId, now);
    w.append({
      message_id: messageId,
      from_user_id: userId,
      to_user_id: w.botId,
      create_time_ms: now,
      message_type: 1,
      message_state: 2,
      item_list: items,
      context_token: contextToken,
    });
    return { messageId, contextToken };
  }

  /** Everything the bot sent, oldest first (media decrypted with the key the bot sent). */
  sent(): readonly IlinkSent[] {
    return this.world.sent;
  }

  /** Calls `listener` with every send from now on; returns the unsubscribe. */
  onSent(listener: (sent: IlinkSent) => void): () => void {
    this.sentListeners.add(listener);
    return () => this.sentListeners.delete(listener);
  }

  /** Resolves with the first send (already made or to come) matching `predicate`; rejects after `timeoutMs`. */
  waitForSent(predicate: (s: IlinkSent) => boolean, timeoutMs = 5_000): Promise<IlinkSent> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = this.world.sent.find(predicate);
        if (!hit) return false;
        clearTimeout(t);
        this.sentWaiters.delete(onSend);
        resolve(hit);
        return true;
      };
      const onSend = (): void => {
        check();
      };
      const t = setTimeout(() => {
        this.sentWaiters.delete(onSend);
        reject(new Error(`ilink simulator: no matching send within ${timeoutMs} ms (${this.world.sent.length} sent)`));
      }, timeoutMs);
      if (!check()) this.sentWaiters.add(onSend);
    });
  }

  /** Arms a fault for the next calls of an endpoint (see `IlinkFault`). */
  fault(f: { op: string; kind: IlinkFault['kind']; times?: number; delayMs?: number }): void {
    this.world.faults.push({
      op: f.op,
      kind: f.kind,
      times: f.times ?? 1,
      ...(f.delayMs === undefined ? {} : { delayMs: f.delayMs }),
    });
  }

  /** Every bot token stops working: authenticated calls answer errcode -14 until a new login. */
  expireSession(): void {
    this.world.tokens.clear();
  }

  /** Typing indicators the bot set, in order (1 typing, 2 cancel). */
  typing(): readonly { userId: string; status: number }[] {
    return this.world.typing;
  }
}

function opName(path: string): string | undefined {
  if (path.startsWith(BOT)) return path.slice(BOT.length).replace(/^msg\//, '');
  if (path === '/c2c/upload') return 'cdn-upload';
  if (path === '/c2c/download') return 'cdn-download';
  return undefined;
}

function faultReply(f: IlinkFault): r.IlinkReply {
  switch (f.kind) {
    case 'session-timeout':
      return r.json({ ret: -14, errcode: -14, errmsg: 'session timeout' });
    case 'rate-limit':
      return r.json({ ret: -2, errmsg: 'too many requests' });
    default:
      return { status: 500, body: 'injected server error' };
  }
}
