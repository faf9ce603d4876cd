// `pnpm bench --only=latency --latency-node=<node>`: the processes under test run on that binary, the
// simulators on the bench's own; `BENCH_BOT_NODE_ARGS`: node flags for the wxbot process under test. A
// wrapper script stands in for another node: it notes what it starts, then execs this node. Never asserts a time.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runBench, runBuiltBenchRefused } from './run-bench.js';

describe('pnpm bench --only=latency --latency-node, BENCH_BOT_NODE_ARGS', () => {
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

  it('hands BENCH_BOT_NODE_ARGS to the wxbot processes under test, and to nothing else', () => {
    const started = join(out, 'argv.txt');
    const wrapper = join(out, 'node-argv.sh');
    // Notes each process's whole command line, then execs this node.
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${started}'\nexec '${process.execPath}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    const stdout = runBench(
      '.latency-node-test',
      ['--only=latency', '--smoke', '--no-warm', `--latency-node=${wrapper}`, `--out=${out}`],
      180_000,
      { BENCH_BOT_NODE_ARGS: '--stack-trace-limit=17  --no-warnings' },
    );
    expect(stdout).toContain('Targets:');
    const lines = readFileSync(started, 'utf8').trim().split('\n');
    const wxbot = lines.filter((l) => l.includes('/children/wxbot.js'));
    const others = lines.filter((l) => !l.includes('/children/wxbot.js'));
    expect(wxbot).toHaveLength(2); // the fresh steady and bursty processes
    for (const l of wxbot) expect(l).toMatch(/--stack-trace-limit=17 --no-warnings .*\/children\/wxbot\.js/);
    // wechat4u and the minimal client, each once per phase, run without them.
    expect(others.filter((l) => /\/children\/(wechat4u|floor-bot)\.js/.test(l))).toHaveLength(4);
    for (const l of others) expect(l).not.toContain('--stack-trace-limit=17');
  });
});
