/**
 * Summarises the `.cpuprofile` files that `BENCH_PROFILE=<dir>` leaves (one per
 * bot process) into self time per area of the code and the top functions.
 *
 *   node bench/dist/profile-summary.js <file.cpuprofile | dir> [--top=25]
 *
 * Self time (the samples whose leaf is the function) is what the function
 * itself costs; the areas group it by where the code lives, so "journal" or
 * "http" reads as a share of the process's CPU.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { readProfilePhases, type ProfilePhase } from './profile-phases.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber?: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** First match wins: the more specific paths first. */
const AREAS: readonly [string, RegExp][] = [
  [
    'journal / session store',
    /core\/dist\/(client\/(journal|cursor-keeper|session-keeper|spool)|session\/|store\/|util\/atomic-write)/,
  ],
  ['logging (pino)', /(\/pino[/-]|core\/dist\/log\/|sonic-boom|fast-redact|thread-stream)/],
  ['echo sync / send reconcile', /core\/dist\/client\/(echo|send-reconcile|send-causes)/],
  ['send path / outbox', /core\/dist\/client\/(outbox|send-path|send-policy|refusal-wait|actions)/],
  ['sync loop / answers', /core\/dist\/client\/(sync-loop|sync-answer|inbox|cursor-policy|history-cutoff)/],
  ['http client (core)', /core\/dist\/client\/(http|cookies|api|proxy|cred)/],
  ['cookies (tough-cookie)', /(tough-cookie|tldts|http-cookie-agent)/],
  ['normaliser / message', /core\/dist\/message\//],
  ['protocol', /core\/dist\/protocol\//],
  ['contacts', /core\/dist\/contact\//],
  ['plugins / host', /(core\/dist\/(plugin|bot|transport)\/|bench\/dist\/plugins)/],
  ['core (other)', /core\/dist\//],
  ['wechat4u', /wechat4u/],
  ['axios', /(axios|follow-redirects)/],
  ['node:http / net', /^node:(_http|http|net|_stream|stream|internal\/(streams|http|net|stream_base|js_stream))/],
  ['node (other)', /^node:/],
];

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** `us`: the same time unrounded, in microseconds. */
  areas: { area: string; ms: number; us: number; share: number }[];
  top: { fn: string; where: string; area: string; ms: number; share: number }[];
}

function areaOf(frame: CallFrame): string {
  if (frame.url === '') {
    if (frame.functionName === '(garbage collector)') return 'GC';
    if (frame.functionName === '(idle)' || frame.functionName === '(program)') return 'idle';
    // JSON.parse/stringify, Buffer/string builtins, (root): V8's own frames carry no URL.
    return frame.functionName === 'parse' || frame.functionName === 'stringify' ? 'JSON (native)' : 'native (other)';
  }
  for (const [name, re] of AREAS) if (re.test(frame.url)) return name;
  return 'other';
}

const BUNDLE = /^(file:\/\/.*\/packages\/(?:core|simulator|server)\/dist\/)bundle\/[^/]+\.js$/;

/**
 * Core, the simulator and the server run from bundles (decision 0034): a frame in a chunk is moved, through
 * the chunk's source map, to the module it came from, written as tsc's file (`…/core/dist/client/journal.js`),
 * so the areas and the top functions read as they did before the bundles (with the source's line numbers).
 */
function unbundler(): (frame: CallFrame) => CallFrame {
  const maps = new Map<string, SourceMap | null>();
  return (frame) => {
    const m = BUNDLE.exec(frame.url);
    if (m === null) return frame;
    let map = maps.get(frame.url);
    if (map === undefined) {
      const path = `${fileURLToPath(frame.url)}.map`;
      map = existsSync(path) ? new SourceMap(JSON.parse(readFileSync(path, 'utf8')) as never) : null;
      maps.set(frame.url, map);
    }
    const entry = map?.findEntry(frame.lineNumber, frame.columnNumber ?? 0) as
      { originalSource?: string; originalLine?: number } | undefined;
    const source = entry?.originalSource;
    if (source === undefined || !/\bsrc\/.+\.ts$/.test(source)) return frame;
    const module = source.replace(/^.*?\bsrc\//, '').replace(/\.ts$/, '.js');
    return { ...frame, url: `${m[1]}${module}`, lineNumber: entry?.originalLine ?? frame.lineNumber };
  };
}

/** A span of a profile, on its clock (µs): only the samples taken inside it count. */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
}

export function summarise(file: string, topN = 25, window?: ProfileWindow): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const located = unbundler();
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  // Sample i was taken at startTime + timeDeltas[0..i]; it stands for the time since the one before.
  let at = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    const delta = p.timeDeltas[i] ?? 0;
    at += delta;
    if (window !== undefined && (at < window.fromUs || at > window.toUs)) continue;
    const id = p.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  }
  const areas = new Map<string, number>();
  const fns = new Map<string, { fn: string; where: string; area: string; us: number }>();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const f = located(byId.get(id)!.callFrame);
    const area = areaOf(f);
    if (area === 'idle') continue;
    busyUs += us;
    areas.set(area, (areas.get(area) ?? 0) + us);
    const where = f.url ? `${f.url.replace(/^.*\/(node_modules|packages)\//, '')}:${f.lineNumber + 1}` : '(native)';
    const key = `${f.functionName}@${where}`;
    const e = fns.get(key) ?? { fn: f.functionName || '(anonymous)', where, area, us: 0 };
    e.us += us;
    fns.set(key, e);
  }
  const share = (us: number): number => Math.round((1000 * us) / Math.max(1, busyUs)) / 10;
  return {
    file: basename(file),
    totalMs: Math.round(busyUs / 1000),
    areas: [...areas]
      .sort((a, b) => b[1] - a[1])
      .map(([area, us]) => ({ area, ms: Math.round(us / 1000), us, share: share(us) })),
    top: [...fns.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, topN)
      .map((e) => ({ fn: e.fn, where: e.where, area: e.area, ms: Math.round(e.us / 1000), share: share(e.us) })),
  };
}

function render(s: ProfileSummary): string {
  const lines = [`## ${s.file}: ${s.totalMs} ms busy (idle excluded)`, '', '| area | ms | % |', '|---|---|---|'];
  for (const a of s.areas) lines.push(`| ${a.area} | ${a.ms} | ${a.share} |`);
  lines.push('', '| function | where | area | self ms | % |', '|---|---|---|---|---|');
  for (const t of s.top) lines.push(`| ${t.fn} | ${t.where} | ${t.area} | ${t.ms} | ${t.share} |`);
  return lines.join('\n');
}

/** One phase of a marked profile: its main thread's time per area, also per message. */
export function renderPhase(target: string, phase: ProfilePhase, s: ProfileSummary): string {
  const n = Math.max(1, phase.messages);
  const busyUs = s.areas.reduce((sum, a) => sum + a.us, 0);
  const perMessage = (us: number): string => (us / n).toFixed(1);
  const lines = [
    `### ${target}, ${phase.name}: ${phase.messages} messages, ${s.totalMs} ms busy on the main thread ` +
      `(${(busyUs / n / 1000).toFixed(3)} ms per message)`,
    '',
    '| area | ms | % | µs per message |',
    '|---|---|---|---|',
  ];
  for (const a of s.areas) lines.push(`| ${a.area} | ${a.ms} | ${a.share} | ${perMessage(a.us)} |`);
  lines.push('', '| function | where | area | self ms | % |', '|---|---|---|---|---|');
  for (const t of s.top) lines.push(`| ${t.fn} | ${t.where} | ${t.area} | ${t.ms} | ${t.share} |`);
  return lines.join('\n');
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(basename(process.argv[1]));
if (isMain) {
  const args = process.argv.slice(2);
  const top = Number(/^--top=(\d+)$/.exec(args.find((a) => a.startsWith('--top=')) ?? '')?.[1] ?? 25);
  const target = args.find((a) => !a.startsWith('--'));
  if (!target) {
    process.stderr.write('usage: node bench/dist/profile-summary.js <file.cpuprofile | dir> [--top=25]\n');
    process.exit(2);
  }
  const files = statSync(target).isDirectory()
    ? readdirSync(target)
        .filter((f) => f.endsWith('.cpuprofile'))
        .sort()
        .map((f) => join(target, f))
    : [target];
  for (const f of files) {
    process.stdout.write(`${render(summarise(f, top))}\n\n`);
    const marked = readProfilePhases(f);
    for (const phase of marked?.phases ?? []) {
      process.stdout.write(`${renderPhase(marked!.target, phase, summarise(f, Math.min(top, 12), phase))}\n\n`);
    }
  }
}
