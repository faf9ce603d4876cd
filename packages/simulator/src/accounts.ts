/**
 * Many accounts behind one set of ports, as the real servers host them: each
 * account is an Engine (its world, phone, sessions, action log, faults); they
 * share the login attempts and the listeners. A request is routed the way the
 * real servers can tell accounts apart:
 *   - jslogin, the QR code and the login poll of an unclaimed uuid: no account yet
 *     (the first account answers; a uuid belongs to the phone that scans it);
 *   - the login poll and webwxnewloginpage: by the uuid / ticket's account;
 *   - webwxpushloginurl: by its `uin`;
 *   - everything after login: by Uin (query `uin`, BaseRequest.Uin, the `uin` form
 *     field, the `wxuin` cookie, in that order), else by Sid; the account then
 *     checks every credential itself, so a Sid, Skey or cookie of another
 *     account is refused exactly as a wrong one is (1101 / 1100 / 1102).
 */

import { Engine } from './engine.js';
import type { EngineOptions, LoginAttempt, SharedState } from './engine-types.js';
import type { FaultRule } from './faults.js';
import { isRecord, str, type RequestContext } from './http.js';
import { Rng } from './ids.js';
import { parseJsonBody } from './wire/json.js';
import type { WorldSpec } from './world/types.js';
import { validateWorldSpec, WorldSpecError } from './world/validate.js';

/** One account of a multi-account simulator. */
export interface AccountSpec {
  /** Addresses it in the control API (`/__sim/accounts/<id>/...`) and `sim.account(id)`: letters, digits, `.`, `_`, `-`. */
  id: string;
  world: WorldSpec;
  /** Its own fault rules (default: the simulator's `faults`). */
  faults?: FaultRule[];
}

const ID = /^[\w.-]{1,64}$/;

export class AccountRegistry {
  readonly engines: Engine[] = [];
  readonly shared: SharedState = {
    logins: new Map(),
    tickets: new Map(),
    urls: { main: '', login: '', push: '', file: '' },
  };
  private readonly byId = new Map<string, Engine>();
  private byUin = new Map<string, Engine>();
  private readonly seeds: Rng;

  constructor(
    private readonly opts: EngineOptions,
    seed: number,
    private readonly faults: FaultRule[],
  ) {
    this.seeds = new Rng(seed);
  }

  /** The first account: answers what names no account, and the single-account API. */
  get front(): Engine {
    const e = this.engines[0];
    if (!e) throw new Error('the simulator has no account');
    return e;
  }

  get multi(): boolean {
    return this.engines.length > 1;
  }

  /**
   * Adds an account. Alone it keeps the simulator's seed (single-account runs draw the same ids as ever);
   * each further one draws its seed from the simulator's.
   */
  add(spec: AccountSpec, seed?: number): Engine {
    if (typeof spec.id !== 'string' || !ID.test(spec.id))
      throw new Error(`accounts: id ${JSON.stringify(spec.id)}: use 1-64 letters, digits, ".", "_" or "-"`);
    if (this.byId.has(spec.id)) throw new Error(`accounts: id "${spec.id}" is used twice`);
    try {
      validateWorldSpec(spec.world);
    } catch (err) {
      if (err instanceof WorldSpecError)
        throw new WorldSpecError(err.problems.map((p) => `accounts.${spec.id}.world.${p}`));
      throw err;
    }
    const uin = String(spec.world.self.uin);
    const taken = this.engines.find((e) => String(e.world.self.uin) === uin);
    if (taken) throw new Error(`accounts.${spec.id}.world.self.uin: ${uin} is also account "${taken.id}"'s uin`);
    const engine = new Engine(
      this.opts,
      spec.world,
      seed ?? (this.seeds.next() * 0x100000000) >>> 0,
      spec.faults ?? this.faults,
      spec.id,
      this.shared,
    );
    engine.autoConfirmer = (a) => this.confirmer(a);
    this.engines.push(engine);
    this.byId.set(spec.id, engine);
    this.byUin.set(uin, engine);
    return engine;
  }

  get(id: string): Engine | undefined {
    return this.byId.get(id);
  }

  /**
   * Whose phone confirms a login by itself (autoConfirm): the account that claimed it, else the first
   * account with no live session and no login of its own under way. Alone: the account.
   */
  private confirmer(a: LoginAttempt): Engine | undefined {
    if (a.account !== undefined) return this.byId.get(a.account);
    if (!this.multi) return this.front;
    const busy = new Set<string>();
    for (const other of this.shared.logins.values())
      if (other.account !== undefined && (other.state === 'scanned' || other.state === 'confirmed'))
        busy.add(other.account);
    return this.engines.find((e) => !e.live() && !busy.has(e.id));
  }

  private engineOfUin(uin: string): Engine | undefined {
    const found = this.byUin.get(uin);
    if (found && String(found.world.self.uin) === uin) return found;
    // A world was replaced (PUT /world) and its uin with it: index again.
    this.byUin = new Map(this.engines.map((e) => [String(e.world.self.uin), e]));
    return this.byUin.get(uin);
  }

  private engineOfSid(sid: string): Engine | undefined {
    return this.engines.find((e) => e.session?.sid === sid);
  }

  /** The account a request is for (see the top of this file). */
  async route(ctx: RequestContext, endpoint: string): Promise<Engine> {
    if (!this.multi) return this.front;
    const owner = (a: LoginAttempt | undefined): Engine =>
      (a?.account === undefined ? undefined : this.byId.get(a.account)) ?? this.front;
    switch (endpoint) {
      case 'jslogin':
      case 'qrcode':
      case 'l':
        return this.front;
      case 'login':
        return owner(this.shared.logins.get(ctx.q('uuid') ?? ''));
      case 'webwxnewloginpage':
        return owner(this.shared.tickets.get(ctx.q('ticket') ?? ''));
      default:
        break;
    }
    const cred = await credentials(ctx);
    const byUin = cred.uin === '' ? undefined : this.engineOfUin(cred.uin);
    return byUin ?? (cred.sid === '' ? undefined : this.engineOfSid(cred.sid)) ?? this.front;
  }
}

/** Uin and Sid as the request carries them, whichever way (see the top of this file). */
async function credentials(ctx: RequestContext): Promise<{ uin: string; sid: string }> {
  let uin = ctx.q('uin') ?? '';
  let sid = ctx.q('sid') ?? '';
  const type = (ctx.header('content-type') ?? '').toLowerCase();
  // Multipart bodies (uploads) are streamed by their route; they carry the cookies.
  if (ctx.method === 'POST' && !type.startsWith('multipart/')) {
    const text = (await ctx.body()).toString('utf8');
    if (type.startsWith('application/x-www-form-urlencoded')) {
      const form = new URLSearchParams(text);
      uin ||= form.get('uin') ?? '';
      sid ||= form.get('sid') ?? '';
    } else {
      let body: unknown;
      try {
        body = parseJsonBody(text);
      } catch {
        body = undefined;
      }
      const br = isRecord(body) ? body['BaseRequest'] : undefined;
      if (isRecord(br)) {
        uin ||= str(br['Uin']);
        sid ||= str(br['Sid']);
      }
    }
  }
  uin ||= ctx.cookies['wxuin'] ?? '';
  sid ||= ctx.cookies['wxsid'] ?? '';
  return { uin, sid };
}
