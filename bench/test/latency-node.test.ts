// `pnpm bench --only=latency --latency-node=<node>`: the processes under test run on that binary, the
// simulators on the bench's own. A wrapper script stands in for another node: it notes each script it
// starts, then execs this node. Never asserts a time.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runBench, runBuiltBenchRefused } from './run-bench.js';

describe('pnpm bench --only=latency --latency-node', () => {
  const out = mkdtempSync(join(tmpdir(), 'wxbot-bench-node-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs the bot under test on the given node and records which', () => {
    const started = join(out, 'started.txt');
    const wrapper = join(out, 'node-wrapper.sh');
    // The last argument that names a .js file is the child's script (execArgv come before it).
    writeFileSync(
      wrapper,
      `#!/bin/sh\nfor a in "$@"; do case "$a" in *.js) s="$a";; esac; done\n` +
        `[ -n "$s" ] && echo "$s" >> '${started}'\nexec '${process.execPath}' "$@"\n`,
    );
    chmodSync(wrapper, 0o755);
    const stdout = runBench(
      '.latency-node-test',
      ['--only=latency', '--smoke', '--no-peer', `--latency-node=${wrapper}`, `--out=${out}`],
      180_000,
    );
    expect(stdout).toContain(`Processes under test on Node ${process.version} (${wrapper})`);
    const latency = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')).suites.latency;
    expect(latency.error).toBeUndefined();
    expect(latency.node).toEqual({ path: wrapper, version: process.version });
    for (const p of latency.wxbot.phases) expect(p.replied).toBeGreaterThan(0);
    // One wxbot process per phase, and the warm pass's, went through the wrapper; no simulator did.
    const scripts = readFileSync(started, 'utf8').trim().split('\n');
    expect(scripts.filter((s) => s.endsWith('/children/wxbot.js'))).toHaveLength(3);
    for (const p of latency.warm.wxbot.phases) expect(p.replied).toBeGreaterThan(0);
    expect(scripts.some((s) => s.endsWith('/children/sim.js'))).toBe(false);

    // A path that is no node binary is refused before anything starts, naming the flag and the path.
    const missing = join(out, 'no-such-node');
    const refused = runBuiltBenchRefused('.latency-node-test', [
      '--only=latency',
      '--smoke',
      `--latency-node=${missing}`,
    ]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`--latency-node=${missing}: cannot run it (ENOENT)`);
  });
});
