import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { SendJournalEntry } from './outbox.js';

/**
 * The data of journaled media sends (`<dataDir>/outbox-media/<account>/<ClientMsgId>`):
 * written before the send is journaled, so a crash mid-upload re-uploads it on the next start.
 */
export class MediaSpool {
  constructor(
    readonly dir: string,
    private readonly log: Logger,
  ) {}

  /** Writes a send's data durably; returns its file. */
  async write(clientMsgId: string, data: Buffer): Promise<string> {
    const file = join(this.dir, clientMsgId);
    await writeFileAtomic(file, data);
    return file;
  }

  /**
   * Removes this account's spooled media that no journaled send refers to: a
   * crash between spooling and journaling, or between sending and removing.
   */
  async sweep(pending: readonly SendJournalEntry[]): Promise<void> {
    const keep = new Set(pending.flatMap((e) => (e.upload ? [e.upload.file] : [])));
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return; // no spool dir yet
    }
    for (const name of names) {
      const file = join(this.dir, name);
      if (keep.has(file)) continue;
      await rm(file, { force: true }).catch((err: unknown) => {
        this.log.warn({ err: String(err) }, 'could not remove an orphaned spooled media file');
      });
    }
  }

  /** Removes the spool file of a media send that left the journal. */
  drop(entry: SendJournalEntry): void {
    if (entry.upload)
      void rm(entry.upload.file, { force: true }).catch((err: unknown) => {
        this.log.warn({ err: String(err) }, 'could not remove a spooled media file');
      });
  }
}
