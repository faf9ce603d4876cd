/**
 * webwxcheckupload: before uploading a large file the web client asks whether the server already holds
 * its bytes (by FileMd5 and FileSize). Known: the answer carries that MediaId and the upload is skipped.
 * Unknown: it carries an AESKey and a Signature, which the following webwxuploadmedia requests repeat.
 */

import { createHash } from 'node:crypto';

import type { Engine } from '../engine.js';
import { str } from '../http.js';
import { wireJsonSplitBase } from '../wire/json.js';
import { authJson, sendRet } from './auth.js';
import type { Handler } from './types.js';

/** Signatures handed out per engine: webwxuploadmedia checks the ones it is given. */
const issued = new WeakMap<Engine, Set<string>>();

/** True when `signature` came from this engine's webwxcheckupload. */
export function signatureIssued(engine: Engine, signature: string): boolean {
  return issued.get(engine)?.has(signature) ?? false;
}

function known(engine: Engine, md5: string, size: number): string | undefined {
  for (const [mediaId, media] of engine.media) {
    if (media.data.length === size && createHash('md5').update(media.data).digest('hex') === md5) return mediaId;
  }
  return undefined;
}

export const webwxcheckupload: Handler = async (ctx, { engine }) => {
  const auth = await authJson(ctx, engine);
  if (!auth.ok) {
    engine.actions.record({ endpoint: 'webwxcheckupload', ret: auth.ret }, ctx);
    sendRet(ctx, auth.ret);
    return;
  }
  const { body, session } = auth;
  const md5 = str(body['FileMd5']).toLowerCase();
  const size = Number(body['FileSize']);
  const name = str(body['FileName']);
  const toUserName = str(body['ToUserName']);
  const to = session.resolve(toUserName);
  const fields = { endpoint: 'webwxcheckupload', content: name, toUserName, ...(to ? { to } : {}), body };
  if (!/^[0-9a-f]{32}$/.test(md5) || !Number.isSafeInteger(size) || size <= 0 || name === '' || to === undefined) {
    engine.actions.record({ ...fields, ret: 1 }, ctx);
    sendRet(ctx, 1);
    return;
  }
  const mediaId = known(engine, md5, size);
  const aesKey = engine.ids.md5();
  const signature = engine.ids.md5() + engine.ids.md5();
  let set = issued.get(engine);
  if (!set) issued.set(engine, (set = new Set()));
  set.add(signature);
  engine.actions.record({ ...fields, ret: 0, ...(mediaId ? { mediaId } : {}) }, ctx);
  ctx.jsonText(
    wireJsonSplitBase(0, '', {
      MediaId: mediaId ?? '',
      AESKey: aesKey,
      Signature: signature,
      EncryFileName: encodeURIComponent(name),
    }),
  );
};
