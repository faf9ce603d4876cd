/**
 * Simulator process: hosts one or more simulators, injects the latency
 * workload and times it. Injection and arrival are both stamped here with
 * performance.now(), so the latency is on one clock and the system under test
 * (another process) never shares this event loop.
 */
import { performance } from 'node:perf_hooks';

import { createSimulator, generateWorld, type GenerateWorldOptions, type Simulator } from '@wxbot/simulator';

import { BurstClock, type BurstAnatomy } from '../burst-anatomy.js';
import { serve, type IpcMessage } from '../ipc.js';
import { pongNumber } from '../plugins.js';

export interface WorkloadSpec {
  pattern: 'steady' | 'bursty';
  count: number;
  /** steady: messages per second. */
  ratePerSec?: number;
  /** bursty: one message to each of `burst` chats at once, every `gapMs`. */
  burst?: number;
  gapMs?: number;
  /** Give up on missing replies this long after the last injection. */
  drainMs: number;
  /** Hard stop for the whole phase. */
  maxMs: number;
}

export interface WorkloadResult {
  injected: number;
  replied: number;
  latenciesMs: number[];
  durationMs: number;
  rejectedSends: number;
  /** bursty: each burst's first and last reply. */
  bursts?: BurstAnatomy;
}

interface Chat {
  from: string;
  room?: string;
}

const sims: Simulator[] = [];
let chats: Chat[] = [];
/** Injection time by ping number, and a resolver for each reply. */
const injectedAt = new Map<number, number>();
const latencies: number[] = [];
let rejectedSends = 0;
let onReply: (() => void) | undefined;
/** Set during a bursty phase. */
let burstClock: BurstClock | undefined;

function hookActions(sim: Simulator): void {
  // hrAt is performance.now() when the request reached the simulator, on this process's clock.
  sim.onAction((a) => {
    if (a.endpoint !== 'webwxsendmsg') return;
    if (a.ret !== 0) rejectedSends++;
    const n = pongNumber(a.content);
    const at = n === undefined ? undefined : injectedAt.get(n);
    if (n !== undefined && at !== undefined) {
      injectedAt.delete(n);
      latencies.push(a.hrAt - at);
      burstClock?.reply(n, a.hrAt);
      onReply?.();
    }
  });
}

function pickChats(spec: ReturnType<typeof generateWorld>, privateChats: number, roomChats: number): Chat[] {
  const out: Chat[] = [];
  for (const f of (spec.friends ?? []).slice(0, privateChats)) out.push({ from: f.wxid });
  for (const r of (spec.rooms ?? []).slice(0, roomChats)) {
    const member = r.members.map((m) => (typeof m === 'string' ? m : m.wxid)).find((m) => m !== spec.self.wxid);
    if (member !== undefined) out.push({ from: member, room: r.id });
  }
  return out;
}

let seq = 0;
function inject(sim: Simulator, chat: Chat, selfNick: string, burst?: number): void {
  const n = ++seq;
  injectedAt.set(n, performance.now());
  if (burst !== undefined) burstClock?.add(burst, n);
  if (chat.room === undefined) sim.say({ from: chat.from, text: `ping ${n}` });
  else sim.say({ from: chat.from, room: chat.room, text: `@${selfNick}\u2005ping ${n}` });
}

async function runWorkload(w: WorkloadSpec): Promise<WorkloadResult> {
  const sim = sims[0]!;
  const selfNick = sim.world.self.nickName;
  latencies.length = 0;
  injectedAt.clear();
  rejectedSends = 0;
  const started = performance.now();
  const hardStop = started + w.maxMs;
  let injected = 0;
  let chat = 0;
  const next = (): Chat => chats[chat++ % chats.length]!;
  if (w.pattern === 'steady') {
    const rate = w.ratePerSec ?? 100;
    while (injected < w.count && performance.now() < hardStop) {
      const due = Math.min(w.count, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
      while (injected < due) {
        inject(sim, next(), selfNick);
        injected++;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  } else {
    const burst = w.burst ?? chats.length;
    const gap = w.gapMs ?? 200;
    const clock = (burstClock = new BurstClock());
    while (injected < w.count && performance.now() < hardStop) {
      const t = performance.now();
      const b = clock.begin(t);
      for (let i = 0; i < burst && injected < w.count; i++) {
        inject(sim, next(), selfNick, b);
        injected++;
      }
      const wait = gap - (performance.now() - t);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }
  // Wait for the stragglers, bounded.
  const drainUntil = Math.min(hardStop, performance.now() + w.drainMs);
  while (injectedAt.size > 0 && performance.now() < drainUntil) {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 20);
      onReply = () => {
        if (injectedAt.size === 0) {
          clearTimeout(t);
          resolve();
        }
      };
    });
  }
  onReply = undefined;
  const bursts = burstClock?.anatomy();
  burstClock = undefined;
  return {
    ...(bursts ? { bursts } : {}),
    injected,
    replied: latencies.length,
    latenciesMs: [...latencies],
    durationMs: performance.now() - started,
    rejectedSends,
  };
}

serve(
  async (m: IpcMessage) => {
    switch (m.type) {
      case 'start': {
        const worldOptions = m['world'] as GenerateWorldOptions;
        const spec = generateWorld(worldOptions);
        const count = (m['count'] as number | undefined) ?? 1;
        for (let i = 0; i < count; i++) {
          const sim = await createSimulator({
            world: spec,
            autoConfirm: true,
            loginPollHoldMs: 200,
            synccheckHoldMs: (m['synccheckHoldMs'] as number | undefined) ?? 25_000,
            seed: 1 + i,
            // The bench reads actions as they happen (hookActions), never from history: keeping only the newest
            // holds the simulator's heap flat, so a long run (the warm pass: 20,000 messages) does not meet
            // the simulator's own growing GC pauses in its tail latencies.
            retain: 2_000,
          });
          hookActions(sim);
          sims.push(sim);
        }
        chats = pickChats(
          spec,
          (m['privateChats'] as number | undefined) ?? 0,
          (m['roomChats'] as number | undefined) ?? 0,
        );
        return { sims: sims.map((s) => ({ url: s.url, loginUrl: s.loginUrl })), chats: chats.length };
      }
      case 'workload':
        return { result: await runWorkload(m['spec'] as WorkloadSpec) };
      default:
        throw new Error(`sim child: unknown request ${m.type}`);
    }
  },
  async () => {
    await Promise.all(sims.map((s) => s.close()));
  },
);
