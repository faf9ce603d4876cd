/**
 * Bench 3: in-process pipeline throughput — normalizeMessage + dispatch
 * through the 10 bench plugins, one message at a time on one thread.
 *
 * The raw messages are real wire entries: a simulator serves them and a real
 * client receives them (so the normaliser sees exactly what it sees in
 * production), then the client's contact store is the directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  ActionLog,
  MemorySessionStore,
  PluginHost,
  RecentMessageCache,
  WEB_CAPABILITIES,
  createMemoryStorage,
  isChatMessage,
  normalizeMessage,
  type ActionBackend,
  type RawMessage,
  type SentMessage,
} from '@wxbot/core';
import { createClient } from '@wxbot/core/client';
import { createSimulator, generateWorld, type SendSpec } from '@wxbot/simulator';

import { silentLogger } from '../harness/wxbot.js';
import { loadedPlugins } from '../plugins.js';
import { runPipelineFloor, type FloorRow } from './pipeline-floor.js';
import { timeLoop, type LoopRow } from './pipeline-loop.js';

export interface PipelineRow extends LoopRow {
  workload: string;
  description: string;
}

export interface PipelineResult {
  rows: PipelineRow[];
  note: string;
  /** The plain-text workload through the floor (suites/pipeline-floor.ts), measured right after its row. */
  floor?: FloorRow & { workload: string; note: string };
}

/** Distinct raw messages cycled through per workload; above RecentMessageCache's default limit of 1,000. */
const RAW_POOL = 4096;

/** The world every pipeline run's simulator serves (its contacts are the normaliser's directory). */
export const WORLD = { friends: 300, rooms: [50, 50, 50, 50], seed: 5 };

type Sim = Awaited<ReturnType<typeof createSimulator>>;

export interface Workload {
  name: string;
  description: string;
  inject: (sim: Sim, i: number) => void;
  count: number;
}

/** The capturing client's options and tuning: the simulator's hosts, no QR or keep-alive, quick polls. */
export function captureClientOptions<S>(
  dataDir: string,
  sessionStore: S,
  sim: { loginUrl: string; url: string },
): [
  {
    dataDir: string;
    sessionStore: S;
    hosts: { login: string; main: string };
    qr: { terminal: false; pngPath: false };
    recovery: { keepAliveMs: number };
    logger: ReturnType<typeof silentLogger>;
  },
  { minPollIntervalMs: number; contactBatchDelayMs: number; contactBatchGapMs: number },
] {
  return [
    {
      dataDir,
      sessionStore,
      hosts: { login: sim.loginUrl, main: sim.url },
      qr: { terminal: false, pngPath: false },
      recovery: { keepAliveMs: 0 },
      logger: silentLogger(),
    },
    { minPollIntervalMs: 10, contactBatchDelayMs: 5, contactBatchGapMs: 10 },
  ];
}

/** Injects a workload's messages and waits (15 s at most) until a started client has handed them all to `got`. */
export async function capture(w: Workload, sim: Sim, got: RawMessage[], waitMs = 15_000): Promise<RawMessage[]> {
  got.length = 0;
  for (let i = 0; i < w.count; i++) w.inject(sim, i);
  const deadline = Date.now() + waitMs;
  while (got.length < w.count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (got.length < w.count) throw new Error(`pipeline: captured ${got.length}/${w.count} ${w.name} messages`);
  return [...got];
}

/** The workloads' wire messages, captured by a real client from a simulator; `cleanup` closes what it opened. */
export async function captureRaws(
  workloads: Workload[],
  waitMs?: number,
): Promise<{ raws: Map<string, RawMessage[]>; backend: ActionBackend; cleanup: () => Promise<void> }> {
  const spec = generateWorld(WORLD);
  const sim = await createSimulator({ world: spec, autoConfirm: true, loginPollHoldMs: 100, synccheckHoldMs: 200 });
  const dataDir = mkdtempSync(join(tmpdir(), 'wxbot-bench-pipe-'));
  const cleanup = async (): Promise<void> => {
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const client = createClient(...captureClientOptions(dataDir, new MemorySessionStore(), sim));
  const got: RawMessage[] = [];
  client.setMessageHandler(async (m) => {
    got.push(m.raw);
  });
  const raws = new Map<string, RawMessage[]>();
  try {
    await client.start();
    for (const w of workloads) raws.set(w.name, await capture(w, sim, got, waitMs));
  } catch (error) {
    // A capture that fails (a workload short of messages, a login that never ends) leaves no simulator,
    // client or temporary directory behind.
    await client.stop().catch(() => undefined);
    await cleanup();
    throw error;
  }
  await client.stop();
  return { raws, backend: stubBackend(client.contacts), cleanup };
}

/** A backend whose actions resolve at once: the pipeline bench measures the pipeline, not the network. */
export function stubBackend(contacts: ActionBackend['contacts']): ActionBackend {
  const sent = (to: string): SentMessage => ({
    msgId: '1',
    localId: '1',
    toUserName: to,
    type: 1,
    endpoint: 'webwxsendmsg',
  });
  return {
    contacts,
    sendText: async (to) => sent(to),
    sendImage: async (to) => sent(to),
    sendFile: async (to) => sent(to),
    sendVideo: async (to) => sent(to),
    sendEmoticon: async (to) => sent(to),
    acceptFriend: async () => {},
    addMembers: async () => {},
    removeMembers: async () => {},
    inviteMembers: async () => {},
    setTopic: async () => {},
    setRemark: async () => {},
    pin: async () => {},
    download: async () => ({ bytes: 0 }),
    avatar: async () => ({ bytes: 0 }),
    revoke: async () => {},
    forward: async (_msg, to) => sent(to),
    createRoom: async () => {
      throw new Error('the pipeline bench creates no rooms');
    },
    addFriend: async () => {},
    markRead: async () => {},
  };
}

/**
 * RAW_POOL copies of the captured messages, each with a fresh MsgId, as every real message has its own. Made
 * outside the measured loop: in the bot the client's JSON.parse makes each raw object, so copying one is not
 * pipeline work. More copies than the recent-message cache holds (1,000), so every message is a new entry
 * there, as in production. The server's NewMsgId is the MsgId (a lossless string once the client has quoted
 * big ids); a copy keeps it so, or every message would look like one with a second id to index.
 */
export function rawCopies(sample: readonly RawMessage[]): RawMessage[] {
  const pool: RawMessage[] = [];
  for (let i = 0; i < RAW_POOL; i++) {
    const base = sample[i % sample.length]!;
    const MsgId = String(9_000_000_000_000 + i);
    pool.push(base.NewMsgId === base.MsgId ? { ...base, MsgId, NewMsgId: MsgId } : { ...base, MsgId });
  }
  return pool;
}

/** The suite's workloads, each injecting its messages into a simulator of the world `WORLD` makes. */
export function pipelineWorkloads(): Workload[] {
  const spec = generateWorld(WORLD);
  const friends = spec.friends!.map((f) => f.wxid);
  const rooms = spec.rooms!.map((r) => ({
    id: r.id,
    members: r.members.map((m) => (typeof m === 'string' ? m : m.wxid)).filter((m) => m !== spec.self.wxid),
  }));
  const nick = (wxid: string): string => spec.friends!.find((f) => f.wxid === wxid)?.nickName ?? wxid;
  const xmlKinds: SendSpec['kind'][] = ['link', 'file', 'location', 'card', 'mini-program', 'transfer'];
  return [
    {
      name: 'plain-text',
      description: 'private text, no plugin replies',
      count: 200,
      inject: (sim, i) => sim.say({ from: friends[i % friends.length]!, text: `hello there, message number ${i}` }),
    },
    {
      name: 'room-text-mentions',
      description: 'room text @bot and @member',
      count: 200,
      inject: (sim, i) => {
        const room = rooms[i % rooms.length]!;
        const from = room.members[i % room.members.length]!;
        const other = room.members[(i + 7) % room.members.length]!;
        sim.say({ from, room: room.id, text: `@${spec.self.nickName}\u2005@${nick(other)}\u2005look at this ${i}` });
      },
    },
    {
      name: 'xml-kinds',
      description: `appmsg/XML: ${xmlKinds.join(', ')}`,
      count: 180,
      inject: (sim, i) => {
        const kind = xmlKinds[i % xmlKinds.length]!;
        sim.send({
          from: friends[i % friends.length]!,
          kind,
          title: `title ${i}`,
          description: 'a description',
          url: `https://example.com/a/${i}`,
          fileName: `report-${i}.pdf`,
          card: friends[(i + 1) % friends.length]!,
          lat: 39.9,
          lng: 116.4,
          label: '北京市海淀区',
          poiName: '某地',
          amount: '￥0.01',
          appName: 'App',
        });
      },
    },
    {
      name: 'text-with-reply',
      description: 'private `ping n`: bench-pong replies (action stubbed)',
      count: 200,
      inject: (sim, i) => sim.say({ from: friends[i % friends.length]!, text: `ping ${i}` }),
    },
  ];
}

const FLOOR_NOTE =
  "a hand-written normaliser and ten awaited middlewares doing the bench plugins' own work, nothing of the framework";

export async function runPipeline(o: { smoke: boolean }, log: (s: string) => void): Promise<PipelineResult> {
  const workloads = pipelineWorkloads();
  log('  capturing wire messages from the simulator…');
  const { raws, backend, cleanup } = await captureRaws(workloads);
  const rows: PipelineRow[] = [];
  let floor: PipelineResult['floor'];
  try {
    for (const w of workloads) {
      const sample = raws.get(w.name)!;
      const actions = new ActionLog();
      const transport = { ...backend, name: 'web', capabilities: WEB_CAPABILITIES };
      const host = new PluginHost({ logger: silentLogger(), storage: createMemoryStorage(), transport, log: actions });
      await host.start(loadedPlugins());
      const recent = new RecentMessageCache();
      const directory = backend.contacts;
      const pool = rawCopies(sample);
      let seq = 0;
      const one = async (): Promise<void> => {
        const raw = pool[seq % RAW_POOL]!;
        seq++;
        const { message } = normalizeMessage(raw, { directory, recent });
        if (isChatMessage(message)) await host.dispatch({ kind: 'message', message, sentByBot: false });
      };
      const row = await timeLoop(one, () => actions.lastSeq, o);
      await host.stop();
      rows.push({ workload: w.name, description: w.description, ...row });
      log(`  ${w.name}: ${row.messagesPerSec} msg/s`);
      if (w.name === 'plain-text') {
        const names = new Map<string, string>();
        for (const raw of pool) names.set(raw.FromUserName, directory.contact(raw.FromUserName)?.nickName ?? '');
        floor = { workload: w.name, note: FLOOR_NOTE, ...(await runPipelineFloor(pool, names, o)) };
        log(`  ${w.name}, the floor: ${floor.messagesPerSec} msg/s`);
      }
    }
  } finally {
    await cleanup();
  }
  return {
    rows,
    ...(floor === undefined ? {} : { floor }),
    note: 'one thread, one message at a time (each awaited); messages are wire entries captured from the simulator; plugin actions resolve immediately',
  };
}
