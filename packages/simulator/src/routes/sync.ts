/** synccheck (the long poll) and webwxsync (the pull). */

import type { Engine } from '../engine.js';
import type { RequestContext } from '../http.js';
import { key2FromBody, key2FromParam, type Session, type SyncEvent } from '../session.js';
import { synccheckBody } from '../wire/js.js';
import { baseResponse, wireJson, type WireObject } from '../wire/json.js';
import { authJson, cookiesMatch, sendRet, sessionFor } from './auth.js';
import type { Handler } from './types.js';

function selectorFor(events: SyncEvent[]): string {
  if (events.length === 0) return '0';
  return events.some((e) => e.kind === 'msg') ? '2' : '4';
}

function check(ctx: RequestContext, engine: Engine): { retcode: number; session?: Session } {
  const s = sessionFor(engine, ctx.q('uin') ?? '', ctx.q('sid') ?? '');
  if (!s) return { retcode: 1101 };
  if (s.ended) return { retcode: s.ended.code };
  if (ctx.q('skey') !== s.skey) return { retcode: 1101 };
  if (!cookiesMatch(ctx, s)) return { retcode: 1102 };
  return { retcode: 0, session: s };
}

export const synccheck: Handler = async (ctx, env) => {
  const { engine } = env;
  const first = check(ctx, engine);
  if (!first.session) {
    ctx.js(synccheckBody(first.retcode, 0));
    return;
  }
  const s = first.session;
  const position = s.positionOf(key2FromParam(ctx.q('synckey'))) ?? 0;
  const answer = (): string | undefined => {
    if (s.ended) return synccheckBody(s.ended.code, 0);
    if (env.stuck || engine.faults.stuck()) return synccheckBody(0, 2);
    const sel = selectorFor(s.pendingAfter(position));
    return sel === '0' ? undefined : synccheckBody(0, sel);
  };
  const now = answer();
  if (now !== undefined) {
    ctx.js(now);
    return;
  }
  await s.waitForEvent(engine.opts.synccheckHoldMs, ctx.abortSignal);
  if (ctx.aborted || engine.closing) return;
  ctx.js(answer() ?? synccheckBody(0, 0));
};

export const webwxsync: Handler = async (ctx, env) => {
  const { engine } = env;
  const auth = await authJson(ctx, engine);
  if (!auth.ok) {
    sendRet(ctx, auth.ret);
    return;
  }
  const s = auth.session;
  const position = s.positionOf(key2FromBody(auth.body['SyncKey'])) ?? 0;
  const stuck = env.stuck || engine.faults.stuck();
  const pending = stuck ? [] : s.pendingAfter(position);
  const batch = pending.slice(0, engine.opts.syncBatchSize);
  const upTo = batch.length ? batch[batch.length - 1]!.seq : position;
  const add: WireObject[] = [];
  const mod: WireObject[] = [];
  const del: WireObject[] = [];
  const modMember: WireObject[] = [];
  for (const e of batch) {
    if (e.kind === 'msg') add.push(e.entry);
    else if (e.kind === 'mod') mod.push(e.entry);
    else if (e.kind === 'modmember') modMember.push(e.entry);
    else del.push({ UserName: e.userName, ContactFlag: 0 });
  }
  s.acknowledge(position);
  const body: WireObject = {
    BaseResponse: baseResponse(),
    AddMsgCount: add.length,
    AddMsgList: add,
    ModContactCount: mod.length,
    ModContactList: mod,
    DelContactCount: del.length,
    DelContactList: del,
    ModChatRoomMemberCount: modMember.length,
    ModChatRoomMemberList: modMember,
    Profile: {
      BitFlag: 0,
      UserName: { Buff: '' },
      NickName: { Buff: '' },
      BindUin: 0,
      BindEmail: { Buff: '' },
      BindMobile: { Buff: '' },
      Status: 0,
      Sex: 0,
      PersonalCard: 0,
      Alias: '',
      HeadImgUpdateFlag: 0,
      HeadImgUrl: '',
      Signature: '',
    },
    ContinueFlag: pending.length > batch.length ? 1 : 0,
    SyncKey: s.syncKey(upTo),
    SKey: '',
    SyncCheckKey: s.syncCheckKey(upTo),
  };
  ctx.jsonText(wireJson(body));
};
