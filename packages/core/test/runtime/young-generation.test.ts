import { spawnSync } from 'node:child_process';

import {
  capYoungGeneration,
  releaseYoungGeneration,
  YOUNG_GENERATION_FLAG,
  YOUNG_GENERATION_RELEASE_FLAG,
} from '../../src/runtime/young-generation.js';

function decide(execArgv: string[], nodeOptions: string | undefined): string[] {
  const set: string[] = [];
  capYoungGeneration({ execArgv, nodeOptions, setFlags: (f) => set.push(f) });
  return set;
}

describe('capYoungGeneration', () => {
  it('stops young-generation growth when the process has no sizing flags of its own', () => {
    expect(decide([], undefined)).toEqual([YOUNG_GENERATION_FLAG]);
    expect(decide(['--enable-source-maps'], '--max-old-space-size=512')).toEqual([YOUNG_GENERATION_FLAG]);
  });

  it.each([
    [['--max-semi-space-size=16'], ''],
    [['--max_semi_space_size=4'], ''],
    [[], '--min-semi-space-size=2'],
    [[], '--enable-source-maps --semi-space-growth-factor=4'],
    [['--max-heap-size=256'], ''],
  ])('leaves the choice to the user given %j / NODE_OPTIONS=%j', (execArgv, nodeOptions) => {
    expect(decide(execArgv, nodeOptions)).toEqual([]);
  });

  // The run-time flag is an implementation detail of V8 ("may simply do nothing"), so check that this
  // Node still honours it: a child keeping ~40 MB of young objects alive must not grow its new space.
  it('keeps the new space at its starting size in a real node process (this Node honours the flag)', () => {
    const child = `
      const v8 = require('node:v8');
      if (process.argv[1] === 'cap') v8.setFlagsFromString(process.argv[2]);
      const keep = [];
      for (let i = 0; i < 1e6; i++) keep.push({ i, s: 'x' + i });
      const ns = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
      process.stdout.write(String(ns.space_size));
    `;
    const run = (mode: string): number => {
      const r = spawnSync(process.execPath, ['-e', child, mode, YOUNG_GENERATION_FLAG], {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      expect(r.status).toBe(0);
      return Number(r.stdout);
    };
    const MB = 1024 * 1024;
    const capped = run('cap');
    const grown = run('default');
    expect(capped).toBeLessThanOrEqual(2 * MB);
    expect(grown).toBeGreaterThan(capped);
  });
});

describe('releaseYoungGeneration', () => {
  it("puts back V8's growth only where the cap was set (not the user's flags, not an embedding program)", () => {
    const set: string[] = [];
    const setFlags = (f: string): number => set.push(f);
    // This test process was never capped by capYoungGeneration (a recorder caps nothing).
    capYoungGeneration({ execArgv: [], nodeOptions: '', setFlags });
    expect(releaseYoungGeneration({ setFlags })).toBe(false);
    expect(releaseYoungGeneration({ capped: true, setFlags })).toBe(true);
    expect(set).toEqual([YOUNG_GENERATION_FLAG, YOUNG_GENERATION_RELEASE_FLAG]);
  });

  it('lets a capped real node process grow its new space again', () => {
    // Flags go inside the script: node reads a `--flag` after `-e <script>` as its own option.
    const child = `
      const v8 = require('node:v8');
      v8.setFlagsFromString(${JSON.stringify(YOUNG_GENERATION_FLAG)});
      if (process.argv[1] === 'release') v8.setFlagsFromString(${JSON.stringify(YOUNG_GENERATION_RELEASE_FLAG)});
      const keep = [];
      for (let i = 0; i < 1e6; i++) keep.push({ i, s: 'x' + i });
      const ns = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
      process.stdout.write(String(ns.space_size));
    `;
    const run = (mode: string): number => {
      const r = spawnSync(process.execPath, ['-e', child, mode], {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      expect(r.status).toBe(0);
      return Number(r.stdout);
    };
    const kept = run('keep');
    expect(kept).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(run('release')).toBeGreaterThan(kept);
  });
});
