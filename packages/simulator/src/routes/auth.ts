/**
 * How post-login requests are checked, mirroring the real server's answers:
 *   no live session for Uin/Sid (never logged in, logged out, replaced) -> 1101
 *   the session ended from the phone -> 1100; ended by cookie expiry -> 1102
 *   Skey mismatch -> 1100
 *   pass_ticket present but wrong -> -14
 *   wxuin/wxsid cookies missing or not this session's -> 1102
 */

import type { Engine } from '../engine.js';
import { isRecord, str, type RequestContext } from '../http.js';
import type { Session } from '../session.js';
import { baseResponse, wireJson } from '../wire/json.js';

export type AuthResult = { ok: true; session: Session; body: Record<string, unknown> } | { ok: false; ret: number };

export function passTicketMatches(s: Session, given: string | undefined): boolean {
  if (given === undefined) return true;
  // Clients send it either as the XML carries it (already URL-encoded, then encoded again) or decoded once.
  return given === s.passTicket || given === safeDecode(s.passTicket);
}

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

export function cookiesMatch(ctx: RequestContext, s: Session): boolean {
  return ctx.cookies['wxuin'] === String(s.uin) && ctx.cookies['wxsid'] === s.sid;
}

/** Which session (live or ended) these credentials name. */
export function sessionFor(engine: Engine, uin: string, sid: string): Session | undefined {
  const s = engine.session;
  if (!s || String(s.uin) !== uin || s.sid !== sid) return undefined;
  return s;
}

export function checkCredentials(
  ctx: RequestContext,
  engine: Engine,
  cred: { uin: string; sid: string; skey: string | undefined },
): { ok: true; session: Session } | { ok: false; ret: number } {
  const s = sessionFor(engine, cred.uin, cred.sid);
  if (!s) return { ok: false, ret: 1101 };
  if (s.ended) return { ok: false, ret: s.ended.code };
  if (cred.skey !== undefined && cred.skey !== s.skey) return { ok: false, ret: 1100 };
  if (!passTicketMatches(s, ctx.q('pass_ticket'))) return { ok: false, ret: -14 };
  if (!cookiesMatch(ctx, s)) return { ok: false, ret: 1102 };
  return { ok: true, session: s };
}

/** Parses the JSON body and checks its BaseRequest. */
export async function authJson(ctx: RequestContext, engine: Engine): Promise<AuthResult> {
  const body = await ctx.json();
  if (!isRecord(body) || !isRecord(body['BaseRequest'])) return { ok: false, ret: 1 };
  const br = body['BaseRequest'];
  const res = checkCredentials(ctx, engine, {
    uin: str(br['Uin']),
    sid: str(br['Sid']),
    skey: str(br['Skey']) || ctx.q('skey') || '',
  });
  if (!res.ok) return res;
  const deviceId = str(br['DeviceID']);
  if (deviceId) res.session.deviceId = deviceId;
  return { ok: true, session: res.session, body };
}

export function sendRet(ctx: RequestContext, ret: number, extra: Record<string, never> = {}): void {
  ctx.jsonText(wireJson({ BaseResponse: baseResponse(ret), ...extra }));
}
