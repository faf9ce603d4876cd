/**
 * The HTTP control API under /__sim/ (JSON in, JSON out), mirroring the
 * TypeScript API. Bad input answers 400 with `{ "error": "<where>: <what>" }`;
 * requests a web page could forge answer 403 or 415 (see guard.ts).
 */

import type { BotAction } from '../actions.js';
import { validateFaultRule } from '../faults.js';
import { isRecord, type RequestContext } from '../http.js';
import type { SendSpec } from '../incoming.js';
import type { Simulator } from '../simulator.js';
import { generateWorld } from '../world/generate.js';
import { refuseControlRequest } from './guard.js';
import type { PersonSpec, RoomSpec } from '../world/types.js';
import { personProblems, roomProblems, validateWorldSpec } from '../world/validate.js';

class BadInput extends Error {}

type Body = Record<string, unknown>;

function need(body: Body, key: string, where: string): string {
  const v = body[key];
  if (typeof v !== 'string' || v === '') throw new BadInput(`${where}.${key}: expected a non-empty string`);
  return v;
}

function opt(body: Body, key: string, where: string): string | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new BadInput(`${where}.${key}: expected a string`);
  return v;
}

/** Throws the first problems of a person or room spec as a 400. */
function check(problems: string[]): void {
  if (problems.length > 0) throw new BadInput(problems.join('; '));
}

/** Bounds for a generated world over HTTP: generating is synchronous, so size is the server's time. */
const MAX_GENERATED_PEOPLE = 100_000;
const MAX_GENERATED_MEMBERS = 1_000_000;

function generateProblems(b: Body): string[] {
  const problems: string[] = [];
  const count = (key: string, v: unknown, max: number): number => {
    if (v === undefined) return 0;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
      problems.push(`world/generate.${key}: expected a whole number from 0 to ${max}`);
      return 0;
    }
    return v;
  };
  count('friends', b['friends'], MAX_GENERATED_PEOPLE);
  count('officialAccounts', b['officialAccounts'], MAX_GENERATED_PEOPLE);
  count('seed', b['seed'], Number.MAX_SAFE_INTEGER);
  const rooms = b['rooms'];
  if (rooms !== undefined) {
    if (!Array.isArray(rooms)) problems.push('world/generate.rooms: expected an array');
    else {
      let members = 0;
      rooms.forEach((r: unknown, i) => {
        members += count(`rooms[${i}]`, isRecord(r) ? r['members'] : r, MAX_GENERATED_MEMBERS);
        if (isRecord(r)) count(`rooms[${i}].strangers`, r['strangers'], MAX_GENERATED_MEMBERS);
      });
      if (members > MAX_GENERATED_MEMBERS)
        problems.push(`world/generate.rooms: at most ${MAX_GENERATED_MEMBERS} members in all`);
    }
  }
  if (b['self'] !== undefined && !isRecord(b['self'])) problems.push('world/generate.self: expected an object');
  return problems;
}

function matches(a: BotAction, q: Body): boolean {
  for (const key of ['endpoint', 'to', 'toUserName', 'op', 'msgType', 'ret', 'uuid', 'mediaId', 'chunk'] as const)
    if (q[key] !== undefined && a[key] !== q[key]) return false;
  if (typeof q['contentIncludes'] === 'string' && !(a.content ?? '').includes(q['contentIncludes'])) return false;
  return true;
}

type ControlRoute = (sim: Simulator, body: Body, ctx: RequestContext) => unknown;

/** `reason` of POST /ban: which 1203 text the login page answers with. */
function banReason(v: unknown): { reason?: 'blocked' | 'environment' | 'real-name' } {
  if (v === undefined) return {};
  if (v === 'blocked' || v === 'environment' || v === 'real-name') return { reason: v };
  throw new BadInput(`ban.reason: expected "blocked", "environment" or "real-name", got ${JSON.stringify(v)}`);
}

const routes: Record<string, ControlRoute> = {
  'GET /': (sim) => ({
    url: sim.url,
    loginUrl: sim.loginUrl,
    pushUrl: sim.pushUrl,
    fileUrl: sim.fileUrl,
    controlUrl: sim.controlUrl,
    endpoints: Object.keys(routes),
  }),
  'GET /login': (sim) => ({ pending: sim.pendingLogins() }),
  'POST /login/scan': (sim, b) => ({ uuid: sim.scan(opt(b, 'uuid', 'login/scan')) }),
  'POST /login/confirm': (sim, b) => {
    const uuid = opt(b, 'uuid', 'login/confirm');
    sim.scan(uuid);
    return { uuid: sim.confirm(uuid) };
  },
  'POST /login/cancel': (sim, b) => ({ uuid: sim.cancelLogin(opt(b, 'uuid', 'login/cancel')) }),
  'GET /session': (sim) => sim.session ?? null,
  'GET /username': (sim, _b, ctx) => {
    const id = ctx.q('id');
    if (!id) throw new BadInput('username?id=: expected a stable id');
    return { id, userName: sim.userNameOf(id) };
  },
  'POST /say': (sim, b) =>
    sim.say({
      from: need(b, 'from', 'say'),
      text: typeof b['text'] === 'string' ? b['text'] : '',
      ...(opt(b, 'room', 'say') !== undefined ? { room: b['room'] as string } : {}),
      ...(opt(b, 'to', 'say') !== undefined ? { to: b['to'] as string } : {}),
    }),
  'POST /send': (sim, b) => {
    need(b, 'from', 'send');
    need(b, 'kind', 'send');
    const spec = { ...b } as unknown as SendSpec & { data?: unknown };
    if (typeof b['data'] === 'string') spec.data = Buffer.from(b['data'], 'base64');
    else if (b['data'] !== undefined) throw new BadInput('send.data: expected base64 text');
    return sim.send(spec);
  },
  'POST /friend-request': (sim, b) => {
    const from = b['from'];
    if (typeof from !== 'string' || from === '') check(personProblems(from, 'friend-request.from'));
    return sim.friendRequest({
      from: from as string | PersonSpec,
      ...(typeof b['text'] === 'string' ? { text: b['text'] } : {}),
    });
  },
  'POST /accept-bot-request': (sim, b) => {
    sim.acceptBotRequest(need(b, 'wxid', 'accept-bot-request'));
    return { ok: true };
  },
  'POST /room/join': (sim, b) => {
    const members = b['members'];
    if (!(typeof members === 'string' || (Array.isArray(members) && members.every((m) => typeof m === 'string'))))
      throw new BadInput('room/join.members: expected a wxid or an array of wxids');
    const via = b['via'];
    if (via !== undefined && via !== 'invite' && via !== 'qrcode')
      throw new BadInput('room/join.via: expected "invite" or "qrcode"');
    sim.roomJoin({
      room: need(b, 'room', 'room/join'),
      members: members,
      ...(opt(b, 'inviter', 'room/join') !== undefined ? { inviter: b['inviter'] as string } : {}),
      ...(via !== undefined ? { via } : {}),
    });
    return { ok: true };
  },
  'POST /room/leave': (sim, b) => {
    sim.roomLeave({ room: need(b, 'room', 'room/leave'), member: need(b, 'member', 'room/leave') });
    return { ok: true };
  },
  'POST /room/kick': (sim, b) => {
    const by = opt(b, 'by', 'room/kick');
    sim.roomKick({ room: need(b, 'room', 'room/kick'), member: need(b, 'member', 'room/kick'), ...(by ? { by } : {}) });
    return { ok: true };
  },
  'POST /room/rename': (sim, b) => {
    const by = opt(b, 'by', 'room/rename');
    sim.roomRename({
      room: need(b, 'room', 'room/rename'),
      topic: need(b, 'topic', 'room/rename'),
      ...(by ? { by } : {}),
    });
    return { ok: true };
  },
  'POST /logout': (sim) => {
    sim.logoutFromPhone();
    return { ok: true };
  },
  'POST /expire': (sim, b) => {
    const code = b['code'] ?? 1101;
    if (code !== 1100 && code !== 1101 && code !== 1102) throw new BadInput('expire.code: expected 1100, 1101 or 1102');
    sim.expireSession(code);
    return { ok: true };
  },
  'POST /ban': (sim, b) => {
    sim.ban({
      ...(typeof b['webLogin'] === 'boolean' ? { webLogin: b['webLogin'] } : {}),
      ...(typeof b['endSession'] === 'boolean' ? { endSession: b['endSession'] } : {}),
      ...banReason(b['reason']),
    });
    return { ok: true };
  },
  'GET /world': (sim) => ({
    self: sim.world.self,
    people: [...sim.world.people.values()],
    rooms: [...sim.world.rooms.values()].map((r) => ({ ...r, members: [...r.members.values()] })),
  }),
  'PUT /world': (sim, b) => {
    validateWorldSpec(b);
    sim.loadWorld(b);
    return { ok: true };
  },
  'POST /world/generate': (sim, b) => {
    check(generateProblems(b));
    sim.loadWorld(generateWorld(b));
    return { ok: true, people: sim.world.people.size, rooms: sim.world.rooms.size };
  },
  'POST /world/person': (sim, b) => {
    check(personProblems(b, 'world/person'));
    const wxid = b['wxid'] as string;
    const kind = b['kind'] ?? 'friend';
    if (kind !== 'friend' && kind !== 'stranger' && kind !== 'official')
      throw new BadInput('world/person.kind: expected "friend", "stranger" or "official"');
    if (sim.world.person(wxid)) throw new BadInput(`world/person.wxid: "${wxid}" already exists`);
    const p = sim.world.addStranger(b as unknown as PersonSpec);
    p.kind = kind;
    if (kind === 'official' && p.verifyFlag === 0) p.verifyFlag = 8;
    return { ok: true };
  },
  'POST /world/room': (sim, b) => {
    check(roomProblems(b, 'world/room'));
    const id = b['id'] as string;
    if (sim.world.room(id)) throw new BadInput(`world/room.id: "${id}" already exists`);
    sim.world.addRoomFromSpec(b as unknown as RoomSpec);
    return { ok: true };
  },
  'GET /actions': (sim, _b, ctx) => {
    const since = Number(ctx.q('since') ?? '0') || 0;
    return { actions: sim.actions().filter((a) => a.seq > since) };
  },
  'DELETE /actions': (sim) => {
    sim.clearActions();
    return { ok: true };
  },
  'POST /actions/wait': async (sim, b) => {
    const timeoutMs = typeof b['timeoutMs'] === 'number' ? b['timeoutMs'] : 5000;
    const match = isRecord(b['match']) ? b['match'] : {};
    const since = typeof b['since'] === 'number' ? b['since'] : 0;
    return { action: await sim.waitForAction((a) => matches(a, match), { timeoutMs, sinceSeq: since }) };
  },
  'GET /faults': (sim) => ({ faults: sim.faults() }),
  'POST /faults': (sim, b) => {
    const list = Array.isArray(b['faults']) ? (b['faults'] as unknown[]) : [b];
    list.forEach((r, i) => {
      sim.addFault(validateFaultRule(r, Array.isArray(b['faults']) ? `faults[${i}]` : 'fault'));
    });
    return { ok: true, count: sim.faults().length };
  },
  'DELETE /faults': (sim) => {
    sim.clearFaults();
    return { ok: true };
  },
};

/** `GET /__sim/accounts`: every account, without its secrets. */
function accountList(sim: Simulator): unknown {
  return {
    accounts: sim.accountIds().map((id) => {
      const a = sim.account(id);
      const s = a.session;
      return {
        id,
        uin: a.world.self.uin,
        wxid: a.world.self.wxid,
        nickName: a.world.self.nickName,
        loggedIn: s !== undefined && s.ended === undefined,
      };
    }),
  };
}

/**
 * `/__sim/accounts/<id>/<path>` is `/__sim/<path>` for that account; `/__sim/<path>` stays the first
 * account's (the only one of a single-account simulator).
 */
function addressed(sim: Simulator, sub: string): { sim: Simulator; sub: string } | { error: string } {
  const m = /^\/accounts\/([^/]+)(\/.*)?$/.exec(sub);
  if (!m) return { sim, sub };
  const id = decodeURIComponent(m[1]!);
  if (!sim.accountIds().includes(id))
    return { error: `no account "${id}" (there: ${sim.accountIds().join(', ')}); GET /__sim/accounts lists them` };
  return { sim: sim.account(id), sub: m[2] ?? '/' };
}

routes['GET /accounts'] = (sim) => accountList(sim);
routes['POST /accounts'] = (sim, b) => {
  const id = need(b, 'id', 'accounts');
  if (!isRecord(b['world'])) throw new BadInput('accounts.world: expected a world spec { self, friends, rooms, ... }');
  validateWorldSpec(b['world']);
  sim.addAccount({ id, world: b['world'] });
  return { ok: true, id };
};

export function controlHandler(root: Simulator): (ctx: RequestContext) => Promise<void> {
  return async (ctx) => {
    const target = addressed(root, ctx.path.slice('/__sim'.length) || '/');
    const sim = 'sim' in target ? target.sim : root;
    const sub = 'sim' in target ? target.sub : '';
    const route = 'sim' in target ? routes[`${ctx.method} ${sub}`] : undefined;
    const reply = (status: number, body: unknown): void => {
      ctx.send(status, JSON.stringify(body), 'application/json; charset=utf-8');
    };
    // Before anything else, the 404 included: a foreign page learns nothing about the API.
    const refusal = refuseControlRequest(ctx.req);
    if (refusal) {
      reply(refusal.status, { error: refusal.error });
      return;
    }
    if ('error' in target) {
      reply(404, { error: target.error });
      return;
    }
    if (!route) {
      reply(404, { error: `no control endpoint ${ctx.method} /__sim${sub}; GET /__sim/ lists them` });
      return;
    }
    let body: Body = {};
    if (ctx.method === 'POST' || ctx.method === 'PUT') {
      const raw = (await ctx.body()).toString('utf8').trim();
      if (raw !== '') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw) as unknown;
        } catch (err) {
          reply(400, { error: `body: not valid JSON (${(err as Error).message})` });
          return;
        }
        if (!isRecord(parsed)) {
          reply(400, { error: 'body: expected a JSON object' });
          return;
        }
        body = parsed;
      }
    }
    try {
      reply(200, (await route(sim, body, ctx)) ?? null);
    } catch (err) {
      // World and engine errors already say where ("say.room: unknown room ...").
      reply(400, { error: (err as Error).message });
    }
  };
}
