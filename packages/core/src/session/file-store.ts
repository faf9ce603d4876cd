import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { FileSessionLog } from './file-log.js';
import type { SessionLog, SessionStore } from './types.js';

/** Maps a store key (`<account>/session`) to a safe file name. */
function baseName(key: string): string {
  return key.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/**
 * The default store: one JSON file per key in `dir`, written atomically with
 * mode 0600, plus a JSON-lines log beside it (`<key>.log`, 0600) for the
 * journals. An unreadable file is moved aside (`.corrupt-<ts>`) rather than
 * crashing the bot or being silently overwritten.
 */
export class FileSessionStore implements SessionStore {
  readonly #log: FileSessionLog;
  readonly log: SessionLog;

  constructor(readonly dir: string) {
    this.#log = new FileSessionLog((key) => this.logPathOf(key));
    this.log = this.#log;
  }

  pathOf(key: string): string {
    return join(this.dir, `${baseName(key)}.json`);
  }

  logPathOf(key: string): string {
    return join(this.dir, `${baseName(key)}.log`);
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
    await this.#log.remove(key);
    await rm(this.pathOf(key), { force: true });
  }
}

/** In-memory store (tests, ephemeral bots). `snapshot()` copies the state, e.g. to simulate a crash. */
export class MemorySessionStore implements SessionStore {
  private readonly docs: Map<string, string>;
  private readonly logs: Map<string, string[]>;
  readonly log: SessionLog;

  constructor(initial?: Map<string, string>, initialLogs?: Map<string, string[]>) {
    this.docs = new Map(initial);
    this.logs = new Map([...(initialLogs ?? [])].map(([k, v]) => [k, [...v]]));
    const logs = this.logs;
    this.log = {
      async append(key, records) {
        let lines = logs.get(key);
        if (!lines) logs.set(key, (lines = []));
        for (const r of records) lines.push(JSON.stringify(r));
      },
      async sync() {},
      async read(key) {
        return (logs.get(key) ?? []).map((l) => JSON.parse(l) as unknown);
      },
      async clear(key) {
        logs.delete(key);
      },
      async close() {},
    };
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
    this.logs.delete(key);
  }

  /** A copy of the current documents and logs, as a crash would leave them. */
  snapshot(): MemorySessionStore {
    return new MemorySessionStore(this.docs, this.logs);
  }

  keys(): string[] {
    return [...this.docs.keys()];
  }
}
