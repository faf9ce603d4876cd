import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { FileSessionStore } from '../../src/session/file-store.js';
import { tempDir } from '../client/helpers.js';

describe('FileSessionStore', () => {
  it('writes atomically with mode 0600, reads back, deletes, and moves corrupt files aside', async () => {
    const tmp = tempDir();
    try {
      const store = new FileSessionStore(tmp.dir);
      expect(await store.get('bot/session')).toBeUndefined();
      await store.set('bot/session', { a: 1 });
      const path = store.pathOf('bot/session');
      expect(path.startsWith(tmp.dir)).toBe(true);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect(await store.get('bot/session')).toEqual({ a: 1 });
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.set('bot/session', { i })));
      expect(JSON.parse(await readFile(path, 'utf8'))).toHaveProperty('i');
      expect((await readdir(tmp.dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      await writeFile(path, '{half');
      expect(await store.get('bot/session')).toBeUndefined();
      expect((await readdir(tmp.dir)).some((f) => f.includes('.corrupt-'))).toBe(true);
      await store.delete('bot/session');
      await store.delete('bot/session');
      expect(await store.get('bot/session')).toBeUndefined();
    } finally {
      tmp.cleanup();
    }
  });
});
