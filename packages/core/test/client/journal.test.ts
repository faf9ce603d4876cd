import { jest } from '@jest/globals';
import { Journal, NOTE_WINDOW_MS, type JournalModel } from '../../src/client/journal.js';
import { MemorySessionStore } from '../../src/session/file-store.js';
import type { SessionLog, SessionStore } from '../../src/session/types.js';

// Unit tests finish in milliseconds: a mutant that stalls one should fail it in seconds (mutation runs).
jest.setTimeout(3000);

type Rec = { add: string } | { del: string };

/** A set of strings journaled as add/del records. */
class Model implements JournalModel<Rec> {
  items = new Set<string>();
  snapshot(): unknown {
    return { items: [...this.items] };
  }
  restore(doc: unknown, records: readonly Rec[]): void {
    this.items = new Set((doc as { items?: string[] } | undefined)?.items ?? []);
    for (const r of records) {
      if ('add' in r) this.items.add(r.add);
      else this.items.delete(r.del);
    }
  }
}

/** Counts what the journal asks of a MemorySessionStore. */
function countingStore(): { store: SessionStore; inner: MemorySessionStore; calls: string[] } {
  const inner = new MemorySessionStore();
  const calls: string[] = [];
  const log: SessionLog = {
    append: (k, r) => {
      calls.push(`append:${r.length}`);
      return inner.log.append(k, r);
    },
    sync: (k) => {
      calls.push('sync');
      return inner.log.sync(k);
    },
    read: (k) => inner.log.read(k),
    clear: (k) => {
      calls.push('clear');
      return inner.log.clear(k);
    },
    close: (k) => inner.log.close(k),
  };
  const store: SessionStore = {
    get: (k) => inner.get(k),
    set: (k, v) => {
      calls.push('set');
      return inner.set(k, v);
    },
    delete: (k) => inner.delete(k),
    log,
  };
  return { store, inner, calls };
}

describe('Journal', () => {
  it('writes the records of one turn in one append (group commit) and restores them', async () => {
    const { store, inner, calls } = countingStore();
    const m = new Model();
    const j = new Journal<Rec>(store, 'k', m);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      m.items.add(`x${i}`);
      writes.push(j.write({ add: `x${i}` }));
    }
    await Promise.all(writes);
    m.items.delete('x0');
    await j.write({ del: 'x0' });
    expect(calls).toEqual(['append:50', 'append:1']);
    const again = new Model();
    await new Journal<Rec>(inner, 'k', again).load();
    expect(again.items.size).toBe(49);
    expect(again.items.has('x0')).toBe(false);
  });

  it('folds the log into the document every foldEvery records', async () => {
    const { store, inner, calls } = countingStore();
    const m = new Model();
    const j = new Journal<Rec>(store, 'k', m, { foldEvery: 10 });
    for (let i = 0; i < 25; i++) {
      m.items.add(`x${i}`);
      await j.write({ add: `x${i}` });
    }
    expect(calls.filter((c) => c === 'set')).toHaveLength(2);
    expect(calls.filter((c) => c === 'clear')).toHaveLength(2);
    expect(await inner.log.read('k')).toHaveLength(5);
    const again = new Model();
    await new Journal<Rec>(inner, 'k', again).load();
    expect(again.items.size).toBe(25);
  });

  it('a crash between saving the document and clearing the log replays harmlessly', async () => {
    const inner = new MemorySessionStore();
    await inner.set('k', { items: ['a', 'b'] });
    // The log still holds records already folded into the document.
    await inner.log.append('k', [{ add: 'a' }, { add: 'b' }, { del: 'a' }, { add: 'c' }]);
    const m = new Model();
    await new Journal<Rec>(inner, 'k', m).load();
    expect([...m.items].sort()).toEqual(['b', 'c']);
    // load() folded: the log is empty, the document holds the state.
    expect(await inner.log.read('k')).toEqual([]);
    expect(await inner.get('k')).toEqual({ items: ['b', 'c'] });
  });

  it('durable() resolves after a sync that follows every write made before it', async () => {
    const { store, calls } = countingStore();
    const m = new Model();
    const j = new Journal<Rec>(store, 'k', m);
    const seen: string[][] = [];
    const snap = (): void => {
      seen.push([...calls]);
    };
    void j.write({ add: 'a' });
    const first = j.durable().then(snap);
    // Let the first batch start, so the next write opens a new batch behind the queued sync.
    await Promise.resolve();
    await Promise.resolve();
    void j.write({ add: 'b' });
    const second = j.durable().then(snap);
    await Promise.all([first, second]);
    for (const s of seen) expect(s.at(-1)).toBe('sync');
    const appended = (s: string[]): number =>
      s.filter((c) => c.startsWith('append:')).reduce((n, c) => n + Number(c.slice(7)), 0);
    expect(appended(seen[0]!)).toBeGreaterThanOrEqual(1);
    expect(appended(seen[1]!)).toBe(2);
    // Two calls with nothing written in between share one sync.
    calls.length = 0;
    await Promise.all([j.durable(), j.durable()]);
    expect(calls).toEqual(['sync']);
  });

  it('a store without a log gets one document rewrite per batch', async () => {
    const docs = new Map<string, unknown>();
    let sets = 0;
    const store: SessionStore = {
      get: async (k) => docs.get(k),
      set: async (k, v) => {
        sets++;
        docs.set(k, JSON.parse(JSON.stringify(v)) as unknown);
      },
      delete: async (k) => {
        docs.delete(k);
      },
    };
    const m = new Model();
    const j = new Journal<Rec>(store, 'k', m);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 10; i++) {
      m.items.add(`x${i}`);
      writes.push(j.write({ add: `x${i}` }));
    }
    await Promise.all(writes);
    await j.durable();
    expect(sets).toBe(1);
    expect((docs.get('k') as { items: string[] }).items).toHaveLength(10);
  });

  it('after a failed append (maybe a partial line), batches and durable() fold until a fold succeeds', async () => {
    const { store, inner } = countingStore();
    let fail = true;
    const log = store.log!;
    const flaky: SessionStore = {
      ...store,
      log: {
        ...log,
        append: async (k, r) => {
          if (!fail) return log.append(k, r);
          // A write that died half way: the bytes it got out stay in the log.
          await inner.log.append(k, [{ torn: true }]);
          throw new Error('disk full');
        },
      },
    };
    const m = new Model();
    const j = new Journal<Rec>(flaky, 'k', m);
    m.items.add('a');
    await expect(j.write({ add: 'a' })).rejects.toThrow('disk full');
    fail = false;
    m.items.add('b');
    await j.write({ add: 'b' });
    // The fold replaced the log (and its partial line) with the whole state.
    expect(await inner.log.read('k')).toEqual([]);
    expect(await inner.get('k')).toEqual({ items: ['a', 'b'] });
    m.items.add('c');
    await j.write({ add: 'c' });
    expect(await inner.log.read('k')).toEqual([{ add: 'c' }]);
  });

  it('load() folds even when the log held nothing readable (a torn line must not be extended)', async () => {
    const { store, calls } = countingStore();
    const blind: SessionStore = { ...store, log: { ...store.log!, read: async () => [] } };
    await new Journal<Rec>(blind, 'k', new Model()).load();
    expect(calls).toEqual(['set', 'clear']);
  });
});

describe('Journal.note (records nobody waits for)', () => {
  const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

  test('notes of one turn share one append, at the end of the turn', async () => {
    const { store, inner, calls } = countingStore();
    const j = new Journal<Rec>(store, 'k', new Model());
    const notes = [j.note({ add: 'a' }), j.note({ add: 'b' }), j.note({ del: 'a' })];
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(calls).toEqual([]); // microtasks are not the end of the turn
    await Promise.all(notes);
    expect(calls).toEqual(['append:3']);
    expect(await inner.log.read('k')).toEqual([{ add: 'a' }, { add: 'b' }, { del: 'a' }]);
  });

  test('a write() takes pending notes along at once, in order', async () => {
    const { store, inner, calls } = countingStore();
    const j = new Journal<Rec>(store, 'k', new Model());
    const noted = j.note({ add: 'n' });
    await j.write({ add: 'w' });
    await noted;
    expect(calls).toEqual(['append:2']);
    expect(await inner.log.read('k')).toEqual([{ add: 'n' }, { add: 'w' }]);
    await turn(); // the cancelled end-of-turn flush writes nothing more
    expect(calls).toEqual(['append:2']);
  });

  test('durable() and fold() do not wait for the end of the turn', async () => {
    const { store, inner, calls } = countingStore();
    const j = new Journal<Rec>(store, 'k', new Model());
    void j.note({ add: 'a' });
    await j.durable();
    expect(calls).toEqual(['append:1', 'sync']);
    const m = new Model();
    const f = new Journal<Rec>(inner, 'f', m);
    m.items.add('x');
    void f.note({ add: 'x' });
    await f.close();
    await turn();
    // Folded into the document; nothing appended after the close reopens the log.
    expect(await inner.get('f')).toEqual({ items: ['x'] });
    expect(await inner.log.read('f')).toEqual([]);
  });

  test('a failed append rejects the notes it carried; release() drops unwritten notes as a crash would', async () => {
    const { store, inner } = countingStore();
    const j = new Journal<Rec>(store, 'k', new Model());
    const original = inner.log.append.bind(inner.log);
    inner.log.append = () => Promise.reject(new Error('disk full'));
    await expect(j.note({ add: 'a' })).rejects.toThrow('disk full');
    inner.log.append = original;
    const r = new Journal<Rec>(inner, 'r', new Model());
    void r.note({ add: 'lost' });
    await r.release();
    await turn();
    expect(await inner.log.read('r')).toEqual([]);
  });
});

describe('Journal.note window and Journal.writeJoinable (issue 20, bursts)', () => {
  const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  test('notes made over several turns within the window share one append', async () => {
    const { store, inner, calls } = countingStore();
    const j = new Journal<Rec>(store, 'k', new Model());
    const notes = [j.note({ add: 'a' })];
    await turn();
    notes.push(j.note({ add: 'b' }));
    await turn();
    notes.push(j.note({ del: 'a' }));
    expect(calls).toEqual([]);
    await Promise.all(notes);
    expect(calls).toEqual(['append:3']);
    expect(await inner.log.read('k')).toEqual([{ add: 'a' }, { add: 'b' }, { del: 'a' }]);
  });

  test('a note is written on its own once the window has passed; noteWindowMs 0 means the end of the turn', async () => {
    const { store, calls } = countingStore();
    const j = new Journal<Rec>(store, 'k', new Model());
    void j.note({ add: 'a' });
    await sleep(NOTE_WINDOW_MS + 10);
    expect(calls).toEqual(['append:1']);
    const eager = countingStore();
    const e = new Journal<Rec>(eager.store, 'k', new Model(), { noteWindowMs: 0 });
    void e.note({ add: 'a' });
    await turn();
    await Promise.resolve();
    expect(eager.calls).toEqual(['append:1']);
  });

  test('writeJoinable: a write() made by the microtasks queued with it shares its append', async () => {
    const { store, inner, calls } = countingStore();
    const j = new Journal<Rec>(store, 'k', new Model());
    const first = j.writeJoinable({ add: 'j' });
    // Like a send's attempt: a few awaits later, still within the same drain of microtasks.
    const second = (async () => {
      for (let i = 0; i < 5; i++) await Promise.resolve();
      return j.write({ add: 'a' });
    })();
    await Promise.all([first, second]);
    expect(calls).toEqual(['append:2']);
    expect(await inner.log.read('k')).toEqual([{ add: 'j' }, { add: 'a' }]);
  });

  test('writeJoinable: alone, it lands before any immediate or I/O callback of the turn runs', async () => {
    const { store, calls } = countingStore();
    const j = new Journal<Rec>(store, 'k', new Model());
    let seenAtImmediate: string[] | undefined;
    setImmediate(() => (seenAtImmediate = [...calls]));
    const done = j.writeJoinable({ add: 'j' });
    await new Promise((r) => setImmediate(r));
    expect(seenAtImmediate).toEqual(['append:1']);
    await done;
  });

  test('writeJoinable takes a waiting note along at once instead of after the window', async () => {
    const { store, inner, calls } = countingStore();
    const j = new Journal<Rec>(store, 'k', new Model());
    const noted = j.note({ add: 'n' });
    await turn();
    await j.writeJoinable({ add: 'j' });
    await noted;
    expect(calls).toEqual(['append:2']);
    expect(await inner.log.read('k')).toEqual([{ add: 'n' }, { add: 'j' }]);
  });

  test('a failed joint append rejects both records', async () => {
    const { store, inner } = countingStore();
    const j = new Journal<Rec>(store, 'k', new Model());
    inner.log.append = () => Promise.reject(new Error('disk full'));
    const first = j.writeJoinable({ add: 'j' });
    const second = Promise.resolve().then(() => j.write({ add: 'a' }));
    await expect(first).rejects.toThrow('disk full');
    await expect(second).rejects.toThrow('disk full');
  });
});
