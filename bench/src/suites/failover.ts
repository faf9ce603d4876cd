/**
 * Failover (issue 17): W worker processes share N small accounts of one multi-account simulator (in this
 * process) over one Redis (REDIS_URL, default 127.0.0.1:6379; keys under a random root, deleted after). Each
 * round kills one worker with SIGKILL, says `ping <n>` to each of its accounts at once, and times until each
 * answers (the survivors take the leases over after the ttl and resume by hot login); then restarts the
 * worker, lets the pool re-spread, and says `ping <n>` to every account (the hand-back to the restarted worker
 * must lose nothing either). Lost: pings with no accepted `pong`; duplicated: pings with more than one;
 * re-scans: QR codes shown for accounts that had logged in before. Figures are printed, never asserted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { createSimulator, type Simulator } from '@wxbot/simulator';
import { connectRedis, listAccounts } from '@wxbot/store-redis';

import { summarize, type LatencySummary } from '../stats.js';

export interface FailoverOptions {
  readonly smoke: boolean;
  readonly accounts?: number;
  readonly workers?: number;
  readonly kills?: number;
  readonly ttlMs?: number;
}

export interface FailoverResult {
  accounts: number;
  workers: number;
  kills: number;
  ttlMs: number;
  /** Kill → the account's first accepted pong, per account of a killed worker. */
  takeoverMs: LatencySummary;
  pings: number;
  lost: number;
  duplicated: number;
  rescans: number;
  /** The first logins of every account (one QR scan each), ms. */
  initialLoginMs: number;
  durationMs: number;
  note: string;
}

const child = fileURLToPath(new URL('../children/failover-worker.js', import.meta.url));

interface Proc {
  id: string;
  proc: ChildProcess;
}

export async function runFailover(options: FailoverOptions, log: (s: string) => void): Promise<FailoverResult> {
  const N = options.accounts ?? (options.smoke ? 6 : 300);
  const W = options.workers ?? 3;
  const kills = options.kills ?? (options.smoke ? 2 : 20);
  // The worker's own default (8 s) outside smoke runs.
  const ttlMs = options.ttlMs ?? (options.smoke ? 2000 : 8000);
  const started = Date.now();
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const root = `wxbot-bench:${randomBytes(6).toString('hex')}`;
  const redis = connectRedis(redisUrl);
  const dataDir = mkdtempSync(join(tmpdir(), 'wxbot-failover-'));
  const names = Array.from({ length: N }, (_, i) => `f${i + 1}`);
  const sim: Simulator = await createSimulator({
    accounts: names.map((id, i) => ({
      id,
      world: {
        self: { wxid: `wxid_${id}`, uin: 2500000001 + i, nickName: id },
        friends: [{ wxid: 'wxid_alice', nickName: 'Alice' }],
        rooms: [],
      },
    })),
    loginPollHoldMs: 200,
    synccheckHoldMs: 5000,
  });
  const scanned = new Set<string>();
  let rescans = 0;
  /** Accepted pongs per ping number, and when the first arrived. */
  const pongs = new Map<number, { count: number; at: number }>();
  for (const id of names) {
    sim.account(id).onAction((a) => {
      if (a.endpoint !== 'webwxsendmsg' || a.ret !== 0) return;
      const n = /^pong (\d+)$/.exec(a.content ?? '')?.[1];
      if (n === undefined) return;
      const seen = pongs.get(Number(n));
      if (seen) seen.count++;
      else pongs.set(Number(n), { count: 1, at: Date.now() });
    });
  }
  let next = 1;
  const ping = (account: string): number => {
    const n = next++;
    sim.account(account).say({ from: 'wxid_alice', text: `ping ${n}` });
    return n;
  };
  const procs: Proc[] = [];
  let spawned = 0;
  const spawnWorker = (): Proc => {
    const id = `w${++spawned}`;
    const args = { redisUrl, root, id, ttlMs, loginUrl: sim.loginUrl, mainUrl: sim.url, accounts: names, dataDir };
    const proc = spawn(process.execPath, [child, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buffer = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let i: number;
      while ((i = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        const qr = /^qr (\S+) (\S+)$/.exec(line);
        if (!qr) continue;
        const [, account, uuid] = qr as unknown as [string, string, string];
        if (scanned.has(account)) rescans++;
        scanned.add(account);
        // Confirmed either way (a re-scan is counted, not left hanging); adding an account takes one scan.
        sim.account(account).confirm(uuid);
      }
    });
    const p = { id, proc };
    procs.push(p);
    return p;
  };
  const until = async (check: () => Promise<boolean> | boolean, what: string, withinMs: number): Promise<void> => {
    const deadline = Date.now() + withinMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`failover: timed out after ${withinMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const share = Math.ceil(N / W);
  const spread = async (): Promise<boolean> => {
    const list = await listAccounts(redis, root);
    if (list.length !== N || !list.every((a) => a.state === 'running' && a.owner !== undefined)) return false;
    const per = new Map<string, number>();
    for (const a of list) {
      const w = a.owner!.split('/')[0]!;
      per.set(w, (per.get(w) ?? 0) + 1);
    }
    return per.size === W && [...per.values()].every((c) => c <= share);
  };
  const takeovers: number[] = [];
  let missedTakeovers = 0;
  let initialLoginMs = 0;
  try {
    for (let i = 0; i < W; i++) spawnWorker();
    const t0 = Date.now();
    await until(spread, `${N} accounts logged in and spread over ${W} workers`, Math.max(120_000, N * 2000));
    initialLoginMs = Date.now() - t0;
    log(`  failover: ${N} accounts on ${W} workers in ${initialLoginMs} ms; ${kills} kills, lease ttl ${ttlMs} ms`);
    for (let k = 0; k < kills; k++) {
      const victim = procs.filter((p) => p.proc.exitCode === null && p.proc.signalCode === null)[k % W]!;
      const list = await listAccounts(redis, root);
      const its = list.filter((a) => a.owner?.split('/')[0] === victim.id).map((a) => a.account);
      const killedAt = Date.now();
      victim.proc.kill('SIGKILL');
      const asked = its.map((account) => ping(account));
      const deadline = killedAt + 60_000;
      await until(() => asked.every((n) => pongs.has(n)) || Date.now() > deadline, 'takeover', 61_000);
      for (const n of asked) {
        const p = pongs.get(n);
        if (p) takeovers.push(p.at - killedAt);
        else missedTakeovers++;
      }
      procs.splice(procs.indexOf(victim), 1);
      spawnWorker();
      await until(spread, 'the pool to re-spread after the restart', 120_000);
      const round = names.map((account) => ping(account));
      await until(() => round.every((n) => pongs.has(n)), 'a pong from every account', 60_000).catch(() => undefined);
      log(
        `  kill ${k + 1}/${kills}: ${victim.id} held ${its.length}; slowest answered ${Math.max(0, ...asked.map((n) => (pongs.get(n)?.at ?? Number.NaN) - killedAt))} ms after the kill`,
      );
    }
    // Late duplicates show up after a drain, not before.
    await new Promise((r) => setTimeout(r, 3000));
  } finally {
    for (const p of procs) p.proc.kill('SIGKILL');
    await sim.close();
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${root}:*`, 'COUNT', 1000);
      cursor = nextCursor;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
    await redis.quit();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const pings = next - 1;
  let lost = 0;
  let duplicated = 0;
  for (let n = 1; n <= pings; n++) {
    const p = pongs.get(n);
    if (!p) lost++;
    else if (p.count > 1) duplicated++;
  }
  return {
    accounts: N,
    workers: W,
    kills,
    ttlMs,
    takeoverMs: summarize(takeovers, takeovers.length + missedTakeovers),
    pings,
    lost,
    duplicated,
    rescans,
    initialLoginMs,
    durationMs: Date.now() - started,
    note: `workers are child processes (node, built dist/) with the exported Bot; the simulator and Redis are shared; text limit raised to 1000/s`,
  };
}

export function renderFailover(r: FailoverResult | { error: string }): string {
  if ('error' in r) return `\n7. Failover: FAILED — ${r.error}`;
  const t = r.takeoverMs;
  return [
    `\n7. Failover: ${r.workers} workers, ${r.accounts} accounts, ${r.kills} × kill -9 (lease ttl ${r.ttlMs} ms; ${r.note})`,
    `   time until a killed worker's account answers again: p50 ${t.p50 ?? '—'} ms, p99 ${t.p99 ?? '—'} ms, max ${t.max ?? '—'} ms (n = ${t.count})`,
    `   pings ${r.pings}, lost ${r.lost}, duplicated ${r.duplicated}, re-scans ${r.rescans}; first logins ${r.initialLoginMs} ms; total ${Math.round(r.durationMs / 1000)} s`,
  ].join('\n');
}
