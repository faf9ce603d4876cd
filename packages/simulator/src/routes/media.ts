/**
 * Downloads: webwxgetmsgimg (big / type=slave), webwxgetvoice, webwxgetvideo (Range),
 * webwxgetmedia, webwxgeticon, webwxgetheadimg. Bad credentials get an empty 200 (what
 * an <img> tag sees from the real server); unknown ids get 404.
 */

import type { Engine } from '../engine.js';
import type { RequestContext } from '../http.js';
import { Rng } from '../ids.js';
import { fakeJpeg, type StoredMedia } from '../media.js';
import type { Session } from '../session.js';
import { hashHex } from '../world/world.js';
import { cookiesMatch } from './auth.js';
import type { Handler } from './types.js';

function authed(ctx: RequestContext, engine: Engine, byDataTicket = false): Session | undefined {
  const s = engine.live();
  if (!s) return undefined;
  if (!cookiesMatch(ctx, s)) return undefined;
  if (byDataTicket) {
    const t = ctx.q('webwx_data_ticket') ?? ctx.cookies['webwx_data_ticket'];
    return t === s.dataTicket ? s : undefined;
  }
  return ctx.q('skey') === s.skey ? s : undefined;
}

function serve(ctx: RequestContext, media: StoredMedia, range: boolean, extra: Record<string, string> = {}): void {
  const header = range ? ctx.header('range') : undefined;
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (m) {
    const size = media.data.length;
    let start = m[1] === '' ? size - Number(m[2]) : Number(m[1]);
    let end = m[1] === '' || m[2] === '' ? size - 1 : Number(m[2]);
    start = Math.max(0, start);
    end = Math.min(size - 1, end);
    if (start > end || start >= size) {
      ctx.send(416, '', media.contentType, { 'Content-Range': `bytes */${size}` });
      return;
    }
    ctx.send(206, media.data.subarray(start, end + 1), media.contentType, {
      'Content-Range': `bytes ${start}-${end}/${size}`,
      'Accept-Ranges': 'bytes',
      ...extra,
    });
    return;
  }
  ctx.send(200, media.data, media.contentType, { ...(range ? { 'Accept-Ranges': 'bytes' } : {}), ...extra });
}

function record(
  ctx: RequestContext,
  engine: Engine,
  endpoint: string,
  ret: number,
  msgId?: string,
  mediaId?: string,
): void {
  engine.actions.record({ endpoint, ret, ...(msgId ? { msgId } : {}), ...(mediaId ? { mediaId } : {}) }, ctx);
}

export const webwxgetmsgimg: Handler = (ctx, { engine }) => {
  const msgId = ctx.q('MsgID') ?? '';
  if (!authed(ctx, engine)) {
    record(ctx, engine, 'webwxgetmsgimg', 1100, msgId);
    ctx.send(200, '', 'image/jpeg');
    return;
  }
  const stored = engine.messages.get(msgId);
  if (!stored || ![3, 47, 43, 62, 49].includes(stored.msgType)) {
    record(ctx, engine, 'webwxgetmsgimg', 1, msgId);
    ctx.send(404, '', 'text/html');
    return;
  }
  record(ctx, engine, 'webwxgetmsgimg', 0, msgId);
  if (ctx.q('type') === 'slave') {
    stored.thumb ??= { data: fakeJpeg(engine.mediaRng, 512), contentType: 'image/jpeg', fileName: 'thumb.jpg' };
    serve(ctx, stored.thumb, false);
    return;
  }
  stored.media ??= engine.defaultImage();
  serve(ctx, stored.media, false);
};

function byMsgId(endpoint: string, msgType: number, range: boolean): Handler {
  return (ctx, { engine }) => {
    const msgId = ctx.q('msgid') ?? '';
    if (!authed(ctx, engine)) {
      record(ctx, engine, endpoint, 1100, msgId);
      ctx.send(200, '', 'text/html');
      return;
    }
    const stored = engine.messages.get(msgId);
    if (!stored?.media || stored.msgType !== msgType) {
      record(ctx, engine, endpoint, 1, msgId);
      ctx.send(404, '', 'text/html');
      return;
    }
    record(ctx, engine, endpoint, 0, msgId);
    serve(ctx, stored.media, range);
  };
}

export const webwxgetvoice = byMsgId('webwxgetvoice', 34, false);
export const webwxgetvideo = byMsgId('webwxgetvideo', 43, true);

export const webwxgetmedia: Handler = (ctx, { engine }) => {
  const mediaId = ctx.q('mediaid') ?? '';
  if (!authed(ctx, engine, true)) {
    record(ctx, engine, 'webwxgetmedia', -14, undefined, mediaId);
    ctx.send(200, '', 'application/octet-stream');
    return;
  }
  const media = engine.media.get(mediaId);
  if (!media) {
    record(ctx, engine, 'webwxgetmedia', 1, undefined, mediaId);
    ctx.send(404, '', 'text/html');
    return;
  }
  record(ctx, engine, 'webwxgetmedia', 0, undefined, mediaId);
  serve(ctx, media, true, {
    'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(ctx.q('filename') ?? media.fileName)}`,
  });
};

function avatar(endpoint: string, rooms: boolean): Handler {
  return (ctx, { engine }) => {
    const s = engine.live();
    const userName = ctx.q('username') ?? '';
    const id = s?.resolve(userName);
    if (!s || !cookiesMatch(ctx, s)) {
      ctx.send(200, '', 'image/jpeg');
      return;
    }
    if (id === undefined || id.endsWith('@chatroom') !== rooms) {
      ctx.send(404, '', 'text/html');
      return;
    }
    // Same person, same picture, across logins.
    record(ctx, engine, endpoint, 0);
    const rng = new Rng(parseInt(hashHex(id, 8), 16));
    ctx.send(200, fakeJpeg(rng, 1024), 'image/jpeg');
  };
}

export const webwxgeticon = avatar('webwxgeticon', false);
export const webwxgetheadimg = avatar('webwxgetheadimg', true);
