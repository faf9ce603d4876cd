/**
 * The phases of a profiled process (`BENCH_PROFILE`): which span of its `.cpuprofile` was the warm-up, the
 * steady phase or the bursty one, so `profile-summary` can say where each phase's time went instead of
 * one blend of all of them. A warm process's profile holds 10,000 unmeasured messages, then both measured
 * phases; a row of the targets is one phase.
 *
 * Spans are on the profile's own clock: V8 stamps samples with the monotonic clock in microseconds
 * (`startTime`, `timeDeltas`), the clock `process.hrtime` reads, the same for every process on the machine.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface ProfilePhase {
  /** `warm-up`, `steady`, `bursty`. */
  name: string;
  fromUs: number;
  toUs: number;
  /** Messages injected in it: the summary gives CPU per message per area. */
  messages: number;
}

export interface ProfilePhases {
  /** The process under test, as the latency suite names it (`wxbot`, `wechat4u`, `minimal client`). */
  target: string;
  phases: ProfilePhase[];
}

/** Now, on the clock of a `.cpuprofile`'s timestamps. */
export function profileClockUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

function phasesPath(dir: string, pid: number): string {
  return join(dir, `phases-${pid}.json`);
}

export function writeProfilePhases(dir: string, pid: number, target: string, phases: readonly ProfilePhase[]): void {
  const doc: ProfilePhases = { target, phases: [...phases] };
  // Node makes the --cpu-prof-dir only when the process exits, after this.
  mkdirSync(dir, { recursive: true });
  writeFileSync(phasesPath(dir, pid), `${JSON.stringify(doc, null, 2)}\n`);
}

/**
 * The phases written beside a profile by the process that ran it: node names profiles
 * `CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`. Undefined when there are none (a profile taken
 * by hand, or by a suite that marks no phases) or the file is not a phases document.
 */
export function readProfilePhases(profile: string): ProfilePhases | undefined {
  const pid = /^CPU\.\d+\.\d+\.(\d+)\./.exec(basename(profile))?.[1];
  if (pid === undefined) return undefined;
  const path = phasesPath(dirname(profile), Number(pid));
  if (!existsSync(path)) return undefined;
  const doc = JSON.parse(readFileSync(path, 'utf8')) as Partial<ProfilePhases>;
  if (typeof doc.target !== 'string' || !Array.isArray(doc.phases)) return undefined;
  const phases = doc.phases.filter(
    (p): p is ProfilePhase =>
      typeof p?.name === 'string' &&
      Number.isFinite(p.fromUs) &&
      Number.isFinite(p.toUs) &&
      p.toUs > p.fromUs &&
      Number.isFinite(p.messages),
  );
  return { target: doc.target, phases };
}
