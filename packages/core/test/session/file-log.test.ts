import { readFileSync } from 'node:fs';
import { appendFile, readFile, stat } from 'node:fs/promises';
import { FileSessionStore, MemorySessionStore } from '../../src/session/file-store.js';
import { logPieces, PIECE_CHARS } from '../../src/session/file-log.js';
import { tempDir } from '../client/helpers.js';

describe('FileSessionStore log', () => {
  it('writes a big batch in pieces cut at record ends, none a large object; the file reads back whole', async () => {
    // A webwxsync's worth of entries, one with a character beyond Latin-1 (two bytes per character).
    const records = Array.from({ length: 120 }, (_, i) => ({
      a: { MsgId: String(i), Content: `@bot\u2005ping ${i}`, pad: 'x'.repeat(800) },
    }));
    const pieces = logPieces(records);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    for (const p of pieces) {
      expect(p.endsWith('\n')).toBe(true);
      // Under V8's large-object size even at two bytes per character (128 KB).
      expect(p.length * 2).toBeLessThan(128 * 1024);
      expect(p.length).toBeLessThan(PIECE_CHARS + 1000);
    }
    expect(logPieces([])).toEqual([]);
    const tmp = tempDir();
    try {
      const store = new FileSessionStore(tmp.dir);
      await store.log.append('bot/inbox', records);
      await store.log.append('bot/inbox', [{ d: '1' }]);
      expect(await store.log.read('bot/inbox')).toEqual([...records, { d: '1' }]);
      await store.log.close('bot/inbox');
    } finally {
      tmp.cleanup();
    }
  });

  it('appends JSON lines in order (mode 0600), reads them back, clears and reopens', async () => {
    const tmp = tempDir();
    try {
      const store = new FileSessionStore(tmp.dir);
      const log = store.log;
      expect(await log.read('bot/inbox')).toEqual([]);
      await log.append('bot/inbox', [{ a: 1 }, { a: 2 }]);
      await log.append('bot/inbox', []);
      await Promise.all([log.append('bot/inbox', [{ a: 3 }]), log.append('bot/inbox', [{ a: 4 }])]);
      await log.sync('bot/inbox');
      const path = store.logPathOf('bot/inbox');
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect(await readFile(path, 'utf8')).toBe('{"a":1}\n{"a":2}\n{"a":3}\n{"a":4}\n');
      expect(await log.read('bot/inbox')).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }]);
      await log.clear('bot/inbox');
      expect(await log.read('bot/inbox')).toEqual([]);
      await log.append('bot/inbox', [{ a: 5 }]);
      await log.close('bot/inbox');
      await log.append('bot/inbox', [{ a: 6 }]);
      expect(await log.read('bot/inbox')).toEqual([{ a: 5 }, { a: 6 }]);
      // Another key is another file.
      await log.append('bot/outbox', [{ j: 1 }]);
      expect(await log.read('bot/inbox')).toHaveLength(2);
      await log.close('bot/inbox');
      await log.close('bot/outbox');
    } finally {
      tmp.cleanup();
    }
  });

  it('skips a line torn by a crash mid-write and keeps everything before it', async () => {
    const tmp = tempDir();
    try {
      const store = new FileSessionStore(tmp.dir);
      await store.log.append('k', [{ n: 1 }, { n: 2 }]);
      await store.log.close('k');
      await appendFile(store.logPathOf('k'), '{"n":3,"te');
      expect(await store.log.read('k')).toEqual([{ n: 1 }, { n: 2 }]);
    } finally {
      tmp.cleanup();
    }
  });

  it('once the file is open and nothing is queued, an append is in the file when the call returns', async () => {
    const tmp = tempDir();
    try {
      const store = new FileSessionStore(tmp.dir);
      const log = store.log;
      const path = store.logPathOf('k');
      await log.append('k', [{ n: 1 }]); // opens the file
      const second = log.append('k', [{ n: 2 }]);
      expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
      await second;
      // Behind a queued operation (a sync), an append waits its turn: the order of calls holds.
      const sync = log.sync('k');
      const third = log.append('k', [{ n: 3 }]);
      expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
      await Promise.all([sync, third]);
      expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":3}\n');
      // After close the next append opens the file again (queued, not on the closed descriptor).
      await log.close('k');
      await log.append('k', [{ n: 4 }]);
      expect(await log.read('k')).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
      await log.close('k');
    } finally {
      tmp.cleanup();
    }
  });

  it('a record JSON cannot write throws before any byte is written; the log stays readable', async () => {
    const tmp = tempDir();
    try {
      const store = new FileSessionStore(tmp.dir);
      const log = store.log;
      await log.append('k', [{ n: 1 }]);
      const cyclic: Record<string, unknown> = {};
      cyclic['self'] = cyclic;
      expect(() => log.append('k', [cyclic])).toThrow(/circular/i);
      await log.close('k');
      expect(await log.read('k')).toEqual([{ n: 1 }]);
    } finally {
      tmp.cleanup();
    }
  });

  it('delete() removes the document and its log; clearing a missing log is fine', async () => {
    const tmp = tempDir();
    try {
      const store = new FileSessionStore(tmp.dir);
      await store.log.clear('none');
      await store.set('k', { v: 1 });
      await store.log.append('k', [{ n: 1 }]);
      await store.delete('k');
      expect(await store.get('k')).toBeUndefined();
      expect(await store.log.read('k')).toEqual([]);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('MemorySessionStore log', () => {
  it('keeps records as JSON, and snapshot() copies logs as a crash would leave them', async () => {
    const store = new MemorySessionStore();
    const rec = { a: { nested: 1 } };
    await store.log.append('k', [rec]);
    rec.a.nested = 2; // the store holds serialised records, not references
    const crashed = store.snapshot();
    await store.log.append('k', [{ b: 1 }]);
    expect(await crashed.log.read('k')).toEqual([{ a: { nested: 1 } }]);
    expect(await store.log.read('k')).toEqual([{ a: { nested: 1 } }, { b: 1 }]);
    await store.delete('k');
    expect(await store.log.read('k')).toEqual([]);
  });
});
