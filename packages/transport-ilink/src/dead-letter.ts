/**
 * Where a received message goes when it can never be journaled (see poison.ts): one JSON file per
 * message, written atomically (temporary file, fsync, rename) with mode 0600 in a 0700 directory,
 * beside the session. The message's `context_token` (a reply credential) is left out; the session
 * keeps each user's newest one anyway.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { messageKey } from './state.js';
import type { WeixinMessage } from './wire.js';

/** What a dead-letter file holds. */
export interface DeadLetterRecord {
  readonly version: 1;
  readonly account: string;
  readonly messageId: string;
  /** Epoch ms it was moved here. */
  readonly at: number;
  /** How many times its batch failed to journal first. */
  readonly attempts: number;
  /** Why its journal write failed (the error's code and message). */
  readonly reason: string;
  /** The message without its context token; undefined when it could not be written as JSON either. */
  readonly message: WeixinMessage | undefined;
}

/** A file name from a message id: readable where safe, with a hash so two ids never share a file. */
function fileName(id: string): string {
  const readable = id.replace(/[^\w.-]/g, '_').slice(0, 80);
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 12);
  return `${readable}-${hash}.json`;
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return code === undefined ? error.message : `${code}: ${error.message}`;
}

export class DeadLetters {
  #count = 0;

  constructor(
    /** The directory the files go to (created on first use). */
    readonly dir: string,
    private readonly account: string,
    private readonly now: () => number,
  ) {}

  /** Messages dead-lettered since this transport was made. */
  get count(): number {
    return this.#count;
  }

  /**
   * Writes `msg` to its dead-letter file and resolves with the path; rejects (and counts nothing)
   * when the file cannot be written, so the caller holds the batch instead of losing the message.
   */
  async put(msg: WeixinMessage, error: unknown, attempts: number): Promise<string> {
    const messageId = messageKey(msg);
    const base = { version: 1 as const, account: this.account, messageId, at: this.now(), attempts };
    const reason = reasonOf(error);
    // Spread into a fresh object: the token must not reach the disk, whatever else the message holds.
    const { context_token: _token, ...message } = msg;
    let text: string;
    try {
      text = JSON.stringify({ ...base, reason, message } satisfies DeadLetterRecord, null, 2);
    } catch (jsonError) {
      // The message itself may be what cannot be written (a cycle, a BigInt): keep its id and why.
      text = JSON.stringify(
        { ...base, reason: `${reason}; not serialisable: ${reasonOf(jsonError)}`, message: undefined },
        null,
        2,
      );
    }
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const path = join(this.dir, fileName(messageId));
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const fh = await open(tmp, 'wx', 0o600);
      try {
        await fh.writeFile(text);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path);
    } catch (writeError) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw writeError;
    }
    this.#count += 1;
    return path;
  }
}
