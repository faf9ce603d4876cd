/** Reading what a plugin asks to send, and writing what it downloads. */
import { open, readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';

import type { DownloadResult, DownloadTarget, MediaSource } from '@wxbot/core';

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

/** The bytes to upload and the file name to show (the path's base name unless one is given). */
export async function readSource(
  source: MediaSource,
  name: string | undefined,
): Promise<{ data: Buffer; fileName: string | undefined }> {
  if (typeof source === 'string') return { data: await readFile(source), fileName: name ?? basename(source) };
  if (Buffer.isBuffer(source)) return { data: source, fileName: name };
  return { data: await drain(source), fileName: name };
}

/** A name that cannot climb out of the target directory or hide as a dot file. */
function safeName(name: string): string {
  const cleaned = basename(name)
    .replace(/[\\/:*?"<>|\p{Cc}]/gu, '_')
    .replace(/^\.+/, '');
  return cleaned === '' ? 'download' : cleaned.slice(0, 200);
}

/** Writes to a new file in `dir` (`name (1).ext` when taken; never overwrites) or into a stream. */
export async function writeTarget(bytes: Buffer, target: DownloadTarget, name: string): Promise<DownloadResult> {
  if ('stream' in target) {
    await new Promise<void>((res, rej) => {
      target.stream.write(bytes, (err) => {
        if (err) rej(err);
        else res();
      });
    });
    return { bytes: bytes.length };
  }
  const file = safeName(name);
  const ext = extname(file);
  const stem = file.slice(0, file.length - ext.length);
  for (let n = 0; n < 1000; n += 1) {
    const path = resolve(join(target.dir, n === 0 ? file : `${stem} (${n})${ext}`));
    try {
      const fh = await open(path, 'wx', 0o600);
      try {
        await fh.writeFile(bytes);
      } finally {
        await fh.close();
      }
      return { path, bytes: bytes.length };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new Error(`download: ${target.dir} already holds 1000 files named like ${file}; clean it up`);
}
