/** Checks a world spec and says what is wrong and where (`rooms[2].members[5]: ...`). */

import type { WorldSpec } from './types.js';

export class WorldSpecError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid world spec:\n  ${problems.join('\n  ')}`);
    this.name = 'WorldSpecError';
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function validateWorldSpec(input: unknown): asserts input is WorldSpec {
  const problems: string[] = [];
  if (!isRecord(input)) throw new WorldSpecError(['(root): expected an object with at least "self"']);
  const self = input['self'];
  if (!isRecord(self)) problems.push('self: expected an object { wxid, uin, nickName }');
  else {
    if (typeof self['wxid'] !== 'string' || self['wxid'] === '')
      problems.push('self.wxid: expected a non-empty string');
    if (typeof self['uin'] !== 'number' || !Number.isInteger(self['uin']) || self['uin'] <= 0)
      problems.push('self.uin: expected a positive integer');
    if (typeof self['nickName'] !== 'string') problems.push('self.nickName: expected a string');
  }
  const ids = new Set<string>();
  if (isRecord(self) && typeof self['wxid'] === 'string') ids.add(self['wxid']);
  for (const key of ['friends', 'officialAccounts', 'strangers'] as const) {
    const list = input[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      problems.push(`${key}: expected an array`);
      continue;
    }
    list.forEach((p: unknown, i) => {
      const at = `${key}[${i}]`;
      if (!isRecord(p)) return problems.push(`${at}: expected an object { wxid, nickName }`);
      if (typeof p['wxid'] !== 'string' || p['wxid'] === '') problems.push(`${at}.wxid: expected a non-empty string`);
      else if (p['wxid'].endsWith('@chatroom')) problems.push(`${at}.wxid: "${p['wxid']}" is a room id, not a person`);
      else if (ids.has(p['wxid'])) problems.push(`${at}.wxid: duplicate id "${p['wxid']}"`);
      else ids.add(p['wxid']);
      if (typeof p['nickName'] !== 'string') problems.push(`${at}.nickName: expected a string`);
      if (p['verifyFlag'] !== undefined && typeof p['verifyFlag'] !== 'number')
        problems.push(`${at}.verifyFlag: expected a number`);
      return undefined;
    });
  }
  const rooms = input['rooms'];
  if (rooms !== undefined) {
    if (!Array.isArray(rooms)) problems.push('rooms: expected an array');
    else
      rooms.forEach((r: unknown, i) => {
        const at = `rooms[${i}]`;
        if (!isRecord(r)) return problems.push(`${at}: expected an object { id, topic, members }`);
        if (typeof r['id'] !== 'string' || !r['id'].endsWith('@chatroom'))
          problems.push(`${at}.id: expected "<digits>@chatroom", got ${JSON.stringify(r['id'])}`);
        else if (ids.has(r['id'])) problems.push(`${at}.id: duplicate id "${r['id']}"`);
        else ids.add(r['id']);
        if (typeof r['topic'] !== 'string') problems.push(`${at}.topic: expected a string`);
        if (!Array.isArray(r['members'])) problems.push(`${at}.members: expected an array of wxids`);
        else
          r['members'].forEach((m: unknown, j) => {
            const ok = typeof m === 'string' || (isRecord(m) && typeof m['wxid'] === 'string');
            if (!ok) problems.push(`${at}.members[${j}]: expected a wxid string or { wxid, displayName? }`);
          });
        return undefined;
      });
  }
  const recent = input['recentChats'];
  if (recent !== undefined && (!Array.isArray(recent) || recent.some((x) => typeof x !== 'string')))
    problems.push('recentChats: expected an array of stable ids');
  if (input['lang'] !== undefined && input['lang'] !== 'zh' && input['lang'] !== 'en')
    problems.push(`lang: expected "zh" or "en", got ${JSON.stringify(input['lang'])}`);
  if (problems.length > 0) throw new WorldSpecError(problems);
}
