/**
 * Simulator process for the fault matrix: hosts one simulator, streams
 * `q<n>` texts over many chats, and counts the bot's replies (`echo q<n>`)
 * per inbound message at the simulator. Faults themselves are switched by the
 * orchestrator through the HTTP control API; this process only does what the
 * control API cannot: kill the bot inside a send, make senders unreachable
 * (1204), and emit a MsgType 51 flood.
 */
import { performance } from 'node:perf_hooks';

import { createSimulator, generateWorld, type Simulator } from '@wxbot/simulator';

import { serve, type IpcMessage } from '../ipc.js';

interface Chat {
  from: string;
  room?: string;
}

/** What the bench reaches past the simulator's public surface for (test hooks the control API has no words for). */
interface EngineHooks {
  engine: {
    session:
      | {
          ended: unknown;
          initialized: boolean;
          fromUser: Map<string, string>;
          userNameOf(stableId: string): string;
          selfUserName: string;
        }
      | undefined;
    emit(spec: {
      from: string;
      to: string;
      msgType: number;
      content: string;
      statusNotifyCode?: number;
      statusNotifyUserName?: string;
    }): string;
  };
}

export interface FaultStats {
  injected: number;
  /** Distinct inbound messages with at least one accepted reply. */
  replied: number;
  /** Reachable inbound messages with no accepted reply. */
  lost: number;
  /** Inbound messages with more than one accepted reply. */
  duplicated: number;
  /** Inbound messages from senders who had removed the bot (their replies are refused with 1204). */
  unreachable: number;
  /** webwxsendmsg answered with a non-zero Ret (1204, 1205, 1101...). */
  refusedSends: number;
  /** Sends whose answer an accept-then-drop fault destroyed (the message was delivered). */
  droppedAnswers: number;
  killsOnSend: number;
  /**
   * Lost texts said into a session less than 1 s before the server ended it: the simulator hands a new
   * session nothing the old one held, so these may be the model's loss as much as the bot's. Part of `lost`.
   */
  lostNearExpiry: number;
  /** The first lost message numbers, to look up. */
  lostSample: number[];
}

let sim: Simulator | undefined;
let chats: Chat[] = [];
const replies = new Map<number, number>();
const unreachable = new Set<number>();
const removedSenders = new Set<string>();
let injected = 0;
let refusedSends = 0;
let droppedAnswers = 0;
let killPid: number | undefined;
let killsOnSend = 0;
let lastReplyAt = 0;
let streamDone: Promise<void> = Promise.resolve();
const probes = new Map<number, (at: number) => void>();
let probeSeq = 0;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function hooks(s: Simulator): EngineHooks['engine'] {
  return (s as unknown as EngineHooks).engine;
}

/** Fails loudly when the simulator's internals moved, instead of measuring nothing. */
function checkHooks(s: Simulator): void {
  const e = hooks(s);
  const session = e.session;
  const problems: string[] = [];
  if (typeof e.emit !== 'function') problems.push('engine.emit is not a function');
  if (session === undefined) problems.push('no engine.session after login');
  else {
    if (typeof session.initialized !== 'boolean') problems.push('session.initialized is not a boolean');
    if (!(session.fromUser instanceof Map)) problems.push('session.fromUser is not a Map');
    if (typeof session.userNameOf !== 'function') problems.push('session.userNameOf is not a function');
  }
  if (problems.length > 0)
    throw new Error(
      `faults-sim: the simulator internals this bench reaches for changed (${problems.join('; ')}); update EngineHooks in bench/src/children/faults-sim.ts`,
    );
}

/**
 * A session the bot has initialised and not lost. The simulator does not queue for a logged-out account,
 * and what is said between a new login and its webwxinit lies before the SyncKey webwxinit hands out:
 * neither is the bot's to receive.
 */
function live(s: Simulator): boolean {
  const session = hooks(s).session;
  noteEnd(session);
  return session !== undefined && session.initialized && session.ended === undefined;
}

type SessionRef = NonNullable<EngineHooks['engine']['session']>;
/** Which session each text was said into, and when; when each session was first seen ended. */
const saidInto = new Map<number, { session: SessionRef; at: number }>();
const endedAt = new Map<SessionRef, number>();
let lastSession: SessionRef | undefined;

function noteEnd(current: SessionRef | undefined): void {
  if (lastSession && lastSession.ended !== undefined && !endedAt.has(lastSession))
    endedAt.set(lastSession, performance.now());
  if (current !== lastSession && lastSession && !endedAt.has(lastSession)) endedAt.set(lastSession, performance.now());
  lastSession = current;
}

function onSend(a: { endpoint: string; ret: number; content?: string; responseDropped?: true }): void {
  if (a.endpoint !== 'webwxsendmsg') return;
  if (a.ret !== 0) {
    refusedSends++;
    return;
  }
  if (killPid !== undefined) {
    // Synchronous, before the simulator answers: the server has accepted the send, the bot never hears so.
    try {
      process.kill(killPid, 'SIGKILL');
      killsOnSend++;
    } catch {
      // already gone
    }
    killPid = undefined;
  }
  if (a.responseDropped) droppedAnswers++;
  const content = a.content ?? '';
  const q = /^echo q(\d+)$/.exec(content);
  if (q) {
    const n = Number(q[1]);
    replies.set(n, (replies.get(n) ?? 0) + 1);
    lastReplyAt = performance.now();
    return;
  }
  const p = /^echo probe (\d+)$/.exec(content);
  if (p) probes.get(Number(p[1]))?.(performance.now());
}

function pickChats(privateChats: number, roomChats: number, seed: number): ReturnType<typeof generateWorld> {
  const spec = generateWorld({
    friends: privateChats + roomChats * 5 + 5,
    rooms: Array.from({ length: roomChats }, () => 8),
    seed,
  });
  chats = [];
  for (const f of (spec.friends ?? []).slice(0, privateChats)) chats.push({ from: f.wxid });
  for (const r of (spec.rooms ?? []).slice(0, roomChats)) {
    const member = r.members.map((m) => (typeof m === 'string' ? m : m.wxid)).find((m) => m !== spec.self.wxid);
    if (member !== undefined) chats.push({ from: member, room: r.id });
  }
  return spec;
}

/** A sender who removed the bot: the simulator no longer resolves their UserName, so sends to it get Ret 1204. */
function refuseRepliesTo(s: Simulator, wxid: string): void {
  const session = hooks(s).session;
  if (session) session.fromUser.delete(session.userNameOf(wxid));
}

function say(s: Simulator, chat: Chat, text: string): void {
  if (chat.room === undefined) s.say({ from: chat.from, text });
  else s.say({ from: chat.from, room: chat.room, text });
}

/** The stream gives up after this long without a live session (a bot that never logs in again). */
const NO_SESSION_GIVE_UP_MS = 60_000;
let streamStopped: string | undefined;

async function stream(s: Simulator, count: number, ratePerSec: number): Promise<void> {
  const started = performance.now();
  let sent = 0;
  let liveAt = performance.now();
  while (sent < count) {
    if (live(s)) liveAt = performance.now();
    else if (performance.now() - liveAt > NO_SESSION_GIVE_UP_MS) {
      streamStopped = `stream stopped after ${sent} texts: no live session for ${NO_SESSION_GIVE_UP_MS / 1000} s`;
      return;
    }
    const due = Math.min(count, Math.floor(((performance.now() - started) * ratePerSec) / 1000) + 1);
    // Held while no session is live (see live()): that loss would be the simulator's model, not the bot's.
    while (sent < due && live(s)) {
      const n = ++sent;
      const chat = chats[(n - 1) % chats.length]!;
      if (chat.room === undefined && removedSenders.has(chat.from)) {
        unreachable.add(n);
        refuseRepliesTo(s, chat.from);
      }
      say(s, chat, `q${n}`);
      const session = hooks(s).session;
      if (session) saidInto.set(n, { session, at: performance.now() });
      injected = n;
    }
    await sleep(5);
  }
}

function stats(): FaultStats {
  let replied = 0;
  let lost = 0;
  let duplicated = 0;
  let lostNearExpiry = 0;
  const lostSample: number[] = [];
  if (sim) noteEnd(hooks(sim).session);
  for (let n = 1; n <= injected; n++) {
    const r = replies.get(n) ?? 0;
    if (r > 0) replied++;
    if (r > 1) duplicated++;
    if (r === 0 && !unreachable.has(n)) {
      lost++;
      if (lostSample.length < 20) lostSample.push(n);
      const into = saidInto.get(n);
      const end = into && endedAt.get(into.session);
      if (into && end !== undefined && end - into.at < 1000) lostNearExpiry++;
    }
  }
  return {
    injected,
    replied,
    lost,
    duplicated,
    unreachable: unreachable.size,
    refusedSends,
    droppedAnswers,
    killsOnSend,
    lostNearExpiry,
    lostSample,
  };
}

/** Until every reachable message has a reply, no reply came for `quietMs`, or `maxMs` passed. */
async function drain(quietMs: number, maxMs: number): Promise<void> {
  const until = performance.now() + maxMs;
  const quietFrom = performance.now();
  while (performance.now() < until) {
    if (stats().lost === 0) return;
    if (performance.now() - Math.max(lastReplyAt, quietFrom) > quietMs) return;
    await sleep(50);
  }
}

async function probe(s: Simulator, timeoutMs: number): Promise<{ answered: boolean; ms: number }> {
  const k = ++probeSeq;
  const started = performance.now();
  const deadline = started + timeoutMs;
  while (!live(s) && performance.now() < deadline) await sleep(50);
  const answered = new Promise<number>((resolve) => probes.set(k, resolve));
  say(s, chats[0]!, `probe ${k}`);
  const at = await Promise.race([answered, sleep(Math.max(0, deadline - performance.now())).then(() => undefined)]);
  probes.delete(k);
  return at === undefined ? { answered: false, ms: timeoutMs } : { answered: true, ms: at - started };
}

/** One MsgType 51 (status notify) entry naming `names` chats, as a phone with a huge chat list sends at login. */
function flood51(s: Simulator, entries: number, names: number): void {
  const e = hooks(s);
  const self = s.world.self.wxid;
  const list = Array.from({ length: names }, (_, i) => `@${i.toString(16).padStart(32, '0')}`).join(',');
  for (let i = 0; i < entries; i++)
    e.emit({
      from: self,
      to: self,
      msgType: 51,
      content: `<msg>\n<op id='2'>\n<username>${list}</username>\n</op>\n</msg>`,
      statusNotifyCode: 4,
      statusNotifyUserName: list,
    });
}

serve(
  async (m: IpcMessage) => {
    switch (m.type) {
      case 'start': {
        const spec = pickChats(
          m['privateChats'] as number,
          m['roomChats'] as number,
          (m['seed'] as number | undefined) ?? 7,
        );
        sim = await createSimulator({
          world: spec,
          autoConfirm: true,
          loginPollHoldMs: 200,
          synccheckHoldMs: 5_000,
          seed: (m['seed'] as number | undefined) ?? 7,
        });
        sim.onAction(onSend);
        return { url: sim.url, loginUrl: sim.loginUrl, controlUrl: sim.controlUrl, chats: chats.length };
      }
      case 'stream': {
        const s = sim!;
        checkHooks(s);
        streamDone = stream(s, m['count'] as number, m['ratePerSec'] as number);
        return {};
      }
      case 'stream-wait':
        await streamDone;
        return { injected, ...(streamStopped !== undefined ? { stopped: streamStopped } : {}) };
      case 'kill-on-send':
        // pid null disarms.
        killPid = typeof m['pid'] === 'number' && m['pid'] > 0 ? m['pid'] : undefined;
        return {};
      case 'unreach': {
        // Private senders only (a room stays reachable when one member removed the bot), never chat 0 (the probe's).
        const senders = chats.filter((c, i) => i > 0 && c.room === undefined).slice(0, m['senders'] as number);
        for (const c of senders) removedSenders.add(c.from);
        return { senders: senders.length };
      }
      case 'flood51':
        flood51(sim!, m['entries'] as number, m['names'] as number);
        return {};
      case 'drain':
        await drain(m['quietMs'] as number, m['maxMs'] as number);
        return { stats: stats() };
      case 'probe':
        return await probe(sim!, m['timeoutMs'] as number);
      case 'stats':
        return { stats: stats() };
      default:
        throw new Error(`faults-sim child: unknown request ${m.type}`);
    }
  },
  async () => {
    await sim?.close();
  },
);
