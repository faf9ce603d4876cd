/** webwxcreatechatroom, webwxupdatechatroom, webwxverifyuser, webwxoplog, webwxrevokemsg. */

import { isRecord, str } from '../http.js';
import type { ActionFields } from '../actions.js';
import type { RequestContext } from '../http.js';
import type { Session } from '../session.js';
import { encodeXmlContent } from '../wire/content.js';
import { memberEntry } from '../wire/contact.js';
import { baseResponse, wireJson, wireJsonSplitBase, type WireObject } from '../wire/json.js';
import { systemText } from '../wire/system.js';
import type { Engine } from '../engine.js';
import { authJson, sendRet } from './auth.js';
import type { Handler } from './types.js';

function resolveAll(s: Session, names: string[]): string[] | undefined {
  const out: string[] = [];
  for (const n of names) {
    const id = s.resolve(n);
    if (id === undefined || id.endsWith('@chatroom')) return undefined;
    out.push(id);
  }
  return out;
}

function memberList(engine: Engine, s: Session, ids: string[]): WireObject[] {
  return ids.map((id) => memberEntry(engine.world.requirePerson(id, 'member'), '', s));
}

/** Records a refused call, then answers with the same Ret, so the log and the bot see one outcome. */
function refuse(ctx: RequestContext, engine: Engine, action: ActionFields): void {
  engine.actions.record(action, ctx);
  sendRet(ctx, action.ret);
}

/**
 * authJson for these endpoints: a call that fails auth is still recorded (the action log shows refused calls too)
 * with `fields` and answered with its Ret; undefined then means the handler is done.
 */
async function authOrRefuse(
  ctx: RequestContext,
  engine: Engine,
  fields: Omit<ActionFields, 'ret'>,
): Promise<{ session: Session; body: Record<string, unknown> } | undefined> {
  const auth = await authJson(ctx, engine);
  if (auth.ok) return auth;
  refuse(ctx, engine, { ...fields, ret: auth.ret });
  return undefined;
}

const sendOk = (ctx: RequestContext): void => {
  ctx.jsonText(wireJson({ BaseResponse: baseResponse() }));
};

/** updatechatroom's answer when no member entries are due back (topic change, removal, invitation). */
const sendNoMembers = (ctx: RequestContext): void => {
  ctx.jsonText(wireJsonSplitBase(0, '', { MemberCount: 0, MemberList: [] }));
};

export const webwxcreatechatroom: Handler = async (ctx, { engine }) => {
  const auth = await authOrRefuse(ctx, engine, { endpoint: 'webwxcreatechatroom' });
  if (!auth) return;
  const s = auth.session;
  const list = Array.isArray(auth.body['MemberList']) ? (auth.body['MemberList'] as unknown[]) : [];
  const names = list.map((m) => (isRecord(m) ? str(m['UserName']) : ''));
  const members = resolveAll(s, names);
  const topic = str(auth.body['Topic']);
  // The web client needs at least two other people to start a group.
  if (!members || members.length < 2) {
    refuse(ctx, engine, { endpoint: 'webwxcreatechatroom', ret: 1, body: auth.body });
    return;
  }
  const room = engine.createRoom(members, topic);
  engine.actions.record(
    {
      endpoint: 'webwxcreatechatroom',
      ret: 0,
      to: room.id,
      members,
      content: topic,
      body: auth.body,
    },
    ctx,
  );
  engine.emitModContact(room.id);
  engine.system(
    room.id,
    engine.world.self.wxid,
    systemText.selfInvited(
      members.map((m) => engine.world.displayName(m)),
      engine.world.lang,
    ),
  );
  ctx.jsonText(
    wireJson({
      BaseResponse: baseResponse(0, 'Everything is OK'),
      Topic: topic,
      PYInitial: '',
      QuanPin: '',
      MemberCount: members.length + 1,
      MemberList: memberList(engine, s, [engine.world.self.wxid, ...members]),
      ChatRoomName: s.userNameOf(room.id),
      BlackList: '',
    }),
  );
};

export const webwxupdatechatroom: Handler = async (ctx, { engine }) => {
  const fun = ctx.q('fun') ?? '';
  const auth = await authOrRefuse(ctx, engine, { endpoint: 'webwxupdatechatroom', op: fun });
  if (!auth) return;
  const s = auth.session;
  const world = engine.world;
  const self = world.self.wxid;
  const roomName = str(auth.body['ChatRoomName']);
  const roomId = s.resolve(roomName);
  const room = roomId ? world.room(roomId) : undefined;
  const fail = (ret: number): void => {
    refuse(ctx, engine, { endpoint: 'webwxupdatechatroom', op: fun, ret, toUserName: roomName, body: auth.body });
  };
  if (!room || !room.members.has(self)) {
    fail(1);
    return;
  }
  const accepted = (fields: Pick<ActionFields, 'content' | 'members'>): void => {
    engine.actions.record(
      {
        endpoint: 'webwxupdatechatroom',
        op: fun,
        ret: 0,
        to: room.id,
        toUserName: roomName,
        ...fields,
        body: auth.body,
      },
      ctx,
    );
  };
  const listField = { addmember: 'AddMemberList', delmember: 'DelMemberList', invitemember: 'InviteMemberList' }[fun];
  if (fun === 'modtopic') {
    const topic = str(auth.body['NewTopic']);
    if (topic === '') {
      fail(1);
      return;
    }
    accepted({ content: topic });
    engine.roomRename(room.id, topic, self);
    sendNoMembers(ctx);
    return;
  }
  if (listField === undefined) {
    fail(1);
    return;
  }
  const members = resolveAll(s, str(auth.body[listField]).split(',').filter(Boolean));
  if (!members || members.length === 0) {
    fail(1);
    return;
  }
  if (fun === 'delmember') {
    // Only the owner may remove people; members not in the room cannot be removed.
    if (room.owner !== self || members.some((m) => !room.members.has(m) || m === self)) {
      fail(1);
      return;
    }
    accepted({ members });
    for (const m of members) engine.roomKick(room.id, m, self);
    sendNoMembers(ctx);
    return;
  }
  if (fun === 'addmember' && room.members.size >= engine.opts.inviteStartCount) {
    // Large rooms only take invitations. Public clients report Ret 1 with an empty member list for this
    // (wxBot falls back to invitemember on Ret 1); the seeds only publish the threshold (InviteStartCount).
    engine.actions.record(
      { endpoint: 'webwxupdatechatroom', op: fun, ret: 1, to: room.id, toUserName: roomName, members, body: auth.body },
      ctx,
    );
    ctx.jsonText(wireJsonSplitBase(1, '', { MemberCount: 0, MemberList: [] }));
    return;
  }
  const fresh = members.filter((m) => !room.members.has(m));
  accepted({ members });
  if (fun === 'invitemember') {
    // Invitations only: people join when they accept (sim.roomJoin with inviter = self).
    const pending = engine.roomInvites.get(room.id) ?? new Set<string>();
    for (const m of fresh) pending.add(m);
    engine.roomInvites.set(room.id, pending);
    sendNoMembers(ctx);
    return;
  }
  if (fresh.length > 0) engine.roomJoin(room.id, fresh, self, 'invite');
  ctx.jsonText(wireJsonSplitBase(0, '', { MemberCount: fresh.length, MemberList: memberList(engine, s, fresh) }));
};

export const webwxverifyuser: Handler = async (ctx, { engine }) => {
  const auth = await authOrRefuse(ctx, engine, { endpoint: 'webwxverifyuser' });
  if (!auth) return;
  const s = auth.session;
  const opcode = Number(auth.body['Opcode']);
  const list = Array.isArray(auth.body['VerifyUserList']) ? (auth.body['VerifyUserList'] as unknown[]) : [];
  const entries = list.filter(isRecord).map((e) => ({ userName: str(e['Value']), ticket: str(e['VerifyUserTicket']) }));
  const fail = (ret: number): void => {
    refuse(ctx, engine, { endpoint: 'webwxverifyuser', op: String(opcode), ret, body: auth.body });
  };
  if (entries.length === 0 || (opcode !== 2 && opcode !== 3)) {
    fail(1);
    return;
  }
  const ids: string[] = [];
  for (const e of entries) {
    const id = s.resolve(e.userName);
    if (id === undefined || id.endsWith('@chatroom')) {
      fail(1);
      return;
    }
    if (opcode === 3 && engine.friendRequests.get(id)?.ticket !== e.ticket) {
      fail(1);
      return;
    }
    ids.push(id);
  }
  engine.actions.record(
    {
      endpoint: 'webwxverifyuser',
      op: String(opcode),
      ret: 0,
      members: ids,
      ...(ids.length === 1 ? { to: ids[0]!, toUserName: entries[0]!.userName } : {}),
      content: str(auth.body['VerifyContent']),
      body: auth.body,
    },
    ctx,
  );
  for (const id of ids) {
    if (opcode === 3) engine.makeFriend(id);
    else engine.outgoingRequests.set(id, str(auth.body['VerifyContent']));
  }
  sendOk(ctx);
};

export const webwxoplog: Handler = async (ctx, { engine }) => {
  const auth = await authOrRefuse(ctx, engine, { endpoint: 'webwxoplog' });
  if (!auth) return;
  const s = auth.session;
  const cmd = Number(auth.body['CmdId']);
  const userName = str(auth.body['UserName']);
  const id = s.resolve(userName);
  const room = id ? engine.world.room(id) : undefined;
  const person = id ? engine.world.person(id) : undefined;
  const ok = id !== undefined && (cmd === 2 || cmd === 3);
  const remark = str(auth.body['RemarkName']);
  engine.actions.record(
    {
      endpoint: 'webwxoplog',
      op: String(cmd),
      ret: ok ? 0 : 1,
      toUserName: userName,
      ...(id ? { to: id } : {}),
      ...(cmd === 2 ? { content: remark } : { content: str(auth.body['OP']) }),
      body: auth.body,
    },
    ctx,
  );
  if (!ok || !id) {
    sendRet(ctx, 1);
    return;
  }
  if (cmd === 2) {
    if (room) room.remarkName = remark;
    else if (person) person.remarkName = remark;
  } else {
    const pin = Number(auth.body['OP']) === 1;
    if (room) room.pinned = pin;
    else if (person) person.pinned = pin;
  }
  engine.emitModContact(id);
  sendOk(ctx);
};

export const webwxrevokemsg: Handler = async (ctx, { engine }) => {
  const auth = await authOrRefuse(ctx, engine, { endpoint: 'webwxrevokemsg' });
  if (!auth) return;
  const s = auth.session;
  const svrId = str(auth.body['SvrMsgId']);
  const toUserName = str(auth.body['ToUserName']);
  const to = s.resolve(toUserName);
  const stored = engine.messages.get(svrId);
  const record = (ret: number): void => {
    engine.actions.record(
      {
        endpoint: 'webwxrevokemsg',
        ret,
        toUserName,
        ...(to ? { to } : {}),
        msgId: svrId,
        body: auth.body,
      },
      ctx,
    );
  };
  if (!stored || !stored.selfSent || to === undefined || stored.to !== to) {
    record(1);
    sendRet(ctx, 1);
    return;
  }
  if (Date.now() / 1000 - stored.createTime > engine.opts.revokeWindowMs / 1000) {
    record(-1);
    ctx.jsonText(
      wireJson({ BaseResponse: baseResponse(-1), Introduction: '', SysWording: '发送时间超过2分钟的消息，不能被撤回' }),
    );
    return;
  }
  record(0);
  engine.messages.delete(svrId);
  const replace = systemText.recalled(null, engine.world.lang);
  const xml =
    `<sysmsg type="revokemsg">\n\t<revokemsg>\n\t\t<session>${to}</session>\n\t\t<oldmsgid>${Math.floor(stored.createTime)}</oldmsgid>\n` +
    `\t\t<msgid>${svrId}</msgid>\n\t\t<replacemsg><![CDATA[${replace}]]></replacemsg>\n\t</revokemsg>\n</sysmsg>\n`;
  if (engine.opts.echoSelfMessages)
    engine.emit({ from: engine.world.self.wxid, to, msgType: 10002, content: encodeXmlContent(xml), status: 4 });
  ctx.jsonText(wireJson({ BaseResponse: baseResponse(), Introduction: '', SysWording: '' }));
};
