// Runs the bench in --smoke mode end to end (simulator, wxbot and wechat4u
// processes, pipeline, memory, cold start) and checks the results document is
// produced and well-formed. Never asserts a timing: CI machines are noisy.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(benchDir, 'package.json'));

function isNum(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v);
}

describe('pnpm bench --smoke', () => {
  const out = mkdtempSync(join(tmpdir(), 'wxbot-bench-smoke-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes well-formed results for every suite', () => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(benchDir, 'tsconfig.json')], {
      stdio: 'pipe',
      timeout: 120_000,
    });
    const stdout = execFileSync(process.execPath, [join(benchDir, 'dist/main.js'), '--smoke', `--out=${out}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    expect(stdout).toContain('Targets:');
    const files = readdirSync(out).sort();
    expect(files).toContain('latest.json');
    expect(files.some((f) => /^\d{4}-\d\d-\d\dT.*-smoke\.json$/.test(f))).toBe(true);

    const r = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
    expect(r.version).toBe(1);
    expect(r.mode).toBe('smoke');
    expect(typeof r.machine.cpuModel).toBe('string');
    expect(r.machine.cores).toBeGreaterThan(0);
    expect(r.machine.node).toBe(process.version);

    const { latency, pipeline, memory, coldStart } = r.suites;
    for (const suite of [latency, pipeline, memory, coldStart]) expect(suite.error).toBeUndefined();

    expect(latency.rateLimiter).toMatch(/RAISED/);
    expect(isNum(latency.loopbackRttMs.p50)).toBe(true);
    expect(isNum(latency.loopbackRttPacedMs.p50)).toBe(true);
    // The minimal client (the floor) answers every ping it sees, like the two bots.
    for (const peer of [latency.wxbot, latency.wechat4u, latency.minimal]) {
      expect(peer.phases.map((p: { pattern: string }) => p.pattern)).toEqual(['steady', 'bursty']);
      for (const p of peer.phases) {
        expect(p.injected).toBeGreaterThan(0);
        expect(p.replied).toBeLessThanOrEqual(p.injected);
        expect(p.cpuMsPerMessage).toBeGreaterThan(0);
      }
      expect(peer.all.count).toBeGreaterThan(0);
    }
    expect(latency.minimal.all.count).toBeGreaterThan(0);
    // Where the time goes: every phase's CPU split by thread (Linux), every bursty phase burst by burst.
    for (const peer of [latency.wxbot, latency.wechat4u, latency.minimal, latency.warm.wxbot]) {
      for (const p of peer.phases) {
        if (process.platform === 'linux') {
          expect(p.cpuSplit.mainMsPerMessage).toBeGreaterThan(0);
          expect(p.cpuSplit.otherThreadsMsPerMessage).toBeGreaterThanOrEqual(0);
          expect(p.cpuSplit.gcPauseMsPerMessage).toBeGreaterThanOrEqual(0);
        }
        if (p.pattern === 'bursty') {
          expect(p.bursts.bursts).toBeGreaterThan(0);
          expect(p.bursts.firstReplyMs.count).toBeGreaterThan(0);
        } else expect(p.bursts).toBeUndefined();
      }
    }
    expect(stdout).toContain('Where the time goes');
    // wxbot's phases say how many API requests each message took; each message got one webwxsendmsg.
    for (const p of latency.wxbot.phases) expect(p.requestsPerMessage.webwxsendmsg).toBeGreaterThan(0);
    expect(Object.keys(latency.ratio).sort()).toEqual(['max', 'p50', 'p90', 'p99']);
    // Issue 20: the warm pass, each target once more after an unmeasured warm-up in the same process.
    for (const peer of [latency.warm.wxbot, latency.warm.wechat4u, latency.warm.minimal]) {
      expect(peer.phases.map((p: { pattern: string }) => p.pattern)).toEqual(['steady', 'bursty']);
      for (const p of peer.phases) {
        expect(p.injected).toBeGreaterThan(0);
        expect(p.replied).toBeLessThanOrEqual(p.injected);
        expect(p.cpuMsPerMessage).toBeGreaterThan(0);
      }
    }
    expect(latency.warm.warmup.count).toBeGreaterThan(0);

    expect(pipeline.rows.map((x: { workload: string }) => x.workload)).toEqual([
      'plain-text',
      'room-text-mentions',
      'xml-kinds',
      'text-with-reply',
    ]);
    for (const row of pipeline.rows) {
      expect(row.messages).toBeGreaterThan(0);
      expect(isNum(row.messagesPerSec)).toBe(true);
    }
    expect(pipeline.rows.find((x: { workload: string }) => x.workload === 'text-with-reply').repliesPerMessage).toBe(1);
    // Issue 20: the floor runs the plain-text row's messages; like that row, none of them is answered.
    expect(pipeline.floor.workload).toBe('plain-text');
    expect(pipeline.floor.messages).toBeGreaterThan(0);
    expect(isNum(pipeline.floor.usPerMessage)).toBe(true);
    expect(pipeline.floor.repliesPerMessage).toBe(0);

    expect(memory.oneAccount.contactsLoaded).toBeGreaterThan(memory.world.contacts);
    // generateWorld puts the account itself in every room, besides membersPerRoom others.
    expect(memory.oneAccount.membersLoaded).toBe(memory.world.rooms * (Number(memory.world.membersPerRoom) + 1));
    for (const m of [memory.baseline, memory.oneAccount, memory.oneAccountIdle, memory.allAccounts])
      expect(isNum(m.rssMb)).toBe(true);

    expect(coldStart.runsMs.length).toBeGreaterThan(0);
    expect(coldStart.runsMs.every(isNum)).toBe(true);
    // Issue 20: core's own start (control plane off) beside it, and the process CPU where /proc has it.
    // On a Node with the compile cache (test:node-lts) a row without it comes second.
    expect(
      coldStart.variants
        .map((v: { label: string }) => v.label)
        .filter((label: string) => !label.startsWith('wxbot, compile cache off')),
    ).toEqual([
      'floor: node + the simulator + the login chain on raw sockets, nothing else',
      'wxbot, api: { enabled: false }',
      'wxbot, QR-event marker preloaded',
    ]);
    for (const v of coldStart.variants) expect(v.runsMs.every(isNum)).toBe(true);
    expect(coldStart.variants.filter((v: { floor?: boolean }) => v.floor === true)).toHaveLength(1);
    if (process.platform === 'linux') expect(coldStart.cpuMedianMs).toBeGreaterThan(0);

    expect(r.targets.map((t: { name: string }) => t.name)).toEqual([
      'bursty p50 vs wechat4u',
      'bursty p90 vs wechat4u',
      'bursty p99 vs wechat4u',
      'bursty CPU per message vs wechat4u',
      'CPU per reply, steady (ms)',
      'reply p50, steady phase',
      'CPU per reply, steady, warm (ms)',
      'bursty p50 / p90 / p99 / CPU vs wechat4u, warm',
      'pipeline plain text',
      'RSS per added account, large world',
      'RSS per added account, small world (2 → 4 accounts)',
      'RSS, large world, 1 account right after login',
      'cold start',
    ]);
    const goal = (name: string): string => r.targets.find((t: { name: string }) => t.name === name).goal;
    expect(goal('pipeline plain text')).toMatch(/floor \(no framework\) \d+ msg\/s/);
    expect(goal('cold start')).toMatch(/floor \(node \+ simulator \+ raw login chain\) [\d.]+ ms/);
    expect(latency.floor.replyFloorMs).toBeGreaterThan(0);
    expect(latency.floor.replyFloorPacedMs).toBeGreaterThan(0);
    expect(memory.peer.perAddedAccount).toBeDefined();
    expect(coldStart.peer.runsMs.length).toBeGreaterThan(0);
  }, 240_000);
});
