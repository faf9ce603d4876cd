// The embedded backends pass the same conformance suite a Redis (or any other) backend must pass.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { SessionStore, StorageDriver } from '../../src/index.js';
import { FileSessionStore, MemorySessionStore, createJsonFileStorage, createMemoryStorage } from '../../src/index.js';
import { sessionStoreConformance, storageConformance } from '../../src/testing/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wxbot-conformance-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileSessionStore', () => {
  test.each(sessionStoreConformance())('$name', ({ run }) =>
    run(async (account) => new FileSessionStore(join(dir, account))),
  );
});

describe('MemorySessionStore', () => {
  test.each(sessionStoreConformance())('$name', ({ run }) => {
    // One store per account, shared by every open of it, as one process would share it.
    const stores = new Map<string, SessionStore>();
    return run(async (account) => {
      let s = stores.get(account);
      if (!s) stores.set(account, (s = new MemorySessionStore()));
      return s;
    });
  });
});

describe('json-file storage', () => {
  test.each(storageConformance())('$name', ({ run }) =>
    run(async (account) => createJsonFileStorage({ dir: join(dir, account) })),
  );
});

describe('memory storage', () => {
  test.each(storageConformance())('$name', ({ run }) => {
    const drivers = new Map<string, StorageDriver>();
    return run(async (account) => {
      let d = drivers.get(account);
      if (!d) drivers.set(account, (d = createMemoryStorage()));
      return d;
    });
  });
});
