/**
 * Bench 5: cold start — a fresh `node` process to a bot that is logged in and
 * ready. Uses `wxbot start --simulator` when the CLI has it (in a directory
 * holding a minimal `bot.config.json`: the CLI refuses to start without a
 * config), measured to the banner it prints once the bot runs (the simulator
 * confirms its own login, so there is no QR line to wait for); otherwise an
 * equivalent script (children/cold-start), measured to its first QR event.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { median, round } from '../stats.js';

export interface ColdStartResult {
  command: string;
  /** The node binary every cold-start process ran on (`--cold-start-node`, else the bench's own) and its version. */
  node?: { path: string; version: string } | undefined;
  /** Wall time from spawn to the ready line (or the script's QR line), per run. */
  runsMs: number[];
  medianMs: number;
  /** The process's CPU (user + system, all its threads, /proc) at the ready line: moves far less with machine load. */
  cpuMedianMs?: number | undefined;
  /** The child's own clock (process start → QR event), when it reports it. */
  inProcessMedianMs: number | undefined;
  note: string;
  /**
   * Issue 20 item 5: wechat4u 0.7.14 through the same steps (simulator started in
   * its process with the CLI's world and options, login, webwxinit) to its
   * 'login' event; runs interleaved with wxbot's.
   */
  peer?:
    | {
        command: string;
        runsMs: number[];
        medianMs: number;
        cpuMedianMs?: number | undefined;
        /** To its 'uuid' event (the QR it would show), the end point of cold starts before 2026-12-06. */
        qrMedianMs?: number | undefined;
      }
    | { skipped: string };
  /**
   * Issue 20: the same start with other settings or builds, interleaved run by run with the rows above:
   * the control plane switched off (`api: { enabled: false }`: what core itself costs), and with
   * `--baseline-core` this build and the older one, both through the module hook that swaps the build
   * (children/core-override: the hook's own cost lands on both).
   */
  variants?: Array<{
    label: string;
    /** The floor row (children/cold-start-floor): what no client on this machine goes below. */
    floor?: boolean;
    command: string;
    runsMs: number[];
    medianMs: number;
    cpuMedianMs?: number | undefined;
    /** Spawn → the first QR event (the row that marks it): the end point of cold starts before 2026-12-06. */
    qrMedianMs?: number | undefined;
  }>;
}

interface Variant {
  label: string;
  command: string;
  args: string[];
  cwd: string;
  env?: Record<string, string>;
  runsMs: number[];
  cpuMs: number[];
  /** A line printed at the QR event, timed too (the QR-marker row). */
  qrLine?: RegExp;
  /** Its own end line, when it is not the CLI (the floor row). */
  readyLine?: RegExp;
  floor?: boolean;
  qrMs?: number[];
}

/** The preload that prints `qr-event <ms>` at the client's first QR event (children/qr-marker.ts). */
const QR_MARKER = pathToFileURL(fileURLToPath(new URL('../children/qr-marker.js', import.meta.url))).href;
const QR_EVENT_LINE = /^qr-event [\d.]+$/m;

const WXBOT_BIN = fileURLToPath(new URL('../../../packages/core/bin/wxbot.js', import.meta.url));

/** utime + stime of a live process in ms (Linux /proc; clock ticks of 10 ms), undefined elsewhere. */
function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, inside parentheses): utime is the 14th field overall.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** sysconf(_SC_CLK_TCK): 100 on Linux for every mainstream architecture. */
const CLOCK_TICKS = 100;

function hasCompileCache(node: string): boolean {
  const r = spawnSync(node, ['-p', "typeof require('node:module').enableCompileCache"], { encoding: 'utf8' });
  return r.stdout.trim() === 'function';
}

function cliHasStart(node: string): boolean {
  const r = spawnSync(node, [WXBOT_BIN, '--help'], { encoding: 'utf8', timeout: 10_000 });
  return /\bstart\b/.test(`${r.stdout}${r.stderr}`) && /--simulator/.test(`${r.stdout}${r.stderr}`);
}

interface Once {
  wallMs: number;
  inProcessMs?: number;
  cpuMs?: number;
  /** Wall time to `earlyLine`, when given and seen first. */
  earlyMs?: number;
}

function once(
  node: string,
  args: string[],
  cwd: string,
  qrLine: RegExp,
  timeoutMs: number,
  env: Record<string, string> = {},
  earlyLine?: RegExp,
): Promise<Once> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    let earlyMs: number | undefined;
    const child = spawn(node, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // after the QR line this only cuts a slow shutdown short; exit then resolves
      if (measured === undefined)
        reject(new Error(`cold start: no ready line within ${timeoutMs} ms; output: ${out.slice(-500)}`));
    }, timeoutMs);
    let measured: Once | undefined;
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (earlyLine !== undefined && earlyMs === undefined && earlyLine.test(out)) earlyMs = performance.now() - t;
      const m = measured === undefined ? qrLine.exec(out) : null;
      if (m) {
        const wallMs = performance.now() - t;
        const inProcess = m[1] === undefined ? undefined : Number(m[1]);
        const cpuMs = child.pid === undefined ? undefined : processCpuMs(child.pid);
        measured = {
          wallMs,
          ...(inProcess === undefined ? {} : { inProcessMs: inProcess }),
          ...(cpuMs === undefined ? {} : { cpuMs }),
          ...(earlyMs === undefined ? {} : { earlyMs }),
        };
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    // Settled on exit, not at the QR line: the next run must not start while this one shuts down.
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (measured !== undefined) resolve(measured);
      else reject(new Error(`cold start: exited (${code}) before the ready line; output: ${out.slice(-500)}`));
    });
  });
}

export async function runColdStart(
  o: { smoke: boolean; peer?: boolean; baselineCore?: string; baselineServer?: string; node?: string },
  log: (s: string) => void,
): Promise<ColdStartResult> {
  const runs = o.smoke ? 1 : 7;
  const cwd = mkdtempSync(join(tmpdir(), 'wxbot-bench-cwd-'));
  const apiOffCwd = mkdtempSync(join(tmpdir(), 'wxbot-bench-cwd-'));
  try {
    // `--cold-start-node`: every process of this suite (wxbot's rows and the peer's) on that binary.
    const node = o.node ?? process.execPath;
    const nodeVersion = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    const useCli = cliHasStart(node);
    // The smallest project the CLI accepts: a config with no plugins.
    writeFileSync(join(cwd, 'bot.config.json'), '{"plugins":[]}\n');
    writeFileSync(join(apiOffCwd, 'bot.config.json'), '{"plugins":[],"api":{"enabled":false}}\n');
    const variants: Variant[] = useCli ? cliVariants(apiOffCwd, cwd, o.baselineCore, o.baselineServer) : [];
    // A Node with the compile cache (22.1+): the same start without it, to show what the bin's cache buys.
    if (useCli && hasCompileCache(node))
      variants.splice(1, 0, {
        label: 'wxbot, compile cache off (NODE_DISABLE_COMPILE_CACHE=1)',
        command: 'NODE_DISABLE_COMPILE_CACHE=1 node packages/core/bin/wxbot.js start --simulator',
        args: [WXBOT_BIN, 'start', '--simulator'],
        cwd,
        env: { NODE_DISABLE_COMPILE_CACHE: '1' },
        runsMs: [],
        cpuMs: [],
      });
    const script = fileURLToPath(new URL('../children/cold-start.js', import.meta.url));
    const args = useCli ? [WXBOT_BIN, 'start', '--simulator'] : [script];
    // The CLI prints its banner (stderr when piped) once the bot is logged in and running.
    const qrLine = useCli ? /running against the simulator/ : /^qr ([\d.]+)$/m;
    const wall: number[] = [];
    const cpu: number[] = [];
    const inner: number[] = [];
    const peerScript = fileURLToPath(new URL('../children/cold-start-wechat4u.js', import.meta.url));
    const peerLine = /^ready ([\d.]+)$/m;
    const peerQrLine = /^qr [\d.]+$/m;
    const peerWall: number[] = [];
    const peerCpu: number[] = [];
    const peerQr: number[] = [];
    let peerError: string | undefined = o.peer === false ? 'not requested' : undefined;
    // Warm the OS file cache (and, where the bin turns it on, Node's compile cache); not counted.
    if (!o.smoke) await once(node, args, cwd, qrLine, 30_000);
    if (!o.smoke) for (const v of variants) await once(node, v.args, v.cwd, v.readyLine ?? qrLine, 30_000, v.env);
    if (!o.smoke && peerError === undefined)
      await once(node, [peerScript], cwd, peerLine, 30_000).catch(() => undefined);
    for (let i = 0; i < runs; i++) {
      const r = await once(node, args, cwd, qrLine, 30_000);
      wall.push(round(r.wallMs, 1));
      if (r.cpuMs !== undefined) cpu.push(r.cpuMs);
      if (r.inProcessMs !== undefined) inner.push(r.inProcessMs);
      for (const v of variants) {
        const vr = await once(node, v.args, v.cwd, v.readyLine ?? qrLine, 30_000, v.env, v.qrLine);
        v.runsMs.push(round(vr.wallMs, 1));
        if (vr.cpuMs !== undefined) v.cpuMs.push(vr.cpuMs);
        if (vr.earlyMs !== undefined) v.qrMs?.push(round(vr.earlyMs, 1));
      }
      // Interleaved, so a noisy spell on the shared machine lands on both.
      if (peerError === undefined) {
        try {
          const pr = await once(node, [peerScript], cwd, peerLine, 30_000, {}, peerQrLine);
          peerWall.push(round(pr.wallMs, 1));
          if (pr.cpuMs !== undefined) peerCpu.push(pr.cpuMs);
          if (pr.earlyMs !== undefined) peerQr.push(round(pr.earlyMs, 1));
        } catch (err) {
          peerError = `wechat4u failed: ${err instanceof Error ? err.message : String(err)}`;
        }
      }
    }
    log(
      `  cold start median ${median(wall)} ms over ${runs} run(s)${peerWall.length ? `; wechat4u ${median(peerWall)} ms` : ''}${variants.map((v) => `; ${v.label} ${median(v.runsMs)} ms`).join('')}`,
    );
    return {
      command: useCli ? 'node packages/core/bin/wxbot.js start --simulator' : 'node bench/dist/children/cold-start.js',
      node: { path: node, version: nodeVersion },
      runsMs: wall,
      medianMs: round(median(wall), 1),
      cpuMedianMs: cpu.length ? round(median(cpu), 1) : undefined,
      inProcessMedianMs: inner.length ? round(median(inner), 1) : undefined,
      note: useCli
        ? 'spawn → the CLI\'s "running against the simulator" banner: config loaded (bot.config.json, 0 plugins), simulator started, logged in, initialised. Not comparable with runs before 2026-12-06, which stopped at the QR line (the simulator mode no longer prints one)'
        : '`wxbot start --simulator` has not landed (cli/main.ts knows only --help/--version): measured the same steps (load core + simulator, start a simulator, createClient, first qr event) in a script',
      ...(variants.length > 0
        ? {
            variants: variants.map((v) => ({
              label: v.label,
              ...(v.floor ? { floor: true } : {}),
              command: v.command,
              runsMs: v.runsMs,
              medianMs: round(median(v.runsMs), 1),
              cpuMedianMs: v.cpuMs.length ? round(median(v.cpuMs), 1) : undefined,
              qrMedianMs: v.qrMs?.length ? round(median(v.qrMs), 1) : undefined,
            })),
          }
        : {}),
      peer:
        peerError !== undefined
          ? { skipped: peerError }
          : {
              command: 'node bench/dist/children/cold-start-wechat4u.js',
              runsMs: peerWall,
              medianMs: round(median(peerWall), 1),
              cpuMedianMs: peerCpu.length ? round(median(peerCpu), 1) : undefined,
              qrMedianMs: peerQr.length ? round(median(peerQr), 1) : undefined,
            },
    };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
    rmSync(apiOffCwd, { recursive: true, force: true });
  }
}

/** The CLI's start with the control plane off; with a baseline build, this build and that one through the hook. */
function cliVariants(
  apiOffCwd: string,
  cwd: string,
  baselineCore: string | undefined,
  baselineServer: string | undefined,
): Variant[] {
  const start = ['start', '--simulator'];
  const out: Variant[] = [
    {
      label: 'floor: node + the simulator + the login chain on raw sockets, nothing else',
      command: 'node bench/dist/children/cold-start-floor.js',
      args: [fileURLToPath(new URL('../children/cold-start-floor.js', import.meta.url))],
      cwd,
      readyLine: /^ready [\d.]+/m,
      floor: true,
      runsMs: [],
      cpuMs: [],
    },
    {
      label: 'wxbot, api: { enabled: false }',
      command: 'node packages/core/bin/wxbot.js start --simulator (bot.config.json with api.enabled false)',
      args: [WXBOT_BIN, ...start],
      cwd: apiOffCwd,
      runsMs: [],
      cpuMs: [],
    },
    {
      // The end point of cold starts before 2026-12-06 (then measured with no config): the first QR event,
      // marked by a preload at the client's first login poll, which follows the event at once.
      label: 'wxbot, QR-event marker preloaded',
      command: 'node --import qr-marker.js packages/core/bin/wxbot.js start --simulator',
      args: ['--import', QR_MARKER, WXBOT_BIN, ...start],
      cwd,
      runsMs: [],
      cpuMs: [],
      qrLine: QR_EVENT_LINE,
      qrMs: [],
    },
  ];
  const hook = pathToFileURL(fileURLToPath(new URL('../children/core-override.js', import.meta.url))).href;
  if (baselineServer !== undefined) out.push(...serverVariants(hook, cwd, baselineServer));
  if (baselineCore === undefined) return out;
  const cli = fileURLToPath(new URL('../children/cold-start-cli.js', import.meta.url));
  const thisDist = fileURLToPath(new URL('../../../packages/core/dist', import.meta.url));
  const rows: Array<[string, Record<string, string>]> = [
    ['wxbot (this build, through the override hook)', { BENCH_CORE_DIST: thisDist }],
    ['wxbot before (--baseline-core, through the override hook)', { BENCH_CORE_DIST: baselineCore }],
  ];
  // Both baselines: the whole older start (its core and its server) beside this build's.
  if (baselineServer !== undefined)
    rows.push([
      'wxbot before (--baseline-core and --baseline-server, through the override hook)',
      { BENCH_CORE_DIST: baselineCore, BENCH_SERVER_DIST: baselineServer },
    ]);
  for (const [label, env] of rows)
    out.push({
      label,
      command: `node --import core-override.js --import qr-marker.js bench/dist/children/cold-start-cli.js start --simulator (${Object.entries(
        env,
      )
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')})`,
      // The QR-event marker too: both builds' time to the first QR event, side by side.
      args: ['--import', hook, '--import', QR_MARKER, cli, ...start],
      cwd,
      env,
      runsMs: [],
      cpuMs: [],
      qrLine: QR_EVENT_LINE,
      qrMs: [],
    });
  return out;
}

/**
 * `--baseline-server`: the CLI's own start, with `@wxbot/server` resolved to this build and to the older
 * one through the module hook (children/core-override, BENCH_SERVER_DIST): what a control-plane change bought.
 */
function serverVariants(hook: string, cwd: string, baselineServer: string): Variant[] {
  const thisDist = fileURLToPath(new URL('../../../packages/server/dist', import.meta.url));
  return (
    [
      ['wxbot (this @wxbot/server, through the override hook)', thisDist],
      ['wxbot, @wxbot/server before (--baseline-server, through the override hook)', baselineServer],
    ] as const
  ).map(([label, dist]) => ({
    label,
    command: `node --import core-override.js packages/core/bin/wxbot.js start --simulator (BENCH_SERVER_DIST=${dist})`,
    args: ['--import', hook, WXBOT_BIN, 'start', '--simulator'],
    cwd,
    env: { BENCH_SERVER_DIST: dist },
    runsMs: [],
    cpuMs: [],
  }));
}
