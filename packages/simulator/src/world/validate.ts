/** Checks a world spec and says what is wrong and where (`rooms[2].members[5]: ...`). */

import type { WorldSpec } from './types.js';

export class WorldSpecError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid world spec:\n  ${problems.join('\n  ')}`);
    this.name = 'WorldSpecError';
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type Kind = 'string' | 'number' | 'boolean';
const OPTIONAL_PERSON_FIELDS: Record<string, Kind> = {
  alias: 'string',
  remarkName: 'string',
  signature: 'string',
  province: 'string',
  city: 'string',
  verifyFlag: 'number',
  starred: 'boolean',
  pinned: 'boolean',
};
const OPTIONAL_ROOM_FIELDS: Record<string, Kind> = {
  owner: 'string',
  saved: 'boolean',
  remarkName: 'string',
  pinned: 'boolean',
};

function optionalFields(o: Record<string, unknown>, fields: Record<string, Kind>, at: string): string[] {
  const problems: string[] = [];
  for (const [key, kind] of Object.entries(fields))
    if (o[key] !== undefined && typeof o[key] !== kind) problems.push(`${at}.${key}: expected a ${kind}`);
  return problems;
}

/**
 * What is wrong with one person spec (`{ wxid, nickName, ... }`); every field a
 * person is served with is checked, so nothing bad is stored to fail later.
 */
export function personProblems(p: unknown, at: string): string[] {
  if (!isRecord(p)) return [`${at}: expected an object { wxid, nickName }`];
  const problems: string[] = [];
  if (typeof p['wxid'] !== 'string' || p['wxid'] === '') problems.push(`${at}.wxid: expected a non-empty string`);
  else if (p['wxid'].endsWith('@chatroom')) problems.push(`${at}.wxid: "${p['wxid']}" is a room id, not a person`);
  if (typeof p['nickName'] !== 'string') problems.push(`${at}.nickName: expected a string`);
  if (p['sex'] !== undefined && p['sex'] !== 0 && p['sex'] !== 1 && p['sex'] !== 2)
    problems.push(`${at}.sex: expected 0, 1 or 2`);
  problems.push(...optionalFields(p, OPTIONAL_PERSON_FIELDS, at));
  return problems;
}

/** What is wrong with one room spec (`{ id, topic, members, ... }`). */
export function roomProblems(r: unknown, at: string): string[] {
  if (!isRecord(r)) return [`${at}: expected an object { id, topic, members }`];
  const problems: string[] = [];
  if (typeof r['id'] !== 'string' || !r['id'].endsWith('@chatroom'))
    problems.push(`${at}.id: expected "<digits>@chatroom", got ${JSON.stringify(r['id'])}`);
  if (typeof r['topic'] !== 'string') problems.push(`${at}.topic: expected a string`);
  if (!Array.isArray(r['members'])) problems.push(`${at}.members: expected an array of wxids`);
  else
    r['members'].forEach((m: unknown, j) => {
      const ok =
        (typeof m === 'string' && m !== '') ||
        (isRecord(m) &&
          typeof m['wxid'] === 'string' &&
          m['wxid'] !== '' &&
          (m['displayName'] === undefined || typeof m['displayName'] === 'string'));
      if (!ok) problems.push(`${at}.members[${j}]: expected a wxid string or { wxid, displayName? }`);
    });
  problems.push(...optionalFields(r, OPTIONAL_ROOM_FIELDS, at));
  return problems;
}

function stringList(v: unknown): boolean {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
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
    problems.push(
      ...optionalFields(self, { alias: 'string', signature: 'string', webLoginForbidden: 'boolean' }, 'self'),
    );
    if (self['sex'] !== undefined && self['sex'] !== 0 && self['sex'] !== 1 && self['sex'] !== 2)
      problems.push('self.sex: expected 0, 1 or 2');
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
      problems.push(...personProblems(p, at));
      if (!isRecord(p) || typeof p['wxid'] !== 'string') return;
      if (ids.has(p['wxid'])) problems.push(`${at}.wxid: duplicate id "${p['wxid']}"`);
      else ids.add(p['wxid']);
    });
  }
  const rooms = input['rooms'];
  if (rooms !== undefined) {
    if (!Array.isArray(rooms)) problems.push('rooms: expected an array');
    else
      rooms.forEach((r: unknown, i) => {
        const at = `rooms[${i}]`;
        problems.push(...roomProblems(r, at));
        if (!isRecord(r) || typeof r['id'] !== 'string') return;
        if (ids.has(r['id'])) problems.push(`${at}.id: duplicate id "${r['id']}"`);
        else ids.add(r['id']);
      });
  }
  if (input['specialAccounts'] !== undefined && !stringList(input['specialAccounts']))
    problems.push('specialAccounts: expected an array of ids');
  if (input['recentChats'] !== undefined && !stringList(input['recentChats']))
    problems.push('recentChats: expected an array of stable ids');
  if (input['lang'] !== undefined && input['lang'] !== 'zh' && input['lang'] !== 'en')
    problems.push(`lang: expected "zh" or "en", got ${JSON.stringify(input['lang'])}`);
  if (problems.length > 0) throw new WorldSpecError(problems);
}
