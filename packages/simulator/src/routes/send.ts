/** webwxsendmsg, webwxsendemoticon, webwxsendmsgimg, webwxsendvideomsg, webwxsendappmsg. */

import type { Engine } from '../engine.js';
import { isRecord, str, type RequestContext } from '../http.js';
import { fakeJpeg, type StoredMedia } from '../media.js';
import type { Session } from '../session.js';
import { encodeChatText, encodeXmlContent, escapeHtml } from '../wire/content.js';
import { baseResponse, wireJson } from '../wire/json.js';
import { authJson, sendRet } from './auth.js';
import type { Handler } from './types.js';

interface SendContext {
  engine: Engine;
  session: Session;
  msg: Record<string, unknown>;
  body: Record<string, unknown>;
  to: string;
  toUserName: string;
  msgId: string;
}

type SendKind = (c: SendContext) => {
  ret: number;
  echo?: () => void;
  mediaId?: string;
  msgType: number;
  content?: string;
};

function makeSend(endpoint: string, kind: SendKind): Handler {
  return async (ctx: RequestContext, { engine }) => {
    const auth = await authJson(ctx, engine);
    if (!auth.ok) {
      engine.actions.record({ endpoint, ret: auth.ret }, ctx);
      sendRet(ctx, auth.ret);
      return;
    }
    const s = auth.session;
    const msg = isRecord(auth.body['Msg']) ? auth.body['Msg'] : undefined;
    const fail = (ret: number, extra: Record<string, unknown> = {}): void => {
      engine.actions.record({ endpoint, ret, body: auth.body, ...extra }, ctx);
      sendRet(ctx, ret);
    };
    if (!msg) {
      fail(1);
      return;
    }
    const toUserName = str(msg['ToUserName']);
    const from = str(msg['FromUserName']);
    if (from !== '' && from !== s.selfUserName) {
      fail(1, { toUserName });
      return;
    }
    const to = s.resolve(toUserName);
    // Unknown or stale (previous login's) UserName: the real server refuses the send.
    if (to === undefined) {
      fail(1204, { toUserName });
      return;
    }
    // Someone known only from a room (or who removed the account) is not a friend: the server refuses.
    if (engine.world.person(to)?.kind === 'stranger') {
      fail(1204, { to, toUserName });
      return;
    }
    if (engine.overRate()) {
      fail(1205, { to, toUserName });
      return;
    }
    const msgId = engine.ids.msgId();
    const res = kind({ engine, session: s, msg, body: auth.body, to, toUserName, msgId });
    engine.actions.record(
      {
        endpoint,
        ret: res.ret,
        to,
        toUserName,
        msgType: res.msgType,
        body: auth.body,
        ...(res.content !== undefined ? { content: res.content } : {}),
        ...(res.mediaId !== undefined ? { mediaId: res.mediaId } : {}),
        ...(res.ret === 0 ? { msgId } : {}),
      },
      ctx,
    );
    if (res.ret !== 0) {
      sendRet(ctx, res.ret);
      return;
    }
    // The real server echoes what this session sent back through webwxsync, From = self.
    if (engine.opts.echoSelfMessages) res.echo?.();
    const localId = str(msg['LocalID']) || str(msg['ClientMsgId']);
    ctx.jsonText(wireJson({ BaseResponse: baseResponse(), MsgID: msgId, LocalID: localId }));
  };
}

function imgXml(media: StoredMedia, md5: string): string {
  return (
    `<?xml version="1.0"?>\n<msg>\n\t<img aeskey="${md5}" encryver="1" cdnthumbaeskey="${md5}" cdnthumburl="" ` +
    `cdnthumblength="${Math.min(media.data.length, 4096)}" cdnthumbheight="100" cdnthumbwidth="100" cdnmidheight="0" ` +
    `cdnmidwidth="0" cdnhdheight="0" cdnhdwidth="0" cdnmidimgurl="" length="${media.data.length}" md5="${md5}" />\n</msg>\n`
  );
}

export const webwxsendmsg = makeSend('webwxsendmsg', (c) => {
  const content = str(c.msg['Content']);
  const type = Number(c.msg['Type'] ?? 1);
  if (type !== 1 || content === '') return { ret: 1, msgType: type, content };
  return {
    ret: 0,
    msgType: 1,
    content,
    echo: () =>
      c.engine.emit({
        msgId: c.msgId,
        from: c.engine.world.self.wxid,
        to: c.to,
        msgType: 1,
        content: encodeChatText(content),
      }),
  };
});

function uploaded(c: SendContext, msgType: number): { mediaId: string; media: StoredMedia | undefined } {
  const mediaId = str(c.msg['MediaId']);
  if (mediaId !== '') return { mediaId, media: c.engine.media.get(mediaId) };
  // A forward: no MediaId, the original's XML as Content; its aeskey names a message the server holds.
  const key = /\baeskey="([0-9a-f]{16,})"/.exec(str(c.msg['Content']).replace(/&quot;/g, '"'))?.[1];
  if (key === undefined) return { mediaId, media: undefined };
  for (const m of c.engine.messages.values()) {
    if (m.cdnKey === key && m.msgType === msgType && m.media) return { mediaId, media: m.media };
  }
  return { mediaId, media: undefined };
}

export const webwxsendmsgimg = makeSend('webwxsendmsgimg', (c) => {
  const { mediaId, media } = uploaded(c, 3);
  if (!media) return { ret: 1, msgType: 3, mediaId };
  const md5 = c.engine.ids.md5();
  return {
    ret: 0,
    msgType: 3,
    mediaId,
    echo: () =>
      c.engine.emit({
        msgId: c.msgId,
        from: c.engine.world.self.wxid,
        to: c.to,
        msgType: 3,
        content: encodeXmlContent(imgXml(media, md5)),
        imgStatus: 2,
        imgHeight: 100,
        imgWidth: 100,
        media,
        thumb: { data: fakeJpeg(c.engine.mediaRng, 512), contentType: 'image/jpeg', fileName: 'thumb.jpg' },
      }),
  };
});

export const webwxsendvideomsg = makeSend('webwxsendvideomsg', (c) => {
  const { mediaId, media } = uploaded(c, 43);
  if (!media) return { ret: 1, msgType: 43, mediaId };
  const xml =
    `<?xml version="1.0"?>\n<msg>\n\t<videomsg aeskey="" cdnthumbaeskey="" cdnvideourl="" cdnthumburl="" length="${media.data.length}" ` +
    `playlength="1" cdnthumblength="512" cdnthumbwidth="200" cdnthumbheight="400" fromusername="${c.engine.world.self.wxid}" ` +
    `md5="" newmd5="" isad="0" />\n</msg>\n`;
  return {
    ret: 0,
    msgType: 43,
    mediaId,
    echo: () =>
      c.engine.emit({
        msgId: c.msgId,
        from: c.engine.world.self.wxid,
        to: c.to,
        msgType: 43,
        content: encodeXmlContent(xml),
        playLength: 1,
        imgHeight: 400,
        imgWidth: 200,
        media,
        thumb: { data: fakeJpeg(c.engine.mediaRng, 512), contentType: 'image/jpeg', fileName: 'thumb.jpg' },
      }),
  };
});

export const webwxsendemoticon = makeSend('webwxsendemoticon', (c) => {
  const mediaId = str(c.msg['MediaId']);
  const md5 = str(c.msg['EMoticonMd5']) || c.engine.ids.md5();
  const media = mediaId ? c.engine.media.get(mediaId) : undefined;
  if (Number(c.msg['Type'] ?? 47) !== 47 || (mediaId !== '' && !media) || (mediaId === '' && !c.msg['EMoticonMd5']))
    return { ret: 1, msgType: 47, mediaId };
  const len = media?.data.length ?? 1024;
  const xml =
    `<msg><emoji fromusername="${c.engine.world.self.wxid}" tousername="${c.to}" type="2" idbuffer="media:0_0" md5="${md5}" ` +
    `len="${len}" productid="" androidmd5="${md5}" androidlen="${len}" s60v3md5="${md5}" s60v3len="${len}" ` +
    `s60v5md5="${md5}" s60v5len="${len}" cdnurl="http://emoji.qpic.cn/wx_emoji/${md5}/" designerid="" thumburl="" ` +
    `encrypturl="" aeskey="" width="80" height="80"></emoji></msg>`;
  return {
    ret: 0,
    msgType: 47,
    ...(mediaId ? { mediaId } : {}),
    echo: () =>
      c.engine.emit({
        msgId: c.msgId,
        from: c.engine.world.self.wxid,
        to: c.to,
        msgType: 47,
        content: encodeXmlContent(xml),
        imgStatus: 2,
        imgHeight: 80,
        imgWidth: 80,
        ...(media ? { media } : {}),
      }),
  };
});

function tag(xml: string, name: string): string {
  return new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)?.[1] ?? '';
}

export const webwxsendappmsg = makeSend('webwxsendappmsg', (c) => {
  const content = str(c.msg['Content']);
  const appType = Number(c.msg['Type'] ?? tag(content, 'type'));
  const attachId = tag(content, 'attachid');
  const media = attachId ? c.engine.media.get(attachId) : undefined;
  if (!content.includes('<appmsg') || (appType === 6 && !media))
    return { ret: 1, msgType: 49, content, ...(attachId ? { mediaId: attachId } : {}) };
  const title = tag(content, 'title');
  const self = c.engine.world.self.wxid;
  const full = `<msg>${content}<fromusername>${self}</fromusername><scene>0</scene><appinfo><version>1</version><appname></appname></appinfo><commenturl></commenturl></msg>`;
  return {
    ret: 0,
    msgType: 49,
    content,
    ...(attachId ? { mediaId: attachId } : {}),
    echo: () =>
      c.engine.emit({
        msgId: c.msgId,
        from: self,
        to: c.to,
        msgType: 49,
        appMsgType: appType,
        content: encodeXmlContent(full),
        fileName: escapeHtml(title),
        ...(appType === 6
          ? {
              fileSize: tag(content, 'totallen') || String(media?.data.length ?? 0),
              mediaId: attachId,
              encryFileName: encodeURIComponent(title).replace(/\./g, '%2E'),
            }
          : { url: tag(content, 'url') }),
        ...(media ? { media } : {}),
      }),
  };
});
