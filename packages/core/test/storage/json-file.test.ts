import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createJsonFileStorage, namespaceFileName } from '../../src/storage/json-file.js';
import { createMemoryStorage } from '../../src/storage/memory.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wxbot-storage-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('JSON file storage', () => {
  test('persists per namespace, atomically, with mode 0600, and reloads', async () => {
    const storage = createJsonFileStorage({ dir });
    const a = storage.namespace('@wxbot/plugin-a');
    await a.set('count', 1);
    await a.set('list', ['x', { y: 2 }]);
    await storage.namespace('b').set('k', 'v');
    const file = join(dir, namespaceFileName('@wxbot/plugin-a'));
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ count: 1, list: ['x', { y: 2 }] });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const again = createJsonFileStorage({ dir }).namespace('@wxbot/plugin-a');
    expect(await again.get('list')).toEqual(['x', { y: 2 }]);
    expect(await again.keys()).toEqual(['count', 'list']);
    expect(await again.has('nope')).toBe(false);
  });

  test('namespace names never become directories', () => {
    expect(namespaceFileName('@scope/x')).toBe('%40scope%2Fx.json');
    expect(namespaceFileName('..')).toBe('%2E%2E.json');
    expect(() => namespaceFileName('')).toThrow(/empty/);
  });

  test('get returns a copy; delete and clear persist', async () => {
    const storage = createJsonFileStorage({ dir });
    const s = storage.namespace('p');
    await s.set('o', { n: 1 });
    const got = await s.get<{ n: number }>('o');
    got!.n = 99;
    expect(await s.get('o')).toEqual({ n: 1 });
    expect(await s.delete('o')).toBe(true);
    expect(await s.delete('o')).toBe(false);
    await s.set('a', 1);
    await s.clear();
    await storage.close?.();
    expect(JSON.parse(await readFile(join(dir, 'p.json'), 'utf8'))).toEqual({});
  });

  test('concurrent writes all land', async () => {
    const s = createJsonFileStorage({ dir }).namespace('p');
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.set(`k${i}`, i)));
    const again = createJsonFileStorage({ dir }).namespace('p');
    expect((await again.keys()).length).toBe(20);
  });

  test('a corrupt file is reported with its path, not silently replaced', async () => {
    await writeFile(join(dir, 'p.json'), '{not json');
    const s = createJsonFileStorage({ dir }).namespace('p');
    await expect(s.get('x')).rejects.toThrow(/p\.json is not valid JSON/);
    await writeFile(join(dir, 'q.json'), '[1]');
    await expect(createJsonFileStorage({ dir }).namespace('q').keys()).rejects.toThrow(/must hold a JSON object/);
  });

  test('undefined values are refused', async () => {
    await expect(createJsonFileStorage({ dir }).namespace('p').set('x', undefined)).rejects.toThrow(/use delete/);
    await expect(createMemoryStorage().namespace('p').set('x', undefined)).rejects.toThrow(/use delete/);
  });
});

describe('memory storage', () => {
  test('namespaces are separate and values are copies', async () => {
    const storage = createMemoryStorage();
    const value = { a: [1] };
    await storage.namespace('x').set('v', value);
    value.a.push(2);
    expect(await storage.namespace('x').get('v')).toEqual({ a: [1] });
    expect(await storage.namespace('y').get('v')).toBeUndefined();
    expect(await storage.namespace('x').has('v')).toBe(true);
  });
});
