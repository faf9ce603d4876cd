import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from '@jest/globals';
import { FileSessionStore, type SessionStore } from '@wxbot/core';

import { JournalUnavailable, MessageDeadLettered, type IlinkTransport } from '../src/index.js';
import { StuckBatch, isStorageWide, poisonPolicy } from '../src/poison.js';
import { fixture, until, type Fixture } from './helpers.js';

/** Issue 16: a batch that can never be journaled must not hold the iLink cursor forever. */

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const ALICE = 'alice@im.wechat';

/** A manual clock for the receive loop: each pause moves it on and yields at once. */
function fakeClock(): { now: () => number; sleep: (ms: number) => Promise<void>; elapsed: () => number } {
  const start = 1_800_000_000_000;
  let t = start;
  return {
    now: () => t,
    sleep: async (ms) => {
      t += ms;
      await new Promise((r) => setImmediate(r));
    },
    elapsed: () => t - start,
  };
}

const errno = (message: string, code: string): Error => Object.assign(new Error(message), { code });

/** A store that refuses inbox writes by rule; everything else reaches the disk. */
class RefusingStore implements SessionStore {
  inboxWrites = 0;
  refused = 0;
  constructor(
    private readonly inner: SessionStore,
    public refuse: (key: string, json: string) => Error | undefined,
  ) {}
  get(key: string): Promise<unknown> {
    return this.inner.get(key);
  }
  set(key: string, value: unknown): Promise<void> {
    if (key.endsWith('/ilink-inbox')) this.inboxWrites += 1;
    const error = this.refuse(key, JSON.stringify(value));
    if (error !== undefined) {
      this.refused += 1;
      return Promise.reject(error);
    }
    return this.inner.set(key, value);
  }
  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
}

function recorder(t: IlinkTransport): string[] {
  const ids: string[] = [];
  t.setHandler((m) => {
    ids.push(m.message.id);
    return Promise.resolve();
  });
  return ids;
}

const SLOW_BACKOFF = { backoffMs: 1_000, maxBackoffMs: 30_000, poison: { attempts: 3, afterMs: 60_000 } };

describe('a batch that cannot be journaled', () => {
  it('dead-letters the one message the store refuses, after N attempts over T, and receives the rest', async () => {
    fx = await fixture({ quota: false });
    const clock = fakeClock();
    const store = new RefusingStore(new FileSessionStore(fx.dir), (key, json) =>
      key.endsWith('/ilink-inbox') && json.includes('POISON') ? new Error('document too large') : undefined,
    );
    const logged: { fields: object; message: string }[] = [];
    const t = fx.transport({
      sessionStore: store,
      ...SLOW_BACKOFF,
      loopClock: clock,
      logger: { error: (fields, message) => logged.push({ fields, message }) },
    });
    const errors: { error: Error; context: string }[] = [];
    t.on('error', (e) => errors.push(e));
    const ids = recorder(t);
    await t.start();
    const before = fx.sim.say(ALICE, 'before').messageId;
    await until(() => ids.includes(before));

    const poison = fx.sim.say(ALICE, 'POISON');
    const after = fx.sim.say(ALICE, 'after').messageId;
    await until(() => ids.includes(after), 5_000, 'the message after the poison one');
    const later = fx.sim.say(ALICE, 'later').messageId;
    await until(() => ids.includes(later), 5_000, 'a later message');

    expect(ids).toEqual([before, after, later]);
    expect(t.deadLettered).toBe(1);
    // Held and retried first: N failures are not enough until they span T on the loop's clock (1+2+4+8+16+30 s).
    expect(errors.filter((e) => e.context === 'getupdates').length).toBeGreaterThanOrEqual(3);
    expect(clock.elapsed()).toBeGreaterThanOrEqual(60_000);
    const dead = errors.filter((e) => e.context === 'dead-letter').map((e) => e.error);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toBeInstanceOf(MessageDeadLettered);
    const deadError = dead[0] as MessageDeadLettered;
    expect(deadError.messageId).toBe(poison.messageId);
    expect(deadError.message).toMatch(/could not be journaled after \d+ attempt\(s\).*document too large/);
    // One log line, with the id and the file, never the context token.
    expect(logged).toHaveLength(1);
    expect(logged[0]?.fields).toEqual({ messageId: poison.messageId, file: deadError.file, attempts: 7 });
    expect(JSON.stringify(logged)).not.toContain(poison.contextToken);

    const dir = join(fx.dir, 'ilink-dead-letter', 'default');
    expect(await readdir(dir)).toEqual([
      expect.stringMatching(new RegExp(`^${poison.messageId}-[0-9a-f]{12}\\.json$`)),
    ]);
    expect((await stat(deadError.file)).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const text = await readFile(deadError.file, 'utf8');
    const record = JSON.parse(text) as { messageId: string; reason: string; message: Record<string, unknown> };
    expect(record).toMatchObject({ version: 1, account: 'default', messageId: poison.messageId, attempts: 7 });
    expect(record.reason).toBe('document too large');
    expect(text).toContain('POISON');
    expect(text).not.toContain(poison.contextToken);
    expect(record.message).not.toHaveProperty('context_token');

    // The cursor moved on for good: a restart neither receives the poison message nor the others again.
    await t.stop();
    const t2 = fx.transport({ sessionStore: store, ...SLOW_BACKOFF, loopClock: clock });
    const again = recorder(t2);
    await t2.start();
    const sentinel = fx.sim.say(ALICE, 'sentinel').messageId;
    await until(() => again.includes(sentinel));
    expect(again).toEqual([sentinel]);
  });

  it('dead-letters nothing while every write fails (disk full), and receives everything once it clears', async () => {
    fx = await fixture({ quota: false });
    const clock = fakeClock();
    let full = false;
    const store = new RefusingStore(new FileSessionStore(fx.dir), () =>
      full ? errno('no space left on device', 'ENOSPC') : undefined,
    );
    const t = fx.transport({ sessionStore: store, ...SLOW_BACKOFF, loopClock: clock });
    const errors: Error[] = [];
    t.on('error', (e) => errors.push(e.error));
    const ids = recorder(t);
    await t.start();
    full = true;
    const held = [fx.sim.say(ALICE, 'one').messageId, fx.sim.say(ALICE, 'two').messageId];
    // Ten minutes of the loop's time: far past N attempts and T.
    await until(() => clock.elapsed() > 600_000, 5_000, 'ten minutes of retries');
    expect(ids).toEqual([]);
    expect(t.deadLettered).toBe(0);
    expect(errors.some((e) => e instanceof JournalUnavailable)).toBe(true);
    expect(errors.find((e) => e instanceof JournalUnavailable)?.message).toMatch(/ENOSPC.*nothing is skipped/);
    await expect(readdir(join(fx.dir, 'ilink-dead-letter'))).rejects.toMatchObject({ code: 'ENOENT' });

    full = false;
    await until(() => held.every((id) => ids.includes(id)), 5_000, 'the held messages');
    expect(ids).toEqual(held);
  });

  it('holds when the entry-specific failure is a storage-wide error code, or the dead-letter file cannot be written', async () => {
    fx = await fixture({ quota: false });
    const clock = fakeClock();
    let code: string | undefined = 'EIO';
    const store = new RefusingStore(new FileSessionStore(fx.dir), (key, json) =>
      key.endsWith('/ilink-inbox') && json.includes('POISON')
        ? code === undefined
          ? new Error('refused')
          : errno('i/o error', code)
        : undefined,
    );
    const deadDir = join(fx.dir, 'not-a-dir');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(deadDir, 'a file where the dead-letter directory should be');
    const t = fx.transport({ sessionStore: store, ...SLOW_BACKOFF, loopClock: clock, deadLetterDir: deadDir });
    const errors: Error[] = [];
    t.on('error', (e) => errors.push(e.error));
    const ids = recorder(t);
    await t.start();
    fx.sim.say(ALICE, 'POISON');
    await until(() => clock.elapsed() > 300_000, 5_000, 'five minutes of retries (EIO)');
    expect(t.deadLettered).toBe(0);
    expect(errors.filter((e) => e instanceof JournalUnavailable).length).toBeGreaterThan(0);

    // Entry-specific now, but the dead-letter file cannot be written: still held, nothing lost.
    code = undefined;
    const mark = clock.elapsed();
    await until(() => clock.elapsed() > mark + 300_000, 5_000, 'five minutes of retries (no dead-letter dir)');
    expect(t.deadLettered).toBe(0);
    expect(ids).toEqual([]);
    expect(errors.at(-1)).toBeInstanceOf(JournalUnavailable);
  });

  it('a write that fails once is retried: the message is received once, not lost to memory', async () => {
    fx = await fixture({ quota: false });
    let failOnce = true;
    const store = new RefusingStore(new FileSessionStore(fx.dir), (key, json) => {
      if (failOnce && key.endsWith('/ilink-inbox') && json.includes('flaky')) {
        failOnce = false;
        return new Error('transient');
      }
      return undefined;
    });
    const t = fx.transport({ sessionStore: store });
    const ids = recorder(t);
    await t.start();
    const flaky = fx.sim.say(ALICE, 'flaky').messageId;
    await until(() => ids.includes(flaky), 5_000, 'the message whose first journal write failed');
    const next = fx.sim.say(ALICE, 'next').messageId;
    await until(() => ids.includes(next));
    expect(ids).toEqual([flaky, next]);
    expect(t.deadLettered).toBe(0);
  });
});

describe('isStorageWide', () => {
  it('reads the error code; plain errors are entry-specific', () => {
    for (const code of ['ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'EACCES'])
      expect(isStorageWide(errno('x', code))).toBe(true);
    expect(isStorageWide(new Error('too large'))).toBe(false);
    expect(isStorageWide(errno('x', 'ERR_OUT_OF_RANGE'))).toBe(false);
    expect(isStorageWide(undefined)).toBe(false);
  });
});

describe('StuckBatch', () => {
  it('is due only after N failures of one cursor spanning T; a success or another cursor starts over', () => {
    const stuck = new StuckBatch({ attempts: 3, afterMs: 1_000 });
    expect([stuck.failed('a', 0), stuck.failed('a', 10), stuck.failed('a', 20)]).toEqual([false, false, false]);
    // N reached but not T; then T reached.
    expect(stuck.failed('a', 999)).toBe(false);
    expect(stuck.failed('a', 1_000)).toBe(true);
    expect(stuck.attempts).toBe(5);
    // Another cursor: counted afresh from its own first failure.
    expect([stuck.failed('b', 5_000), stuck.failed('b', 6_000)]).toEqual([false, false]);
    expect(stuck.failed('b', 6_001)).toBe(true);
    stuck.clear();
    expect(stuck.failed('b', 9_000)).toBe(false);
    expect(stuck.attempts).toBe(1);
  });

  it('refuses a policy that would dead-letter at once or never, naming the option', () => {
    expect(poisonPolicy(undefined)).toEqual({ attempts: 5, afterMs: 60_000 });
    expect(poisonPolicy({ afterMs: 0 })).toEqual({ attempts: 5, afterMs: 0 });
    expect(() => poisonPolicy({ attempts: 0 })).toThrow(/poison\.attempts: expected an integer >= 1, got 0/);
    expect(() => poisonPolicy({ attempts: 1.5 })).toThrow(/poison\.attempts/);
    expect(() => poisonPolicy({ afterMs: -1 })).toThrow(/poison\.afterMs: expected milliseconds >= 0, got -1/);
    expect(() => poisonPolicy({ afterMs: Number.NaN })).toThrow(/poison\.afterMs/);
  });
});
