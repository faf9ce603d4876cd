// `BENCH_PROFILE=<dir> pnpm bench --only=latency`: beside each profile of a bot under test, the spans of
// its phases, so `profile-summary` splits a warm process's profile (warm-up, steady, bursty) per phase.
// The spans are on the profiles' clock: each lies inside its profile's own start and end. Never asserts a time.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { readProfilePhases } from '../src/profile-phases.js';
import { runBench } from './run-bench.js';

const benchDir = fileURLToPath(new URL('..', import.meta.url));

describe('BENCH_PROFILE phases', () => {
  const out = mkdtempSync(join(tmpdir(), 'wxbot-bench-phases-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('marks each profiled process’s phases on its profile’s clock, and the summary splits by them', () => {
    const prof = join(out, 'prof');
    runBench('.profile-phases-test', ['--only=latency', '--smoke', '--no-peer', `--out=${out}`], 180_000, {
      BENCH_PROFILE: prof,
    });
    const dir = join(benchDir, 'dist', '.profile-phases-test');
    const profiles = readdirSync(prof)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(prof, f));
    // One wxbot process per fresh phase, and the warm pass's.
    expect(profiles).toHaveLength(3);
    const seen: string[][] = [];
    for (const file of profiles) {
      const marked = readProfilePhases(file);
      expect(marked?.target).toBe('wxbot');
      const p = JSON.parse(readFileSync(file, 'utf8')) as { startTime: number; endTime: number };
      for (const phase of marked!.phases) {
        expect(phase.fromUs).toBeGreaterThanOrEqual(p.startTime);
        expect(phase.toUs).toBeLessThanOrEqual(p.endTime);
        expect(phase.messages).toBeGreaterThan(0);
      }
      seen.push(marked!.phases.map((ph) => ph.name));
    }
    expect(seen.map((names) => names.join(',')).sort()).toEqual(['bursty', 'steady', 'warm-up,steady,bursty']);

    const summary = execFileSync(process.execPath, [join(dir, 'profile-summary.js'), prof], { encoding: 'utf8' });
    expect(summary.match(/^### wxbot, steady: \d+ messages, \d+ ms busy on the main thread/gm)).toHaveLength(2);
    expect(summary).toMatch(/^### wxbot, warm-up: \d+ messages/m);
    expect(summary).toMatch(/^\| area \| ms \| % \| µs per message \|$/m);
  });
});
