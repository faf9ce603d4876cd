/** webwxinit, webwxstatusnotify, webwxgetcontact, webwxbatchgetcontact, webwxlogout. */

import type { Engine } from '../engine.js';
import { isRecord, str, type RequestContext } from '../http.js';
import type { Session } from '../session.js';
import { encodeXmlContent } from '../wire/content.js';
import { personContact, roomContact } from '../wire/contact.js';
import { baseResponse, wireJson, type WireObject } from '../wire/json.js';
import { authJson, checkCredentials, sendRet } from './auth.js';
import type { Handler } from './types.js';

const CLIENT_VERSION = 369299473;

export const webwxinit: Handler = async (ctx, { engine }) => {
  const auth = await authJson(ctx, engine);
  if (!auth.ok) {
    engine.actions.record({ endpoint: 'webwxinit', ret: auth.ret }, ctx);
    sendRet(ctx, auth.ret);
    return;
  }
  const s = auth.session;
  const world = engine.world;
  const self = world.self;
  const recent = world.recentChats.filter((id) => world.person(id) ?? world.room(id));
  const contactList: WireObject[] = [];
  for (const id of recent.slice(0, 30)) {
    const c = engine.contactJson(id, s, false);
    if (c) contactList.push(c);
  }
  const officials = [...world.people.values()].filter((p) => p.kind === 'official').slice(0, 2);
  const now = Math.floor(Date.now() / 1000);
  const body: WireObject = {
    BaseResponse: baseResponse(),
    Count: contactList.length,
    ContactList: contactList,
    // As the real server: a key at the latest position. A client that takes it skips whatever is still
    // queued behind the key it held (a stuck selector's backlog, messages between login page and init).
    SyncKey: s.syncKey(),
    User: {
      Uin: self.uin,
      UserName: s.selfUserName,
      NickName: personContact(self, s)['NickName']!,
      HeadImgUrl: `/cgi-bin/mmwebwx-bin/webwxgeticon?seq=${self.headSeq}&username=${s.selfUserName}&skey=${s.skey}`,
      RemarkName: '',
      PYInitial: '',
      PYQuanPin: '',
      RemarkPYInitial: '',
      RemarkPYQuanPin: '',
      HideInputBarFlag: 0,
      StarFriend: 0,
      Sex: self.sex,
      Signature: personContact(self, s)['Signature']!,
      AppAccountFlag: 0,
      VerifyFlag: 0,
      ContactFlag: 0,
      WebWxPluginSwitch: 0,
      HeadImgFlag: 1,
      SnsFlag: 17,
    },
    ChatSet: recent.map((id) => s.userNameOf(id)).join(',') + ',',
    SKey: s.skey,
    ClientVersion: CLIENT_VERSION,
    SystemTime: now,
    GrayScale: 1,
    InviteStartCount: engine.opts.inviteStartCount,
    MPSubscribeMsgCount: officials.length,
    MPSubscribeMsgList: officials.map((p, i) => ({
      UserName: s.userNameOf(p.wxid),
      MPArticleCount: 1,
      MPArticleList: [
        {
          Title: `${p.nickName} 今日推送`,
          Digest: '摘要',
          Cover: 'http://mmbiz.qpic.cn/mmbiz_jpg/placeholder/640?wxtype=jpeg&wxfrom=0',
          Url: `http://mp.weixin.qq.com/s?__biz=sim${i}&mid=1&idx=1&sn=0#rd`,
        },
      ],
      Time: now - 3600 * (i + 1),
      NickName: p.nickName,
    })),
    ClickReportInterval: 600000,
  };
  if (!s.initialized) {
    s.initialized = true;
    queueStatusNotify(engine, s, recent);
    // Behind the key this init answers with: the first webwxsync brings what arrived while logged out.
    engine.offline.flush(s);
  }
  engine.actions.record({ endpoint: 'webwxinit', ret: 0 }, ctx);
  ctx.jsonText(wireJson(body));
};

/**
 * The MsgType 51 / StatusNotifyCode 4 entry of the first webwxsync: recent chats by STABLE id in
 * Content, and the same chats by session UserName, position for position, in StatusNotifyUserName.
 */
function queueStatusNotify(engine: Engine, s: Session, recent: string[]): void {
  const world = engine.world;
  const ids = [...recent];
  if (!ids.includes(world.self.wxid)) ids.splice(Math.min(ids.length, 6), 0, world.self.wxid);
  const now = Math.floor(Date.now() / 1000);
  const unread = ids
    .filter((id) => id.endsWith('@chatroom'))
    .slice(0, 2)
    .map(
      (id, i) => `<chat>\n<username>${id}</username>\n<lastreadtime>${now - 600 * (i + 1)}</lastreadtime>\n</chat>\n`,
    )
    .join('');
  const xml =
    `<msg>\n<op id='4'>\n<username>${ids.join(',')}</username>\n<unreadchatlist>\n${unread}` +
    `<chat>\n<username>MomentsUnreadMsgStatus</username>\n<lastreadtime>${now - 86400}</lastreadtime>\n</chat>\n` +
    `</unreadchatlist>\n<unreadfunctionlist>\n</unreadfunctionlist>\n</op>\n</msg>`;
  engine.emit({
    from: world.self.wxid,
    to: world.self.wxid,
    msgType: 51,
    content: encodeXmlContent(xml),
    statusNotifyCode: 4,
    statusNotifyUserName: ids.map((id) => s.userNameOf(id)).join(','),
  });
}

export const webwxstatusnotify: Handler = async (ctx, { engine }) => {
  const auth = await authJson(ctx, engine);
  if (!auth.ok) {
    engine.actions.record({ endpoint: 'webwxstatusnotify', ret: auth.ret }, ctx);
    sendRet(ctx, auth.ret);
    return;
  }
  const to = str(auth.body['ToUserName']);
  const stable = auth.session.resolve(to);
  const ret = to === '' || stable !== undefined ? 0 : 1;
  engine.actions.record(
    {
      endpoint: 'webwxstatusnotify',
      ret,
      op: str(auth.body['Code']),
      toUserName: to,
      ...(stable ? { to: stable } : {}),
    },
    ctx,
  );
  if (ret !== 0) {
    sendRet(ctx, ret);
    return;
  }
  ctx.jsonText(wireJson({ BaseResponse: baseResponse(), MsgID: engine.ids.msgId() }));
};

/** GET-style endpoints authenticate with the cookies plus skey in the query. */
async function authQueryOrBody(
  ctx: RequestContext,
  engine: Engine,
): Promise<{ ok: true; session: Session; body: Record<string, unknown> } | { ok: false; ret: number }> {
  const body = ctx.method === 'POST' ? await ctx.json() : undefined;
  if (isRecord(body) && isRecord(body['BaseRequest'])) return authJson(ctx, engine);
  const res = checkCredentials(ctx, engine, {
    uin: ctx.cookies['wxuin'] ?? '',
    sid: ctx.cookies['wxsid'] ?? '',
    skey: ctx.q('skey') ?? '',
  });
  return res.ok ? { ...res, body: {} } : res;
}

export const webwxgetcontact: Handler = async (ctx, { engine }) => {
  const auth = await authQueryOrBody(ctx, engine);
  if (!auth.ok) {
    engine.actions.record({ endpoint: 'webwxgetcontact', ret: auth.ret }, ctx);
    sendRet(ctx, auth.ret);
    return;
  }
  const s = auth.session;
  const { people, rooms } = engine.world.addressBook();
  const all: (() => WireObject)[] = [
    ...people.map((p) => () => personContact(p, s)),
    ...rooms.map((r) => () => roomContact(r, s, { ...engine.contactOpts(), withMembers: false })),
  ];
  const start = Math.max(0, Number(ctx.q('seq') ?? '0') || 0);
  const size = engine.opts.contactPageSize;
  const page = all.slice(start, start + size).map((f) => f());
  const next = start + size < all.length ? start + size : 0;
  engine.actions.record({ endpoint: 'webwxgetcontact', ret: 0, op: String(start) }, ctx);
  ctx.jsonText(wireJson({ BaseResponse: baseResponse(), MemberCount: page.length, MemberList: page, Seq: next }));
};

export const webwxbatchgetcontact: Handler = async (ctx, { engine }) => {
  const auth = await authJson(ctx, engine);
  if (!auth.ok) {
    engine.actions.record({ endpoint: 'webwxbatchgetcontact', ret: auth.ret }, ctx);
    sendRet(ctx, auth.ret);
    return;
  }
  const s = auth.session;
  const list = Array.isArray(auth.body['List']) ? (auth.body['List'] as unknown[]) : undefined;
  if (!list || list.length > engine.opts.batchGetLimit) {
    engine.actions.record({ endpoint: 'webwxbatchgetcontact', ret: 1, op: String(list?.length ?? 'missing') }, ctx);
    sendRet(ctx, 1);
    return;
  }
  const out: WireObject[] = [];
  for (const item of list) {
    if (!isRecord(item)) continue;
    const stable = s.resolve(str(item['UserName']));
    if (stable === undefined) continue;
    const c = engine.contactJson(stable, s, true);
    if (c) out.push(c);
  }
  engine.actions.record({ endpoint: 'webwxbatchgetcontact', ret: 0, op: String(list.length) }, ctx);
  ctx.jsonText(wireJson({ BaseResponse: baseResponse(), Count: out.length, ContactList: out }));
};

export const webwxlogout: Handler = async (ctx, { engine }) => {
  const form = new URLSearchParams((await ctx.body()).toString('utf8'));
  const uin = form.get('uin') ?? ctx.cookies['wxuin'] ?? '';
  const sid = form.get('sid') ?? ctx.cookies['wxsid'] ?? '';
  const s = engine.session;
  const matches = s && !s.ended && String(s.uin) === uin && s.sid === sid && (ctx.q('skey') ?? s.skey) === s.skey;
  if (matches) s.end(1101, 'logged out from web');
  engine.actions.record({ endpoint: 'webwxlogout', ret: matches ? 0 : 1101 }, ctx);
  ctx.send(200, '', 'text/html');
};
