import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { SessionStore } from './types.js';

/** Maps a store key (`<account>/session`) to a safe file name. */
function fileName(key: string): string {
  return `${key.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`;
}

/**
 * The default store: one JSON file per key in `dir`, written atomically with
 * mode 0600. An unreadable file is moved aside (`.corrupt-<ts>`) rather than
 * crashing the bot or being silently overwritten.
 */
export class FileSessionStore implements SessionStore {
  constructor(readonly dir: string) {}

  pathOf(key: string): string {
    return join(this.dir, fileName(key));
  }

  async get(key: string): Promise<unknown> {
    const path = this.pathOf(key);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      await rename(path, `${path}.corrupt-${Date.now()}`).catch(() => undefined);
      return undefined;
    }
  }

  async set(key: string, value: unknown): Promise<void> {
    await writeFileAtomic(this.pathOf(key), JSON.stringify(value));
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}

/** In-memory store (tests, ephemeral bots). `snapshot()` copies the state, e.g. to simulate a crash. */
export class MemorySessionStore implements SessionStore {
  private readonly docs: Map<string, string>;

  constructor(initial?: Map<string, string>) {
    this.docs = new Map(initial);
  }

  async get(key: string): Promise<unknown> {
    const v = this.docs.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as unknown);
  }

  async set(key: string, value: unknown): Promise<void> {
    this.docs.set(key, JSON.stringify(value));
  }

  async delete(key: string): Promise<void> {
    this.docs.delete(key);
  }

  /** A copy of the current documents, as a crash would leave them. */
  snapshot(): MemorySessionStore {
    return new MemorySessionStore(this.docs);
  }

  keys(): string[] {
    return [...this.docs.keys()];
  }
}
