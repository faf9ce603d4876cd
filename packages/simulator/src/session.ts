/**
 * One web login: the tickets it was issued, its private UserName mapping
 * (fresh at every login, while wxid and Uin stay stable) and its sync stream.
 */

import type { Ids } from './ids.js';
import type { WireObject } from './wire/json.js';
import { isSpecialId, type World } from './world/world.js';

export type EndCode = 1100 | 1101 | 1102;

export type SyncEventBody =
  | { kind: 'msg'; entry: WireObject }
  | { kind: 'mod'; entry: WireObject }
  | { kind: 'del'; userName: string }
  | { kind: 'modmember'; entry: WireObject };

export type SyncEvent = SyncEventBody & {
  seq: number;
  /** Queues the same message for another session (see `unsynced`). */
  requeue?: (s: Session) => void;
};

export interface SessionTickets {
  uin: number;
  sid: string;
  skey: string;
  passTicket: string;
  dataTicket: string;
  authTicket: string;
}

export class Session implements SessionTickets {
  readonly uin: number;
  readonly sid: string;
  skey: string;
  readonly passTicket: string;
  readonly dataTicket: string;
  readonly authTicket: string;
  readonly desktop: boolean;
  readonly startedAt = Date.now();
  deviceId = '';
  initialized = false;
  ended: { code: EndCode; reason: string } | undefined;

  private readonly toUser = new Map<string, string>();
  private readonly fromUser = new Map<string, string>();
  private events: SyncEvent[] = [];
  private seq = 0;
  private readonly base: { k1: number; k2: number; k3: number; k11: number; k13: number; t: number };
  private waiters = new Set<() => void>();
  /** The furthest position a webwxsync request has confirmed. */
  private acked = 0;

  constructor(
    private readonly ids: Ids,
    private readonly world: World,
    tickets: SessionTickets,
    desktop: boolean,
  ) {
    this.uin = tickets.uin;
    this.sid = tickets.sid;
    this.skey = tickets.skey;
    this.passTicket = tickets.passTicket;
    this.dataTicket = tickets.dataTicket;
    this.authTicket = tickets.authTicket;
    this.desktop = desktop;
    const b = ids.syncBase();
    const now = Math.floor(Date.now() / 1000);
    this.base = { k1: b, k2: b + 600, k3: b + 300, k11: b + 500, k13: b - 10000, t: now };
  }

  /** The session UserName of a stable id, allocated on first use. */
  userNameOf(stableId: string): string {
    const known = this.toUser.get(stableId);
    if (known !== undefined) return known;
    let name: string;
    if (isSpecialId(stableId)) name = stableId;
    else if (stableId.endsWith('@chatroom')) name = this.ids.roomUserName();
    else {
      const p = this.world.person(stableId);
      const short = p !== undefined && (p.kind === 'official' || p.kind === 'stranger');
      name = short ? this.ids.shortUserName() : this.ids.userName();
    }
    this.toUser.set(stableId, name);
    this.fromUser.set(name, stableId);
    return name;
  }

  /** The stable id behind a session UserName, if this session ever handed it out. */
  resolve(userName: string): string | undefined {
    if (isSpecialId(userName) && this.world.person(userName)) return userName;
    return this.fromUser.get(userName);
  }

  get selfUserName(): string {
    return this.userNameOf(this.world.self.wxid);
  }

  // ---- sync stream -------------------------------------------------------

  get latestSeq(): number {
    return this.seq;
  }

  push(event: SyncEventBody, requeue?: (s: Session) => void): void {
    this.seq++;
    this.events.push({ ...event, seq: this.seq, ...(requeue ? { requeue } : {}) });
    this.wake();
  }

  /**
   * Messages the client never confirmed (nothing past the position its latest webwxsync sent): the
   * account still owes them, so the next login gets them (see offline.ts).
   */
  unsynced(): Array<(s: Session) => void> {
    return this.pendingAfter(this.acked).flatMap((e) => (e.requeue ? [e.requeue] : []));
  }

  /** Key 2 carries our message sequence; the other keys only look real. */
  syncKey(upTo: number = this.seq): { Count: number; List: { Key: number; Val: number }[] } {
    const List = [
      { Key: 1, Val: this.base.k1 },
      { Key: 2, Val: this.base.k2 + upTo },
      { Key: 3, Val: this.base.k3 },
      { Key: 1000, Val: this.base.t },
    ];
    return { Count: List.length, List };
  }

  syncCheckKey(upTo: number = this.seq): { Count: number; List: { Key: number; Val: number }[] } {
    const List = [
      { Key: 1, Val: this.base.k1 },
      { Key: 2, Val: this.base.k2 + upTo },
      { Key: 3, Val: this.base.k3 },
      { Key: 11, Val: this.base.k11 + upTo },
      { Key: 13, Val: this.base.k13 },
      { Key: 201, Val: Math.floor(Date.now() / 1000) },
      { Key: 1000, Val: this.base.t },
      { Key: 1001, Val: this.base.t - 3600 },
    ];
    return { Count: List.length, List };
  }

  /** Where a client's sync key says it is; undefined when the key is not ours (garbage or another session's). */
  positionOf(key2: number | undefined): number | undefined {
    if (key2 === undefined) return undefined;
    const pos = key2 - this.base.k2;
    if (pos < 0 || pos > this.seq) return undefined;
    return pos;
  }

  pendingAfter(position: number): SyncEvent[] {
    return this.events.filter((e) => e.seq > position);
  }

  /** Drop what a client has acknowledged, keeping a tail for clients that retry with an older key. */
  acknowledge(position: number): void {
    if (position > this.acked) this.acked = position;
    if (this.events.length > 2000) this.events = this.events.filter((e) => e.seq > position - 500);
  }

  waitForEvent(timeoutMs: number, signal: { onAbort(cb: () => void): void }): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      signal.onAbort(done);
    });
  }

  end(code: EndCode, reason: string): void {
    if (this.ended) return;
    this.ended = { code, reason };
    this.wake();
  }

  wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

/** Reads `1_x|2_y|...` (synccheck) or `{List:[{Key,Val}]}` (webwxsync) and returns key 2. */
export function key2FromParam(synckey: string | undefined): number | undefined {
  if (!synckey) return undefined;
  for (const part of synckey.split('|')) {
    const [k, v] = part.split('_');
    if (k === '2' && v !== undefined && /^\d+$/.test(v)) return Number(v);
  }
  return undefined;
}

export function key2FromBody(syncKey: unknown): number | undefined {
  if (typeof syncKey !== 'object' || syncKey === null) return undefined;
  const list = (syncKey as { List?: unknown }).List;
  if (!Array.isArray(list)) return undefined;
  for (const item of list as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const { Key, Val } = item as { Key?: unknown; Val?: unknown };
    if (Number(Key) === 2 && Number.isFinite(Number(Val))) return Number(Val);
  }
  return undefined;
}
