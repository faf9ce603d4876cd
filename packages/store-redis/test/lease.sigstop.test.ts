// issue 17: a worker stopped by SIGSTOP past its lease's ttl must not write once it resumes.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';

import { AccountLease, RedisSessionStore } from '../src/index.js';
import { connect, deleteUnder, describeRedis, redisUrl, runPrefix } from './redis-env.js';

// jiti runs the TypeScript worker from source (its exports map hides the CLI from require.resolve).
const jitiCli = fileURLToPath(new URL('../node_modules/jiti/lib/jiti-cli.mjs', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/fenced-worker.ts', import.meta.url));

/** Collects the child's stdout lines and resolves `waitFor(re)` once a line matches. */
function lines(child: ChildProcessWithoutNullStreams): {
  all: string[];
  waitFor(re: RegExp, withinMs?: number): Promise<string>;
} {
  const all: string[] = [];
  let waiters: { re: RegExp; resolve: (line: string) => void }[] = [];
  let buffer = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let i: number;
    while ((i = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      all.push(line);
      waiters = waiters.filter((w) => (w.re.test(line) ? (w.resolve(line), false) : true));
    }
  });
  return {
    all,
    // Bounded, so a worker that never prints the line fails the test instead of hanging it.
    waitFor: (re, withinMs = 8000) =>
      new Promise((resolve, reject) => {
        const seen = all.find((l) => re.test(l));
        if (seen !== undefined) return resolve(seen);
        const timer = setTimeout(
          () =>
            reject(
              new Error(`worker printed no line matching ${re} within ${withinMs} ms: ${all.slice(-3).join(' | ')}`),
            ),
          withinMs,
        );
        waiters.push({
          re,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`worker exited (${code}) before ${re}: ${stderr}`));
        });
      }),
  };
}

describeRedis('a paused worker (SIGSTOP)', () => {
  let redis: Redis;
  const prefix = `${runPrefix()}{acct}:`;

  beforeAll(() => {
    redis = connect();
  });
  afterAll(async () => {
    await deleteUnder(redis, prefix.slice(0, prefix.indexOf('{')));
    await redis.quit();
  });

  test('whose lease expired is fenced off when it resumes; the new owner’s state stands', async () => {
    const child = spawn(process.execPath, [jitiCli, fixture, redisUrl, prefix], { stdio: 'pipe' });
    const out = lines(child);
    const b = new AccountLease({ redis, prefix, worker: 'B', ttlMs: 5000 });
    try {
      const tokenA = Number((await out.waitFor(/^acquired /)).split(' ')[1]);
      await out.waitFor(/^ok 3$/);

      child.kill('SIGSTOP');
      const okBeforeStop = out.all.filter((l) => l.startsWith('ok ')).length;
      const deadline = Date.now() + 5000;
      while (!(await b.tryAcquire())) {
        if (Date.now() > deadline) throw new Error('B never took over the stopped worker’s lease');
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(b.token).toBeGreaterThan(tokenA);
      const storeB = new RedisSessionStore({ redis, prefix, lease: b });
      await storeB.set('acct/session', { by: 'B' });

      child.kill('SIGCONT');
      const lost = await out.waitFor(/^lost /);
      expect(lost).toMatch(/lease (lost|not held)/);
      // Nothing A wrote after it was stopped landed: at most the one write already in flight was "ok".
      expect(out.all.filter((l) => l.startsWith('ok ')).length).toBeLessThanOrEqual(okBeforeStop + 1);
      expect(await storeB.get('acct/session')).toEqual({ by: 'B' });
      expect(await redis.get(`${prefix}lease`)).toBe(b.holder);
    } finally {
      b.stopRenewing();
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
  }, 20_000);
});
