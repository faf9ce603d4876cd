import { writeSync } from 'node:fs';
import { mkdir, open, readFile, rm, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SessionLog } from './types.js';

/**
 * JSON-lines logs, one file per key, mode 0600. Appends go to the OS in one
 * write per batch (they survive a crash of the process at once); `sync`
 * fsyncs. Calls for one key run one at a time, in call order.
 *
 * The append itself is a synchronous write(2): a few hundred bytes into the
 * page cache take microseconds, while a trip through libuv's thread pool
 * costs more and queues behind the fsyncs and renames running there, on the
 * reply path.
 */
const DONE: Promise<void> = Promise.resolve();

/**
 * O_APPEND: each write lands at the end. The text goes to write(2) as a string: node encodes it outside
 * the JS heap (no Buffer per append, which in a burst was a tenth of the bot's allocation). Should the OS
 * take only part of it, the rest follows from a Buffer.
 */
function writeText(fd: number, text: string): void {
  const written = writeSync(fd, text);
  if (written >= Buffer.byteLength(text)) return;
  const data = Buffer.from(text, 'utf8');
  for (let off = written; off < data.length;) off += writeSync(fd, data, off, data.length - off);
}

/**
 * A batch goes to write(2) in pieces of about this many characters, each ending at a record's end. One
 * string for a whole batch (a webwxsync of 100 messages: ~85,000 characters, two bytes each as soon as one
 * record holds a character beyond Latin-1, e.g. a room mention's U+2005) is a large object for V8 (over
 * 128 KB: old-space work on every burst), and was the bot's biggest allocation site in bursts. A crash
 * between pieces leaves whole records, as a crash between batches does.
 */
export const PIECE_CHARS = 16 * 1024;

/** The records as JSON lines, cut into pieces of about PIECE_CHARS at record boundaries. */
export function logPieces(records: readonly unknown[]): string[] {
  const out: string[] = [];
  let text = '';
  for (const r of records) {
    text += `${JSON.stringify(r)}\n`;
    if (text.length >= PIECE_CHARS) {
      out.push(text);
      text = '';
    }
  }
  if (text !== '') out.push(text);
  return out;
}

export class FileSessionLog implements SessionLog {
  readonly #handles = new Map<string, Promise<FileHandle>>();
  /** Descriptors of the handles that are open (and not being closed): the fast path of `append`. */
  readonly #fds = new Map<string, number>();
  readonly #chains = new Map<string, Promise<unknown>>();
  /** Operations queued or running per key; an append takes the fast path only when there are none. */
  readonly #queued = new Map<string, number>();

  constructor(private readonly pathOf: (key: string) => string) {}

  #serial<T>(key: string, op: () => Promise<T>): Promise<T> {
    const prev = this.#chains.get(key) ?? Promise.resolve();
    this.#queued.set(key, (this.#queued.get(key) ?? 0) + 1);
    // Counted down before the caller's promise settles, so its next append may take the fast path.
    const run = async (): Promise<T> => {
      try {
        return await op();
      } finally {
        const n = (this.#queued.get(key) ?? 1) - 1;
        if (n === 0) this.#queued.delete(key);
        else this.#queued.set(key, n);
      }
    };
    const next = prev.then(run, run);
    const tail = next.catch(() => undefined);
    this.#chains.set(key, tail);
    void tail.then(() => {
      if (this.#chains.get(key) === tail) this.#chains.delete(key);
    });
    return next;
  }

  #handle(key: string): Promise<FileHandle> {
    let h = this.#handles.get(key);
    if (!h) {
      const path = this.pathOf(key);
      h = mkdir(dirname(path), { recursive: true, mode: 0o700 }).then(() => open(path, 'a', 0o600));
      const opened = h;
      opened.then(
        (fh) => {
          if (this.#handles.get(key) === opened) this.#fds.set(key, fh.fd);
        },
        () => this.#handles.delete(key),
      );
      this.#handles.set(key, h);
    }
    return h;
  }

  append(key: string, records: readonly unknown[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    const texts = logPieces(records);
    // Nothing queued for this key and its file open: write now. The order holds (nothing is ahead of
    // it) and a burst of messages saves the promise chain of a queued write per append.
    const fd = this.#queued.has(key) ? undefined : this.#fds.get(key);
    if (fd !== undefined) {
      try {
        for (const text of texts) writeText(fd, text);
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
      return DONE;
    }
    return this.#serial(key, async () => {
      const { fd: opened } = await this.#handle(key);
      for (const text of texts) writeText(opened, text);
    });
  }

  sync(key: string): Promise<void> {
    return this.#serial(key, async () => {
      const h = this.#handles.get(key);
      if (h) await (await h).datasync();
    });
  }

  read(key: string): Promise<unknown[]> {
    return this.#serial(key, async () => {
      let text: string;
      try {
        text = await readFile(this.pathOf(key), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
      const out: unknown[] = [];
      for (const line of text.split('\n')) {
        if (line === '') continue;
        try {
          out.push(JSON.parse(line) as unknown);
        } catch {
          // A line torn by a crash mid-write: everything before it stands, it never completed.
        }
      }
      return out;
    });
  }

  clear(key: string): Promise<void> {
    return this.#serial(key, async () => {
      const h = this.#handles.get(key);
      if (h) {
        const fh = await h;
        await fh.truncate(0);
        await fh.datasync();
        return;
      }
      await truncate(this.pathOf(key), 0).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      });
    });
  }

  close(key: string): Promise<void> {
    return this.#serial(key, async () => {
      const h = this.#handles.get(key);
      if (!h) return;
      this.#handles.delete(key);
      this.#fds.delete(key);
      await (await h).close();
    });
  }

  async remove(key: string): Promise<void> {
    await this.close(key);
    await rm(this.pathOf(key), { force: true });
  }
}
