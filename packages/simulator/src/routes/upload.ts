/**
 * webwxuploadmedia: multipart, optionally in chunks (`chunks`/`chunk` fields,
 * one ClientMediaId). Intermediate chunks answer an empty MediaId with
 * StartPos = bytes so far; the last one answers the MediaId.
 */

import { createRequire } from 'node:module';
import { pipeline } from 'node:stream';

import type busboyModule from 'busboy';

import type { ActionFields } from '../actions.js';
import type { Engine } from '../engine.js';
import { isRecord, str, type RequestContext } from '../http.js';
import { contentTypeFor } from '../media.js';
import { parseJsonBody, wireJsonSplitBase } from '../wire/json.js';
import { checkCredentials } from './auth.js';
import { signatureIssued } from './check-upload.js';
import type { Handler } from './types.js';

interface Partial {
  chunks: number;
  parts: Map<number, Buffer>;
  name: string;
  type: string;
}

const partials = new WeakMap<Engine, Map<string, Partial>>();

/**
 * busboy is loaded by the first upload, not when the simulator starts: `wxbot start --simulator` runs it
 * in the bot's process, and its cold start (issue 20) should not pay for a route most runs never call.
 */
let loadedBusboy: typeof busboyModule | undefined;
function busboy(config: busboyModule.BusboyConfig): busboyModule.Busboy {
  loadedBusboy ??= createRequire(import.meta.url)('busboy') as typeof busboyModule;
  return loadedBusboy(config);
}

function readForm(
  ctx: RequestContext,
): Promise<{ fields: Record<string, string>; file: Buffer | undefined; fileName: string }> {
  return new Promise((resolve, reject) => {
    let bb: busboyModule.Busboy;
    try {
      bb = busboy({ headers: ctx.req.headers, limits: { fileSize: 1024 * 1024 * 1024 } });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    const fields: Record<string, string> = {};
    let file: Buffer | undefined;
    let fileName = '';
    bb.on('field', (name, value) => {
      fields[name] = value;
    });
    bb.on('file', (_name, stream, info) => {
      fileName = info.filename ?? '';
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      // Cut short at the size limit: a refusal, never a silently truncated file.
      stream.on('limit', () => {
        reject(new Error('file too large'));
      });
      stream.on('end', () => {
        file = Buffer.concat(chunks);
      });
      // The part's stream errors too when the body is cut off; unheard, that error would end the process.
      stream.on('error', reject);
    });
    bb.on('close', () => {
      resolve({ fields, file, fileName });
    });
    // pipeline (not pipe): a client that goes away mid-body ends the wait with an error.
    pipeline(ctx.req, bb, (err) => {
      if (err) reject(err);
    });
  });
}

function answer(ctx: RequestContext, ret: number, mediaId: string, startPos: number): void {
  ctx.jsonText(
    wireJsonSplitBase(ret, '', { MediaId: mediaId, StartPos: startPos, CDNThumbImgHeight: 0, CDNThumbImgWidth: 0 }),
  );
}

/**
 * Every request is an action, intermediate chunks included (`chunk`/`chunks`; only the last carries the
 * MediaId), so a test sees the bot's chunking and a refused chunk as the bot saw them.
 */
export const webwxuploadmedia: Handler = async (ctx, { engine }) => {
  if (ctx.method === 'OPTIONS') {
    ctx.send(200, '', 'text/plain');
    return;
  }
  let known: Omit<ActionFields, 'endpoint' | 'ret'> = {};
  const record = (ret: number, extra: Omit<ActionFields, 'endpoint' | 'ret'> = {}): void => {
    engine.actions.record({ endpoint: 'webwxuploadmedia', ret, ...known, ...extra }, ctx);
  };
  let form;
  try {
    form = await readForm(ctx);
  } catch {
    record(1);
    answer(ctx, 1, '', 0);
    return;
  }
  const chunks = Number(form.fields['chunks'] ?? '1');
  const chunk = Number(form.fields['chunk'] ?? '0');
  const name = form.fields['name'] ?? form.fileName;
  const req = parseJsonBody(form.fields['uploadmediarequest'] ?? '');
  known = { content: name, chunk, chunks, ...(req !== undefined ? { body: req } : {}) };
  const chunkOk = Number.isInteger(chunks) && chunks >= 1 && Number.isInteger(chunk) && chunk >= 0 && chunk < chunks;
  if (!chunkOk || !isRecord(req) || !isRecord(req['BaseRequest']) || !form.file) {
    record(1);
    answer(ctx, 1, '', 0);
    return;
  }
  const br = req['BaseRequest'];
  const cred = checkCredentials(ctx, engine, { uin: str(br['Uin']), sid: str(br['Sid']), skey: str(br['Skey']) });
  if (!cred.ok) {
    record(cred.ret);
    answer(ctx, cred.ret, '', 0);
    return;
  }
  const s = cred.session;
  const toUserName = str(req['ToUserName']);
  const to = toUserName === '' ? undefined : s.resolve(toUserName);
  known = { ...known, ...(toUserName !== '' ? { toUserName } : {}), ...(to !== undefined ? { to } : {}) };
  const dataTicket = form.fields['webwx_data_ticket'] ?? ctx.cookies['webwx_data_ticket'];
  if (dataTicket !== s.dataTicket) {
    record(-14);
    answer(ctx, -14, '', 0);
    return;
  }
  // A Signature from webwxcheckupload is checked; one the server never issued is refused.
  const signature = str(req['Signature']);
  if (signature !== '' && !signatureIssued(engine, signature)) {
    record(1);
    answer(ctx, 1, '', 0);
    return;
  }
  const key = `${str(req['ClientMediaId'])}|${name}`;
  let store = partials.get(engine);
  if (!store) partials.set(engine, (store = new Map<string, Partial>()));
  let p = store.get(key);
  if (!p || p.chunks !== chunks) {
    p = { chunks, parts: new Map(), name, type: form.fields['type'] ?? '' };
    store.set(key, p);
  }
  p.parts.set(chunk, form.file);
  const received = [...p.parts.values()].reduce((n, b) => n + b.length, 0);
  if (p.parts.size < chunks) {
    record(0);
    answer(ctx, 0, '', received);
    return;
  }
  store.delete(key);
  const data = Buffer.concat([...Array(chunks).keys()].map((i) => p.parts.get(i) ?? Buffer.alloc(0)));
  const totalLen = Number(req['TotalLen'] ?? data.length);
  if (Number.isFinite(totalLen) && totalLen !== data.length) {
    record(1);
    answer(ctx, 1, '', data.length);
    return;
  }
  const mediaId = engine.ids.mediaId();
  engine.keepMedia(mediaId, {
    data,
    fileName: name,
    contentType: contentTypeFor(name, p.type || 'application/octet-stream'),
  });
  record(0, { mediaId });
  answer(ctx, 0, mediaId, data.length);
};
