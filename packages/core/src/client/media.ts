import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { unescapeHtml } from '../message/text.js';
import type { RawMessage } from '../wire/types.js';
import type { Credentials } from './credentials.js';
import { reserveDownload, type ReservedFile } from './download-file.js';
import { InvalidArgument, ProtocolError } from './errors.js';
import { protectBigIds, retError, type Http } from './http.js';
import type { DownloadOptions, DownloadResult, DownloadTarget, MediaSource } from './types.js';

/** The web client uploads in 512 KiB chunks. */
export const CHUNK_SIZE = 512 * 1024;

export type UploadKind = 'pic' | 'video' | 'doc';

/** webwxcheckupload's answer: a MediaId when the server already has the file, else what the upload must carry. */
interface CheckUploadResponse {
  BaseResponse: { Ret: number };
  MediaId?: string;
  AESKey?: string;
  Signature?: string;
  EncryFileName?: string;
}

export async function readSource(src: MediaSource, endpoint: string): Promise<{ data: Buffer; name: string }> {
  if (Buffer.isBuffer(src)) return { data: src, name: 'file' };
  if (typeof src === 'string') {
    try {
      return { data: await readFile(src), name: basename(src) };
    } catch (err) {
      throw new InvalidArgument(endpoint, `cannot read ${JSON.stringify(src)}: ${(err as Error).message}`);
    }
  }
  const chunks: Buffer[] = [];
  for await (const c of src as AsyncIterable<Buffer | string>) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return { data: Buffer.concat(chunks), name: 'file' };
}

/**
 * Uploads in chunks to webwxuploadmedia; caches MediaId by content hash so
 * the same bytes are uploaded once per session.
 */
export class Uploader {
  private readonly cache = new Map<string, string>();

  constructor(
    private readonly http: Http,
    private readonly cred: () => Credentials,
    private readonly timeoutMs: number,
    /** Files (`doc`) this large are checked with webwxcheckupload first, as the web client does. */
    private readonly checkUploadMinBytes = 25 * 1024 * 1024,
  ) {}

  /** Forgets cached MediaIds (they belong to one session). */
  reset(): void {
    this.cache.clear();
  }

  async upload(data: Buffer, name: string, kind: UploadKind, from: string, to: string): Promise<string> {
    const md5 = createHash('md5').update(data).digest('hex');
    const cached = this.cache.get(`${kind}:${md5}`);
    if (cached) return cached;
    const c = this.cred();
    const check =
      kind === 'doc' && data.length >= this.checkUploadMinBytes
        ? await this.checkUpload(c, data.length, md5, name, from, to)
        : undefined;
    if (check?.MediaId) {
      // The server already holds these bytes: nothing to upload.
      this.cache.set(`${kind}:${md5}`, check.MediaId);
      return check.MediaId;
    }
    const dataTicket = await this.dataTicket();
    const chunks = Math.max(1, Math.ceil(data.length / CHUNK_SIZE));
    const clientMediaId = `${Date.now()}${randomBytes(2).readUInt16BE(0)}`;
    const type = kind === 'pic' ? 'image/jpeg' : kind === 'video' ? 'video/mp4' : 'application/octet-stream';
    let mediaId = '';
    for (let i = 0; i < chunks; i++) {
      const part = data.subarray(i * CHUNK_SIZE, Math.min(data.length, (i + 1) * CHUNK_SIZE));
      const form = new FormData();
      form.append('id', 'WU_FILE_0');
      form.append('name', name);
      form.append('type', type);
      form.append('lastModifiedDate', new Date().toUTCString());
      form.append('size', String(data.length));
      if (chunks > 1) {
        form.append('chunks', String(chunks));
        form.append('chunk', String(i));
      }
      form.append('mediatype', kind);
      form.append(
        'uploadmediarequest',
        JSON.stringify({
          UploadType: 2,
          BaseRequest: c.baseRequest(),
          ClientMediaId: clientMediaId,
          TotalLen: data.length,
          StartPos: 0,
          DataLen: data.length,
          MediaType: 4,
          FromUserName: from,
          ToUserName: to,
          FileMd5: md5,
          ...(check?.AESKey ? { AESKey: check.AESKey } : {}),
          ...(check?.Signature ? { Signature: check.Signature } : {}),
        }),
      );
      form.append('webwx_data_ticket', dataTicket);
      form.append('pass_ticket', c.passTicket);
      form.append('filename', new Blob([part], { type: 'application/octet-stream' }), name);
      const res = await this.http.json<{ BaseResponse: { Ret: number }; MediaId?: string }>({
        endpoint: 'webwxuploadmedia',
        url: c.cgi('webwxuploadmedia', 'file'),
        query: { f: 'json' },
        form,
        timeoutMs: this.timeoutMs,
      });
      if (res.MediaId) mediaId = res.MediaId;
    }
    if (!mediaId) throw new ProtocolError('webwxuploadmedia', 'the last chunk answered without a MediaId');
    this.cache.set(`${kind}:${md5}`, mediaId);
    return mediaId;
  }

  /** webwxcheckupload: whether the server has these bytes already, and the key and signature the upload carries. */
  private checkUpload(
    c: Credentials,
    size: number,
    md5: string,
    name: string,
    from: string,
    to: string,
  ): Promise<CheckUploadResponse> {
    return this.http.json<CheckUploadResponse>({
      endpoint: 'webwxcheckupload',
      url: c.cgi('webwxcheckupload'),
      query: { pass_ticket: c.passTicket },
      json: {
        BaseRequest: c.baseRequest(),
        FromUserName: from,
        ToUserName: to,
        FileName: name,
        FileSize: size,
        FileMd5: md5,
        // 7: an attachment (the web client's FileType for files).
        FileType: 7,
      },
    });
  }

  async dataTicket(): Promise<string> {
    const c = this.cred();
    for (const origin of [c.hosts.file, c.hosts.main]) {
      const cookies = await this.http.jar.getCookies(origin);
      const t = cookies.find((k) => k.key === 'webwx_data_ticket');
      if (t) return t.value;
    }
    return '';
  }
}

/** The appmsg XML of a file attachment (MsgType 49 / AppMsgType 6). */
export function fileAppMsg(name: string, size: number, mediaId: string): string {
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const ext = extname(name).replace(/^\./, '');
  return (
    `<appmsg appid='wxeb7ec651dd0aefa9' sdkver=''><title>${esc(name)}</title><des></des><action></action><type>6</type>` +
    `<content></content><url></url><lowurl></lowurl><appattach><totallen>${size}</totallen><attachid>${esc(mediaId)}</attachid>` +
    `<fileext>${esc(ext)}</fileext></appattach><extinfo></extinfo></appmsg>`
  );
}

/**
 * A file name safe to create inside a directory: no path, no separators, no
 * control or reserved characters, no leading dots, bounded length.
 * Leading dots become `_` rather than vanishing, so `.`, `..` and `...` stay
 * distinct names (`_`, `__`, `___`) instead of all collapsing to the fallback.
 */
export function sanitizeFileName(name: string, fallback: string): string {
  let n = name.replace(/\\/g, '/');
  n = n.split('/').pop() ?? '';

  n = n
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/^\s+/, '')
    .replace(/^\.+/, (dots) => '_'.repeat(dots.length))
    .replace(/[.\s]+$/, '');
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(n)) n = `_${n}`;
  if (n === '') n = fallback;
  if (Buffer.byteLength(n) > 200) {
    const ext = extname(n).slice(0, 16);
    n = `${Buffer.from(n)
      .subarray(0, 180)
      .toString('utf8')
      .replace(/\uFFFD+$/, '')}${ext}`;
  }
  return n;
}

export interface DownloadPlan {
  endpoint: string;
  url: string;
  query: Record<string, string | number>;
  headers: Record<string, string>;
  defaultName: string;
}

/** An avatar: webwxgeticon for people, webwxgetheadimg for rooms (the web client's split). */
export function avatarPlan(c: Credentials, userName: string): DownloadPlan {
  const room = userName.startsWith('@@');
  const endpoint = room ? 'webwxgetheadimg' : 'webwxgeticon';
  return {
    endpoint,
    url: c.cgi(endpoint),
    query: { seq: 0, username: userName, skey: c.skey },
    headers: {},
    // The UserName is a session id: the name says what it is, not whose it is.
    defaultName: room ? 'room-avatar.jpg' : 'avatar.jpg',
  };
}

/** Which endpoint serves a message's media. */
export function planDownload(c: Credentials, msg: RawMessage, opts: DownloadOptions, dataTicket: string): DownloadPlan {
  const headers: Record<string, string> = {};
  if (opts.range) headers['Range'] = `bytes=${opts.range.start}-${opts.range.end ?? ''}`;
  const id = msg.MsgId;
  switch (msg.MsgType) {
    case 3:
    case 47:
      return {
        endpoint: 'webwxgetmsgimg',
        url: c.cgi('webwxgetmsgimg'),
        query: opts.slave ? { MsgID: id, skey: c.skey, type: 'slave' } : { MsgID: id, skey: c.skey },
        headers,
        defaultName: `${id}${msg.MsgType === 47 ? '.gif' : '.jpg'}`,
      };
    case 34:
      return {
        endpoint: 'webwxgetvoice',
        url: c.cgi('webwxgetvoice'),
        query: { msgid: id, skey: c.skey },
        headers,
        defaultName: `${id}.mp3`,
      };
    case 43:
    case 62:
      if (!headers['Range']) headers['Range'] = 'bytes=0-';
      return {
        endpoint: 'webwxgetvideo',
        url: c.cgi('webwxgetvideo'),
        query: { msgid: id, skey: c.skey },
        headers,
        defaultName: `${id}.mp4`,
      };
    case 49: {
      if (!msg.MediaId) throw new InvalidArgument('webwxgetmedia', `message ${id} has no MediaId to download`);
      const name = unescapeHtml(msg.FileName ?? '');
      return {
        endpoint: 'webwxgetmedia',
        url: c.cgi('webwxgetmedia', 'file'),
        query: {
          sender: msg.FromUserName,
          mediaid: msg.MediaId,
          encryfilename: msg.EncryFileName ?? encodeURIComponent(name),
          fromuser: c.uin,
          pass_ticket: c.passTicket,
          webwx_data_ticket: dataTicket,
        },
        headers,
        defaultName: name || `${id}.bin`,
      };
    }
    default:
      throw new InvalidArgument('download', `MsgType ${msg.MsgType} has no media to download`);
  }
}

/**
 * Streams a download into a stream, or into a sanitised file inside `dir`
 * (temp + rename onto an exclusively reserved name: never outside `dir`, never
 * over an existing file). `dataDir`, the account's data directory, is refused
 * as a target: it holds the session and journals.
 */
export async function runDownload(
  http: Http,
  plan: DownloadPlan,
  target: DownloadTarget,
  fileName?: string,
  dataDir?: string,
): Promise<DownloadResult> {
  const res = await http.stream({ endpoint: plan.endpoint, url: plan.url, query: plan.query, headers: plan.headers });
  const contentType = res.headers.get('content-type') ?? undefined;
  // Some endpoints answer errors as JSON with a BaseResponse instead of bytes.
  if (contentType?.includes('json') || contentType?.includes('text/plain')) {
    const chunks: Buffer[] = [];
    for await (const c of res.body) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      const j = JSON.parse(protectBigIds(text)) as { BaseResponse?: { Ret?: number; ErrMsg?: string } };
      const ret = j.BaseResponse?.Ret;
      if (typeof ret === 'number' && ret !== 0) throw retError(plan.endpoint, ret, j.BaseResponse?.ErrMsg ?? '');
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
    }
    return writeBuffer(Buffer.from(text), target, plan, fileName, contentType, dataDir);
  }
  let bytes = 0;
  // Count inside the pipeline: a bare 'data' listener would start the flow before the pipe exists.
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  if ('stream' in target) {
    await pipeline(res.body, counter, target.stream, { end: false });
    return contentType === undefined ? { bytes } : { bytes, contentType };
  }
  const file = await targetFile(target.dir, fileName ?? plan.defaultName, plan.defaultName, dataDir);
  try {
    await pipeline(res.body, counter, createWriteStream(file.tmp, { flags: 'wx', mode: 0o600 }));
    await file.commit();
  } catch (err) {
    await file.abort();
    throw err;
  }
  const path = file.path;
  return contentType === undefined ? { path, bytes } : { path, bytes, contentType };
}

async function writeBuffer(
  buf: Buffer,
  target: DownloadTarget,
  plan: DownloadPlan,
  fileName: string | undefined,
  contentType: string | undefined,
  dataDir: string | undefined,
): Promise<DownloadResult> {
  if ('stream' in target) {
    await new Promise<void>((res, rej) =>
      target.stream.write(buf, (e) => {
        if (e) rej(e);
        else res();
      }),
    );
    return contentType === undefined ? { bytes: buf.length } : { bytes: buf.length, contentType };
  }
  const file = await targetFile(target.dir, fileName ?? plan.defaultName, plan.defaultName, dataDir);
  try {
    await writeFile(file.tmp, buf, { flag: 'wx', mode: 0o600 });
    await file.commit();
  } catch (err) {
    await file.abort();
    throw err;
  }
  const path = file.path;
  return contentType === undefined ? { path, bytes: buf.length } : { path, bytes: buf.length, contentType };
}

function targetFile(dir: string, name: string, fallback: string, dataDir: string | undefined): Promise<ReservedFile> {
  return reserveDownload(dir, sanitizeFileName(name, sanitizeFileName(fallback, 'download.bin')), dataDir);
}
