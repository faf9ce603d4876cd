// issue 17: an account's send pace can come from a bucket shared by every worker serving it
// (ClientOptions.sharedBuckets); the outbox then waits on that bucket, not on its own.
import { pino } from 'pino';

import { DEFAULT_BUCKETS, Outbox, type OutboxOptions } from '../../src/client/outbox.js';
import { RateLimited } from '../../src/client/errors.js';
import type { ActionClass, Bucket, SharedBucket } from '../../src/client/types.js';
import { MemorySessionStore } from '../../src/session/file-store.js';

const FREE = { burst: 1_000_000, perSecond: 1_000_000 };

/** A shared bucket that grants one token, then makes the caller wait `waitMs` once, then grants again. */
function scripted(waits: number[]): SharedBucket & { takes: number; penalties: number } {
  const b = {
    takes: 0,
    penalties: 0,
    take: () => {
      b.takes++;
      return Promise.resolve(waits.shift() ?? 0);
    },
    penalise: () => {
      b.penalties++;
      return Promise.resolve();
    },
  };
  return b;
}

function outbox(shared: (cls: ActionClass, limits: Bucket) => SharedBucket): Outbox {
  const buckets = Object.fromEntries(Object.keys(DEFAULT_BUCKETS).map((k) => [k, FREE])) as OutboxOptions['buckets'];
  return new Outbox(
    new MemorySessionStore(),
    'bot/outbox',
    {
      buckets,
      sharedBuckets: shared,
      jitterMs: 0,
      rateLimitRetries: 1,
      networkRetries: 0,
      backoffBaseMs: 1,
      backoffMaxMs: 1,
      ready: () => Promise.resolve(),
      onRateLimited: () => undefined,
      signal: new AbortController().signal,
    },
    pino({ level: 'silent' }),
  );
}

describe('Outbox with shared buckets', () => {
  it('paces each action on the shared bucket of its class, with the configured limits', async () => {
    const text = scripted([0, 40, 0]);
    const asked: Array<[ActionClass, Bucket]> = [];
    const box = outbox((cls, limits) => {
      asked.push([cls, limits]);
      return cls === 'text' ? text : scripted([]);
    });
    expect(asked.map(([c]) => c).sort()).toEqual(Object.keys(DEFAULT_BUCKETS).sort());
    expect(asked.find(([c]) => c === 'text')![1]).toEqual(FREE);
    const started = Date.now();
    await box.enqueue('text', 'webwxsendmsg', () => Promise.resolve('a'), '@a');
    await box.enqueue('text', 'webwxsendmsg', () => Promise.resolve('b'), '@a');
    // The local bucket would let both go at once; the shared one said "wait 40 ms" before the second.
    expect(text.takes).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
  });

  it('tells the shared bucket of a 1205, so every worker slows down', async () => {
    const text = scripted([]);
    const box = outbox((cls) => (cls === 'text' ? text : scripted([])));
    let calls = 0;
    await box.enqueue(
      'text',
      'webwxsendmsg',
      () => (++calls === 1 ? Promise.reject(new RateLimited('webwxsendmsg')) : Promise.resolve('ok')),
      '@a',
    );
    expect(text.penalties).toBe(1);
  });

  it('paces on its own bucket while the shared one is unreachable, so no send fails for it', async () => {
    const down: SharedBucket = {
      take: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')),
      penalise: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')),
    };
    const box = outbox(() => down);
    await expect(box.enqueue('text', 'webwxsendmsg', () => Promise.resolve('sent'), '@a')).resolves.toBe('sent');
  });
});
