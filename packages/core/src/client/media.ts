import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  checkUpload,
  downloadRefusal,
  uploadMedia,
  type DownloadPlan,
  type UploadKind,
} from '../wire/media-endpoints.js';
import type { Credentials } from './credentials.js';
import { reserveDownload, type ReservedFile } from './download-file.js';
import { InvalidArgument } from './errors.js';
import { retError, type Http } from './http.js';
import type { DownloadResult, DownloadTarget, MediaSource } from './types.js';

// The raw calls (upload chunks, check, which endpoint serves a download) are the wire's.
export { CHUNK_SIZE, avatarPlan, planDownload, type DownloadPlan, type UploadKind } from '../wire/media-endpoints.js';

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
        ? await checkUpload(this.http, c, { size: data.length, md5, name, from, to })
        : undefined;
    if (check?.MediaId) {
      // The server already holds these bytes: nothing to upload.
      this.cache.set(`${kind}:${md5}`, check.MediaId);
      return check.MediaId;
    }
    const file = { data, name, kind, md5, from, to };
    const mediaId = await uploadMedia(this.http, c, file, {
      dataTicket: await this.dataTicket(),
      clientMediaId: `${Date.now()}${randomBytes(2).readUInt16BE(0)}`,
      timeoutMs: this.timeoutMs,
      ...(check ? { check } : {}),
    });
    this.cache.set(`${kind}:${md5}`, mediaId);
    return mediaId;
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
    const refusal = downloadRefusal(text);
    if (refusal) throw retError(plan.endpoint, refusal.ret, refusal.errMsg);
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
