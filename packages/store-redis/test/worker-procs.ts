// Test helper: worker processes (fixtures/pool-worker.ts) against one multi-account simulator and the real
// Redis; the parent's simulated phones confirm their first QR codes, and every later one counts as a re-scan.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { Simulator } from '@wxbot/simulator';

const jitiCli = fileURLToPath(new URL('../node_modules/jiti/lib/jiti-cli.mjs', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/pool-worker.ts', import.meta.url));

export interface WorkerProc {
  readonly id: string;
  readonly child: ChildProcessWithoutNullStreams;
  /** Every line printed so far, with the time it arrived. */
  readonly lines: { at: number; text: string }[];
  waitFor(re: RegExp, withinMs?: number): Promise<string>;
  exited(): boolean;
}

export interface PoolSpec {
  readonly sim: Simulator;
  readonly redisUrl: string;
  readonly root: string;
  readonly accounts: readonly string[];
  readonly ttlMs: number;
  readonly dataDir: string;
  /** Accounts whose first QR code was confirmed; a QR code for one of these later is a re-scan. */
  readonly scanned: Set<string>;
  /** QR codes shown for accounts that had logged in before. */
  rescans: number;
}

export function spawnWorker(pool: PoolSpec, id: string, capacity?: number): WorkerProc {
  const args = {
    redisUrl: pool.redisUrl,
    root: pool.root,
    id,
    ttlMs: pool.ttlMs,
    loginUrl: pool.sim.loginUrl,
    mainUrl: pool.sim.url,
    accounts: pool.accounts,
    dataDir: pool.dataDir,
    ...(capacity === undefined ? {} : { capacity }),
  };
  const child = spawn(process.execPath, [jitiCli, fixture, JSON.stringify(args)], { stdio: 'pipe' });
  const lines: { at: number; text: string }[] = [];
  let waiters: { re: RegExp; resolve: (line: string) => void }[] = [];
  let buffer = '';
  let stderr = '';
  let exited = false;
  child.once('exit', () => (exited = true));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let i: number;
    while ((i = buffer.indexOf('\n')) >= 0) {
      const text = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      lines.push({ at: Date.now(), text });
      const qr = /^qr (\S+) (\S+)$/.exec(text);
      if (qr) {
        const [, account, uuid] = qr as unknown as [string, string, string];
        if (pool.scanned.has(account)) pool.rescans++;
        else {
          pool.scanned.add(account);
          // The account's phone scans its first code: adding an account takes one scan.
          pool.sim.account(account).confirm(uuid);
        }
      }
      waiters = waiters.filter((w) => (w.re.test(text) ? (w.resolve(text), false) : true));
    }
  });
  return {
    id,
    child,
    lines,
    exited: () => exited,
    waitFor: (re, withinMs = 20_000) =>
      new Promise((resolve, reject) => {
        const seen = lines.find((l) => re.test(l.text));
        if (seen !== undefined) return resolve(seen.text);
        const timer = setTimeout(() => {
          reject(
            new Error(`${id} printed no line matching ${re} within ${withinMs} ms; stderr: ${stderr.slice(-800)}`),
          );
        }, withinMs);
        waiters.push({
          re,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`${id} exited (${code ?? signal}) before printing ${re}; stderr: ${stderr.slice(-800)}`));
        });
      }),
  };
}

/** Kills a worker process for good (SIGCONT first: a stopped process ignores nothing but SIGKILL anyway). */
export function killWorker(w: WorkerProc): void {
  if (w.exited()) return;
  w.child.kill('SIGCONT');
  w.child.kill('SIGKILL');
}

/** The texts the bot of `account` sent that the simulator accepted. */
export function sentBy(sim: Simulator, account: string): string[] {
  return sim
    .account(account)
    .actions()
    .filter((a) => a.endpoint === 'webwxsendmsg' && a.ret === 0)
    .map((a) => a.content ?? '');
}

/** Polls `check` until true, failing with `what` after `withinMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  withinMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${withinMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
