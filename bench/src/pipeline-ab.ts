/**
 * The pipeline suite's loop for two core builds in one process, in alternating rounds (issue 20). Separate
 * runs of the suite moved ±20 % on a VM, enough to hide a 12 % difference between builds or to make one up;
 * in one process both builds meet the same machine spell, round by round. Each build captures its own wire
 * messages from its own simulator, normalises them with its own normaliser and dispatches them to its own
 * bench plugins (those of its checkout's `bench/dist`), so the other checkout must be installed and built:
 * `pnpm install --frozen-lockfile && npx tsc -b tsconfig.build.json && (cd bench && npx tsc -p tsconfig.json)`.
 *
 *   node bench/dist/pipeline-ab.js --other=/abs/path/to/other/checkout [--rounds=8] [--round-ms=1500]
 *                                  [--workloads=plain-text,room-text-mentions,text-with-reply]
 *
 * Prints µs per message per round for each build and "this ÷ other", the geometric mean of the rounds' time
 * ratio (< 1: this checkout faster). Builds from before the transport seam (a9acd4b) are understood: their
 * `PluginHost` takes `backend`, their client comes from the root entry.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import type { ActionBackend, RawMessage } from '@wxbot/core';
import type { createSimulator } from '@wxbot/simulator';

import { silentLogger } from './harness/wxbot.js';
import {
  capture,
  captureClientOptions,
  pipelineWorkloads,
  rawCopies,
  stubBackend,
  WORLD,
  type Workload,
} from './suites/pipeline.js';

type Sim = Awaited<ReturnType<typeof createSimulator>>;

/** What this tool uses of a checkout's built core; `unknown` where builds differ and only pass values along. */
interface CoreBuild {
  MemorySessionStore: new () => unknown;
  ActionLog: new () => unknown;
  RecentMessageCache: new () => unknown;
  PluginHost: new (options: Record<string, unknown>) => {
    start(plugins: unknown): Promise<void>;
    stop(): Promise<void>;
    dispatch(event: unknown): Promise<unknown>;
  };
  createMemoryStorage(): unknown;
  normalizeMessage(raw: RawMessage, o: { directory: unknown; recent: unknown }): { message: unknown };
  isChatMessage(message: unknown): boolean;
  /** Since the transport seam; its absence means `PluginHost` takes `backend`. */
  WEB_CAPABILITIES?: unknown;
  /** Before the `@wxbot/core/client` entry. */
  createClient?: CreateClient;
}

type CreateClient = (
  options: Record<string, unknown>,
  tuning: Record<string, unknown>,
) => {
  contacts: unknown;
  setMessageHandler(handler: (m: { raw: RawMessage }) => Promise<void>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
};

interface SimulatorBuild {
  createSimulator(o: Record<string, unknown>): Promise<Sim>;
  generateWorld(spec: typeof WORLD): unknown;
}

const load = async <T>(path: string): Promise<T> => (await import(pathToFileURL(path).href)) as T;

/**
 * One build (its checkout's `root`, and the bench plugins built against it), ready to run rounds of one
 * workload; `round` returns µs per message of a round of about `ms`.
 */
async function prepare(
  root: string,
  plugins: string,
  workload: Workload,
): Promise<{ round(ms: number): Promise<number>; close(): Promise<void> }> {
  // Each build as it ships: from its bundle when it has one (decision 0034), else tsc's files.
  const bundled = existsSync(join(root, 'packages/core/dist/bundle/index.js'));
  const dist = join(root, 'packages/core/dist');
  const core = await load<CoreBuild>(join(dist, bundled ? 'bundle/index.js' : 'index.js'));
  const clientEntry = join(dist, bundled ? 'bundle/client.js' : 'client/index.js');
  const createClient = existsSync(clientEntry)
    ? (await load<{ createClient: CreateClient }>(clientEntry)).createClient
    : core.createClient;
  if (createClient === undefined) throw new Error(`${root}: its core exports no createClient`);
  const simulator = await load<SimulatorBuild>(join(root, 'packages/simulator/dist/index.js'));
  const { loadedPlugins } = await load<{ loadedPlugins(): unknown }>(plugins);

  const sim = await simulator.createSimulator({
    world: simulator.generateWorld(WORLD),
    autoConfirm: true,
    loginPollHoldMs: 100,
    synccheckHoldMs: 200,
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'wxbot-bench-pipe-ab-'));
  const client = createClient(...captureClientOptions(dataDir, new core.MemorySessionStore(), sim));
  const got: RawMessage[] = [];
  client.setMessageHandler(async (m) => {
    got.push(m.raw);
  });
  try {
    await client.start();
    await capture(workload, sim, got);
  } finally {
    await client.stop();
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const backend = stubBackend(client.contacts as ActionBackend['contacts']);
  const common = { logger: silentLogger(), storage: core.createMemoryStorage(), log: new core.ActionLog() };
  const host = new core.PluginHost(
    core.WEB_CAPABILITIES === undefined
      ? { ...common, backend }
      : { ...common, transport: { ...backend, name: 'web', capabilities: core.WEB_CAPABILITIES } },
  );
  await host.start(loadedPlugins());
  const recent = new core.RecentMessageCache();
  const pool = rawCopies(got);
  let seq = 0;
  const one = async (): Promise<void> => {
    const raw = pool[seq % pool.length]!;
    seq++;
    const { message } = core.normalizeMessage(raw, { directory: client.contacts, recent });
    if (core.isChatMessage(message)) await host.dispatch({ kind: 'message', message, sentByBot: false });
  };
  for (let i = 0; i < 20_000; i++) await one();
  return {
    round: async (ms) => {
      const t = performance.now();
      let n = 0;
      do {
        for (let i = 0; i < 500; i++) await one();
        n += 500;
      } while (performance.now() - t < ms);
      return ((performance.now() - t) * 1000) / n;
    },
    close: () => host.stop(),
  };
}

const geomean = (v: readonly number[]): number => Math.exp(v.reduce((s, x) => s + Math.log(x), 0) / v.length);

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      other: { type: 'string' },
      rounds: { type: 'string', default: '8' },
      'round-ms': { type: 'string', default: '1500' },
      workloads: { type: 'string', default: 'plain-text,room-text-mentions,text-with-reply' },
    },
  });
  const all = pipelineWorkloads();
  const fail = (why: string): number => {
    process.stderr.write(`pipeline-ab: ${why}\n`);
    return 2;
  };
  if (values.other === undefined) return fail('--other=<path of another checkout, installed and built> is required');
  const other = resolve(values.other);
  for (const needed of ['packages/core/dist/index.js', 'packages/simulator/dist/index.js', 'bench/dist/plugins.js'])
    if (!existsSync(join(other, needed)))
      return fail(`--other: ${join(other, needed)} is missing (install and build that checkout first)`);
  const rounds = Number(values.rounds);
  const roundMs = Number(values['round-ms']);
  if (!Number.isInteger(rounds) || rounds < 1) return fail(`--rounds: "${values.rounds}" is not a whole number ≥ 1`);
  if (!Number.isFinite(roundMs) || roundMs <= 0) return fail(`--round-ms: "${values['round-ms']}" is not a duration`);
  const names = values.workloads.split(',').map((s) => s.trim());
  for (const name of names)
    if (!all.some((w) => w.name === name))
      return fail(`--workloads: unknown workload "${name}" (choose from ${all.map((w) => w.name).join(', ')})`);

  // This checkout: the one whose core this script resolves (packages/core/package.json, two levels down).
  const here = resolve(fileURLToPath(import.meta.resolve('@wxbot/core/package.json')), '../../..');
  console.log(`pipeline A/B in one process, node ${process.version}: this = ${here}, other = ${other}`);
  console.log('| workload | this µs/msg per round | other µs/msg per round | this ÷ other (time) |');
  console.log('|---|---|---|---|');
  for (const name of names) {
    const workload = all.find((w) => w.name === name)!;
    // This build's plugins are the ones built beside this script (bench/dist, or a test's own build directory).
    const mine = await prepare(here, fileURLToPath(new URL('./plugins.js', import.meta.url)), workload);
    const theirs = await prepare(other, join(other, 'bench/dist/plugins.js'), workload);
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // Who goes first alternates: a round that follows the other build's pays for its garbage.
      if (r % 2 === 0) {
        a.push(await mine.round(roundMs));
        b.push(await theirs.round(roundMs));
      } else {
        b.push(await theirs.round(roundMs));
        a.push(await mine.round(roundMs));
      }
    }
    await mine.close();
    await theirs.close();
    const show = (v: number[]): string => v.map((x) => x.toFixed(2)).join(' / ');
    console.log(`| ${name} | ${show(a)} | ${show(b)} | ${(geomean(a) / geomean(b)).toFixed(3)} |`);
  }
  return 0;
}

process.exitCode = await main();
