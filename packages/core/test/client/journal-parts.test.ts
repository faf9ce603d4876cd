import { jest } from '@jest/globals';
import { BoundedSet, DocWriter, Journal, type JournalModel } from '../../src/client/journal.js';
import { MemorySessionStore } from '../../src/session/file-store.js';
import type { SessionStore } from '../../src/session/types.js';

// Unit tests finish in milliseconds; a mutant that stalls one should cost the mutation run little.
jest.setTimeout(2000);

type Rec = { add: string };

class Model implements JournalModel<Rec> {
  items: string[] = [];
  snapshot(): unknown {
    return { items: [...this.items] };
  }
  restore(doc: unknown, records: readonly Rec[]): void {
    this.items = [...((doc as { items?: string[] } | undefined)?.items ?? []), ...records.map((r) => r.add)];
  }
}

/** A MemorySessionStore whose operations can be made to fail, counting what the journal asks. */
function store(): { s: SessionStore; inner: MemorySessionStore; calls: string[]; fail: Set<string> } {
  const inner = new MemorySessionStore();
  const calls: string[] = [];
  const fail = new Set<string>();
  const op =
    <A extends unknown[]>(name: string, f: (...a: A) => Promise<void>) =>
    async (...a: A): Promise<void> => {
      calls.push(name);
      if (fail.has(name)) throw new Error(`${name} failed`);
      await f(...a);
    };
  const s: SessionStore = {
    get: (k) => inner.get(k),
    set: op('set', (k: string, v: unknown) => inner.set(k, v)),
    delete: (k) => inner.delete(k),
    log: {
      append: op('append', (k: string, r: readonly unknown[]) => inner.log.append(k, r)),
      sync: op('sync', (k: string) => inner.log.sync(k)),
      read: (k) => inner.log.read(k),
      clear: op('clear', (k: string) => inner.log.clear(k)),
      close: op('close', (k: string) => inner.log.close(k)),
    },
  };
  return { s, inner, calls, fail };
}

describe('Journal edges', () => {
  it('folds every 4,000 records by default', async () => {
    const { s, calls } = store();
    const m = new Model();
    const j = new Journal<Rec>(s, 'k', m);
    for (let i = 0; i < 3998; i++) void j.write({ add: `${i}` });
    await j.write({ add: 'x' }).then(() => undefined);
    expect(calls.filter((c) => c === 'set')).toHaveLength(0);
    await j.write({ add: 'y' });
    await j.durable();
    expect(calls.filter((c) => c === 'set')).toHaveLength(1);
  });

  it('a periodic fold that fails is reported to onError and the write still resolves', async () => {
    const { s, fail } = store();
    const errors: unknown[] = [];
    const j = new Journal<Rec>(s, 'k', new Model(), { foldEvery: 2, onError: (e) => errors.push(e) });
    fail.add('set');
    await j.write({ add: 'a' });
    await j.write({ add: 'b' });
    await j.durable();
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('set failed');
    // Without onError a failed periodic fold is swallowed (retried at the next one).
    const quiet = new Journal<Rec>(s, 'q', new Model(), { foldEvery: 1 });
    await expect(quiet.write({ add: 'a' })).resolves.toBeUndefined();
  });

  it('durable() after a failed append folds instead of syncing; its failure rejects the caller', async () => {
    const { s, calls, fail } = store();
    const j = new Journal<Rec>(s, 'k', new Model());
    fail.add('append');
    await expect(j.write({ add: 'a' })).rejects.toThrow('append failed');
    calls.length = 0;
    fail.add('set');
    await expect(j.durable()).rejects.toThrow('set failed');
    fail.delete('set');
    calls.length = 0;
    await j.durable();
    expect(calls).toEqual(['set', 'clear']);
    calls.length = 0;
    await j.durable();
    expect(calls).toEqual(['sync']);
    fail.add('sync');
    await expect(j.durable()).rejects.toThrow('sync failed');
  });

  it('fold() rejects when the document cannot be saved; close() folds then closes the log; release() only closes', async () => {
    const { s, calls, fail } = store();
    const j = new Journal<Rec>(s, 'k', new Model());
    fail.add('set');
    await expect(j.fold()).rejects.toThrow('set failed');
    fail.delete('set');
    calls.length = 0;
    await j.close();
    expect(calls).toEqual(['set', 'clear', 'close']);
    calls.length = 0;
    await j.write({ add: 'a' });
    await j.release();
    expect(calls).toEqual(['append', 'close']);
  });

  it('without a log, a batch whose document write fails rejects its writers', async () => {
    const docs = new Map<string, unknown>();
    let fail = true;
    const s: SessionStore = {
      get: async (k) => docs.get(k),
      set: async (k, v) => {
        if (fail) throw new Error('EROFS');
        docs.set(k, v);
      },
      delete: async () => undefined,
    };
    const j = new Journal<Rec>(s, 'k', new Model());
    await j.load();
    await expect(j.write({ add: 'a' })).rejects.toThrow('EROFS');
    fail = false;
    await j.write({ add: 'b' });
    await j.durable();
    await j.close();
    await j.release();
    expect(docs.get('k')).toEqual({ items: [] });
  });
});

describe('DocWriter', () => {
  it('writes the state at call time; calls during a write coalesce into one more write', async () => {
    const { s, inner, calls } = store();
    let state = 1;
    const w = new DocWriter(s, 'doc', () => ({ state }));
    const first = w.save();
    state = 2;
    const second = w.save();
    state = 3;
    const third = w.save();
    expect(third).toBe(second);
    await Promise.all([first, second, third]);
    expect(calls).toEqual(['set', 'set']);
    expect(await inner.get('doc')).toEqual({ state: 3 });
    await w.save();
    expect(calls).toHaveLength(3);
  });

  it('a failed write rejects its callers and does not block the next one', async () => {
    const { s, inner, fail } = store();
    const w = new DocWriter(s, 'doc', () => ({ ok: true }));
    fail.add('set');
    const failing = w.save();
    const queued = w.save();
    await expect(failing).rejects.toThrow('set failed');
    await expect(queued).rejects.toThrow('set failed');
    fail.delete('set');
    await w.save();
    expect(await inner.get('doc')).toEqual({ ok: true });
  });
});

describe('BoundedSet', () => {
  it('keeps the newest `limit` entries in insertion order; re-adding does not refresh', () => {
    const b = new BoundedSet(3);
    for (const v of ['a', 'b', 'c', 'a', 'd']) b.add(v);
    expect(b.toArray()).toEqual(['b', 'c', 'd']);
    expect(b.size).toBe(3);
    expect(b.has('a')).toBe(false);
    expect(b.has('d')).toBe(true);
    const zero = new BoundedSet(0);
    zero.add('x');
    expect(zero.size).toBe(0);
  });

  it('over many evictions keeps exactly the newest `limit`, in order, and its memory bounded', () => {
    const b = new BoundedSet(5);
    for (let i = 0; i < 1003; i++) b.add(`v${i}`);
    expect(b.toArray()).toEqual(['v998', 'v999', 'v1000', 'v1001', 'v1002']);
    expect(b.has('v997')).toBe(false);
    b.add('v1000'); // already in: no change
    expect(b.toArray()).toEqual(['v998', 'v999', 'v1000', 'v1001', 'v1002']);
    expect((b as unknown as { order: string[] }).order.length).toBeLessThanOrEqual(2 * 5 + 1);
  });
});
