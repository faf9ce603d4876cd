/**
 * Benches 1 and 2: end-to-end reply latency (injection → webwxsendmsg at the
 * simulator) for wxbot and for the wechat4u peer, same workload, three
 * processes: simulator | bot under test | this orchestrator. Every phase gets
 * a fresh simulator and a freshly logged-in bot, so one phase's backlog never
 * leaks into the next.
 */
import { spawnSync } from 'node:child_process';
import { request, Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { Child } from '../ipc.js';
import { RAISED_TEXT_BUCKET, type StoreKind } from '../harness/wxbot.js';
import { summarize, round, type LatencySummary } from '../stats.js';
import type { WorkloadResult, WorkloadSpec } from '../children/sim.js';
import { measureFloor, type FloorResult } from './floor.js';
import { cpuSplit, type CpuSplit, type ProcessCpu } from '../process-cpu.js';
import type { BurstAnatomy } from '../burst-anatomy.js';
import { profileClockUs, writeProfilePhases, type ProfilePhase } from '../profile-phases.js';

export interface LatencyPhase {
  pattern: WorkloadSpec['pattern'];
  spec: WorkloadSpec;
  loginMs: number;
  injected: number;
  replied: number;
  rejectedSends: number;
  durationMs: number;
  latencyMs: LatencySummary;
  /**
   * CPU time (user + system) the process under test spent during the phase,
   * per injected message, in ms: a number that shared-machine noise moves
   * far less than wall-clock latency.
   */
  cpuMsPerMessage: number;
  /** The same CPU split into the main thread's, the other threads' and the main thread's GC pauses (Linux). */
  cpuSplit?: CpuSplit;
  /** bursty: each burst's first and last reply (the tail's anatomy). */
  bursts?: BurstAnatomy;
  /** wxbot only: API requests per injected message over the phase, by endpoint (the client's `request` events). */
  requestsPerMessage?: Record<string, number>;
}

export interface PeerLatency {
  peer: string;
  phases: LatencyPhase[];
  /** All phases together. */
  all: LatencySummary;
}

export interface LatencyResult {
  /** `--latency-node`: the node binary the processes under test ran on, and its version. */
  node?: { path: string; version: string };
  chats: number;
  messages: number;
  rateLimiter: string;
  wxbotStore: string;
  loopbackRttMs: LatencySummary;
  /**
   * The same round trip with a 4 ms pause before each request (the steady
   * phase's pace): what one request costs when processes have gone idle in
   * between, as they do between messages. Shown beside the target, which is
   * defined on the back-to-back figure.
   */
  loopbackRttPacedMs: LatencySummary;
  /** Issue 20 item 2: the client-side CPU of 4 keep-alive requests + a webwxsync parse (one reply's floor). */
  floor: FloorResult;
  /** `--baseline-core`: the same phases against the earlier build, alternated with wxbot's. */
  before?: PeerLatency;
  wxbot: PeerLatency;
  wechat4u: PeerLatency | { skipped: string };
  /**
   * The floor: a minimal client (children/floor-bot.ts: synccheck → webwxsync → webwxsendmsg on raw
   * keep-alive sockets, nothing else), same simulator and workload. Runs with wechat4u (it logs in through it).
   */
  minimal?: PeerLatency | { skipped: string };
  /** wechat4u ÷ wxbot per percentile (> 1 = wxbot faster); null where a side has no value. */
  ratio: Record<'p50' | 'p90' | 'p99' | 'max', number | null> | undefined;
  /** One change at a time to wxbot, steady phase only: what each would buy. */
  experiments: { variant: string; phase: LatencyPhase }[];
  /**
   * The same two phases once more per target, in one process that first answered `warmup.count` messages
   * unmeasured: what a bot that has been running spends, without the JIT compilation of a fresh process.
   */
  warm?: WarmLatency;
}

export interface WarmLatency {
  warmup: WorkloadSpec;
  note: string;
  before?: PeerLatency;
  wxbot: PeerLatency;
  wechat4u?: PeerLatency | { skipped: string };
  minimal?: PeerLatency | { skipped: string };
}

export interface LatencyOptions {
  smoke: boolean;
  peers: ('wxbot' | 'wechat4u')[];
  experiments: boolean;
  /** Message counts × this (default 1: 5,000 per phase), for shorter runs on a busy machine. */
  scale?: number;
  /** A built core dist to run as "wxbot before" beside wxbot, phase by phase (before/after in one run). */
  baselineCore?: string;
  /** Also measure the phases after a warm-up in the same process (`--no-warm` skips it). */
  warm?: boolean;
  /**
   * Another node binary for the processes under test (every bot, the minimal client): users run Node 22 and
   * 24, whose V8 (Maglev on) spends far less on compiling a fresh process than Node 20's.
   */
  node?: string;
}

interface Target {
  child: 'wxbot' | 'wechat4u' | 'floor-bot';
  label: string;
  store?: StoreKind;
  /** Another build of @wxbot/core's dist for this bot (the "before" of a change; see children/core-override). */
  coreDist?: string;
}

function workloads(smoke: boolean, scale = 1): WorkloadSpec[] {
  if (smoke)
    return [
      { pattern: 'steady', count: 20, ratePerSec: 200, drainMs: 3000, maxMs: 3000 },
      { pattern: 'bursty', count: 20, burst: 10, gapMs: 100, drainMs: 3000, maxMs: 3000 },
    ];
  return [
    { pattern: 'steady', count: Math.round(5000 * scale), ratePerSec: 250, drainMs: 5000, maxMs: 30_000 },
    { pattern: 'bursty', count: Math.round(5000 * scale), burst: 100, gapMs: 400, drainMs: 5000, maxMs: 30_000 },
  ];
}

/** The warm pass's unmeasured start: the steady pattern, faster (10,000 messages in ~10 s). */
function warmupSpec(smoke: boolean, scale = 1): WorkloadSpec {
  if (smoke) return { pattern: 'steady', count: 20, ratePerSec: 200, drainMs: 3000, maxMs: 3000 };
  return { pattern: 'steady', count: Math.round(10_000 * scale), ratePerSec: 1000, drainMs: 5000, maxMs: 60_000 };
}

/** Keep-alive requests to the simulator: the price of one loopback HTTP round trip here. */
async function loopbackRtt(url: string, n: number, gapMs = 0): Promise<LatencySummary> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const samples: number[] = [];
  const once = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request(`${url}/cgi-bin/mmwebwx-bin/nothing`, { agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
  for (let i = 0; i < 50; i++) await once(); // warm up
  for (let i = 0; i < n; i++) {
    if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    const t = performance.now();
    await once();
    samples.push(performance.now() - t);
  }
  agent.destroy();
  return summarize(samples);
}

/** Node flags from an environment variable, space-separated. */
function envNodeArgs(name: string): string[] {
  return (process.env[name] ?? '').split(' ').filter(Boolean);
}

async function runPhase(target: Target, spec: WorkloadSpec, smoke: boolean, node?: string): Promise<LatencyPhase> {
  return (await runPhases(target, [spec], smoke, node))[0]!;
}

/**
 * The phases `specs` in turn against one simulator and one logged-in process under test; with `warmup`, that
 * workload runs first, unmeasured (the process's JIT compiles and settles, as in a bot that has been running).
 */
async function runPhases(
  target: Target,
  specs: readonly WorkloadSpec[],
  smoke: boolean,
  node?: string,
  warmup?: WorkloadSpec,
): Promise<LatencyPhase[]> {
  // BENCH_PROFILE=<dir>: CPU-profile the process under test (open the .cpuprofile in Chrome DevTools);
  // BENCH_PROFILE_SIM=<dir>: the simulator's process.
  const simProf = process.env['BENCH_PROFILE_SIM'];
  const sim = new Child('sim', [], simProf ? ['--cpu-prof', `--cpu-prof-dir=${simProf}`] : []);
  const prof = process.env['BENCH_PROFILE'];
  const override = fileURLToPath(new URL('../children/core-override.js', import.meta.url));
  const bot = new Child(
    target.child,
    [],
    [
      ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []),
      ...(target.coreDist ? ['--import', pathToFileURL(override).href] : []),
      // BENCH_BASELINE_NODE_ARGS: node flags for the "wxbot before" process only (e.g. a young-generation size,
      // with --baseline-core naming this same build), so one setting is compared phase by phase.
      ...(target.coreDist ? envNodeArgs('BENCH_BASELINE_NODE_ARGS') : []),
      // BENCH_BOT_NODE_ARGS: node flags for the wxbot process under test (not "wxbot before"), to look inside
      // it in a real run: --trace-gc, --trace-opt --trace-deopt (their lines go to the bench's stdout).
      ...(target.child === 'wxbot' && !target.coreDist ? envNodeArgs('BENCH_BOT_NODE_ARGS') : []),
    ],
    target.coreDist ? { BENCH_CORE_DIST: target.coreDist } : {},
    node,
  );
  try {
    const started = await sim.call<{ type: string; sims: { url: string; loginUrl: string }[] }>(
      {
        type: 'start',
        world: { friends: 200, rooms: Array.from({ length: 20 }, () => 30), seed: 11 },
        privateChats: smoke ? 10 : 80,
        roomChats: smoke ? 10 : 20,
      },
      30_000,
    );
    const login = await bot.call<{ type: string; loginMs: number }>(
      { type: 'login', sims: started.sims, ...(target.store ? { store: target.store } : {}) },
      60_000,
    );
    // Let post-login chatter (contact pages, status notify, wechat4u's heartbeat) settle.
    await new Promise((r) => setTimeout(r, smoke ? 100 : 1000));
    type Requests = { type: string; requests: Record<string, number> };
    const counted = target.child === 'wxbot';
    // With BENCH_PROFILE, each workload's span on the profile's clock, so the summary splits the profile by
    // phase (a warm process's profile is warm-up, steady and bursty in one).
    const marks: ProfilePhase[] = [];
    if (warmup !== undefined) {
      const fromUs = profileClockUs();
      await sim.call({ type: 'workload', spec: warmup }, warmup.maxMs + warmup.drainMs + 15_000);
      marks.push({ name: 'warm-up', fromUs, toUs: profileClockUs(), messages: warmup.count });
    }
    const out: LatencyPhase[] = [];
    for (const spec of specs) {
      const req0 = counted ? (await bot.call<Requests>({ type: 'requests' }, 10_000)).requests : {};
      type Cpu = ProcessCpu & { type: string; [key: string]: unknown };
      const cpu0 = await bot.call<Cpu>({ type: 'cpu' }, 10_000);
      const phaseFrom = profileClockUs();
      const { result } = await sim.call<{ type: string; result: WorkloadResult }>(
        { type: 'workload', spec },
        spec.maxMs + spec.drainMs + 15_000,
      );
      marks.push({ name: spec.pattern, fromUs: phaseFrom, toUs: profileClockUs(), messages: result.injected });
      const cpu1 = await bot.call<Cpu>({ type: 'cpu' }, 10_000);
      const split = cpuSplit(cpu0, cpu1, result.injected);
      const cpuMs = (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / 1000;
      const req1 = counted ? (await bot.call<Requests>({ type: 'requests' }, 10_000)).requests : undefined;
      const perMessage = (n: number): number => round(n / Math.max(1, result.injected), 3);
      out.push({
        pattern: spec.pattern,
        spec,
        loginMs: round(login.loginMs, 1),
        injected: result.injected,
        replied: result.replied,
        rejectedSends: result.rejectedSends,
        durationMs: round(result.durationMs, 0),
        latencyMs: summarize(result.latenciesMs, result.injected),
        cpuMsPerMessage: round(cpuMs / Math.max(1, result.injected), 3),
        ...(split ? { cpuSplit: split } : {}),
        ...(result.bursts ? { bursts: result.bursts } : {}),
        ...(req1
          ? {
              requestsPerMessage: Object.fromEntries(
                Object.entries(req1).map(([endpoint, n]) => [endpoint, perMessage(n - (req0[endpoint] ?? 0))]),
              ),
            }
          : {}),
        // kept for the 'all' summary; stripped before the JSON is written
        ...({ samples: result.latenciesMs } as object),
      });
    }
    if (prof && bot.proc.pid !== undefined) writeProfilePhases(prof, bot.proc.pid, target.label, marks);
    return out;
  } finally {
    await bot.close(prof ? 30_000 : 15_000);
    await sim.close();
  }
}

function collect(label: string, phases: LatencyPhase[]): PeerLatency {
  const all: number[] = [];
  let injected = 0;
  for (const phase of phases) {
    all.push(...(phase as unknown as { samples: number[] }).samples);
    delete (phase as unknown as { samples?: number[] }).samples;
    injected += phase.injected;
  }
  return { peer: label, phases, all: summarize(all, injected) };
}

function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : round(a / b, 2);
}

export async function runLatency(o: LatencyOptions, log: (s: string) => void): Promise<LatencyResult> {
  const rttSim = new Child('sim');
  let rtt: LatencySummary;
  let rttPaced: LatencySummary;
  try {
    const s = await rttSim.call<{ type: string; sims: { url: string }[] }>(
      { type: 'start', world: { friends: 1 } },
      30_000,
    );
    rtt = await loopbackRtt(s.sims[0]!.url, o.smoke ? 50 : 2000);
    rttPaced = await loopbackRtt(s.sims[0]!.url, o.smoke ? 20 : 500, 4);
  } finally {
    await rttSim.close();
  }
  const floor = await measureFloor({ smoke: o.smoke });
  log(
    `  floor: keep-alive request ${floor.requestUs} µs CPU, + webwxsync parse ${floor.requestWithSyncParseUs} µs; one reply (4×) ${floor.replyFloorMs} ms`,
  );
  const scale = o.scale ?? 1;
  // Every target runs phase by phase in turn (wxbot before, wxbot, wechat4u), so a noisy spell on the
  // shared machine lands on all of them alike rather than on whichever ran first.
  const targets: Target[] = [
    ...(o.baselineCore !== undefined
      ? [{ child: 'wxbot', label: 'wxbot before', store: 'file', coreDist: o.baselineCore } as const]
      : []),
    { child: 'wxbot', label: 'wxbot', store: 'file' },
    ...(o.peers.includes('wechat4u')
      ? ([
          { child: 'wechat4u', label: 'wechat4u' },
          { child: 'floor-bot', label: 'minimal client' },
        ] as const)
      : []),
  ];
  const phases = new Map<string, LatencyPhase[]>(targets.map((t) => [t.label, []]));
  const peerErrors = new Map<string, string>();
  for (const spec of workloads(o.smoke, scale)) {
    for (const t of targets) {
      if (peerErrors.has(t.child)) continue;
      log(`  ${t.label}: ${spec.pattern}, ${spec.count} messages…`);
      try {
        phases.get(t.label)!.push(await runPhase(t, spec, o.smoke, o.node));
      } catch (err) {
        if (t.child === 'wxbot') throw err;
        peerErrors.set(t.child, `${t.label} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  const peerError = peerErrors.get('wechat4u');
  const minimalError = peerErrors.get('floor-bot');
  const before = o.baselineCore !== undefined ? collect('wxbot before', phases.get('wxbot before')!) : undefined;
  const wx = collect('wxbot', phases.get('wxbot')!);
  const peer: PeerLatency | { skipped: string } = !o.peers.includes('wechat4u')
    ? { skipped: 'not requested' }
    : peerError !== undefined
      ? { skipped: peerError }
      : collect('wechat4u', phases.get('wechat4u')!);
  const minimal: PeerLatency | { skipped: string } | undefined = !o.peers.includes('wechat4u')
    ? undefined
    : minimalError !== undefined
      ? { skipped: minimalError }
      : collect('minimal client', phases.get('minimal client')!);
  const experiments: LatencyResult['experiments'] = [];
  if (o.experiments) {
    const steady = workloads(o.smoke, scale)[0]!;
    for (const [variant, store] of [
      ['journal in MemorySessionStore (JSON.stringify, no fsync)', 'memory'],
      ['journal writes free (store keeps references; not durable)', 'discard'],
    ] as const) {
      log(`  experiment: ${variant}…`);
      const phase = await runPhase({ child: 'wxbot', label: variant, store }, steady, o.smoke, o.node);
      delete (phase as unknown as { samples?: number[] }).samples; // raw samples stay out of the JSON
      experiments.push({ variant, phase });
    }
  }
  const warm = o.warm === false ? undefined : await runWarm(o, targets, log);
  const spec = workloads(o.smoke, scale);
  return {
    ...(o.node !== undefined
      ? { node: { path: o.node, version: spawnSync(o.node, ['--version'], { encoding: 'utf8' }).stdout.trim() } }
      : {}),
    chats: o.smoke ? 20 : 100,
    messages: spec.reduce((n, w) => n + w.count, 0),
    rateLimiter: `send rate limiter RAISED for this run: wxbot text bucket burst ${RAISED_TEXT_BUCKET.burst}, ${RAISED_TEXT_BUCKET.perSecond}/s, send jitter 0 ms (defaults: burst 5, 1/s, jitter up to 300 ms); simulator rate limit off`,
    wxbotStore: 'default FileSessionStore (what a bot gets without configuring one)',
    loopbackRttMs: rtt,
    loopbackRttPacedMs: rttPaced,
    floor,
    ...(before ? { before } : {}),
    wxbot: wx,
    wechat4u: peer,
    ...(minimal ? { minimal } : {}),
    ratio:
      'all' in peer
        ? {
            p50: ratio(peer.all.p50, wx.all.p50),
            p90: ratio(peer.all.p90, wx.all.p90),
            p99: ratio(peer.all.p99, wx.all.p99),
            max: ratio(peer.all.max, wx.all.max),
          }
        : undefined,
    experiments,
    ...(warm ? { warm } : {}),
  };
}

/** Each target once more, one process each: the warm-up, then both phases measured. */
async function runWarm(o: LatencyOptions, targets: readonly Target[], log: (s: string) => void): Promise<WarmLatency> {
  const warmup = warmupSpec(o.smoke, o.scale ?? 1);
  const specs = workloads(o.smoke, o.scale ?? 1);
  const got = new Map<string, PeerLatency | { skipped: string }>();
  for (const t of targets) {
    log(`  ${t.label}, warm: ${warmup.count} messages unmeasured, then both phases…`);
    try {
      got.set(t.label, collect(t.label, await runPhases(t, specs, o.smoke, o.node, warmup)));
    } catch (err) {
      if (t.child === 'wxbot') throw err;
      got.set(t.label, { skipped: `${t.label} failed: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  const peer = (label: string): PeerLatency | { skipped: string } | undefined => got.get(label);
  const before = peer('wxbot before');
  return {
    warmup,
    note: `one process per target: ${warmup.count} messages at ${warmup.ratePerSec ?? 100}/s unmeasured, then the steady and the bursty phase measured (no JIT compilation of a fresh process left in them)`,
    ...(before && 'all' in before ? { before } : {}),
    wxbot: peer('wxbot') as PeerLatency,
    ...(peer('wechat4u') ? { wechat4u: peer('wechat4u')! } : {}),
    ...(peer('minimal client') ? { minimal: peer('minimal client')! } : {}),
  };
}
