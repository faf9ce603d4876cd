/** Bytes the simulator serves for media it invents (incoming images, voice, video) and the store for uploads. */

import type { Rng } from './ids.js';

export interface StoredMedia {
  data: Buffer;
  contentType: string;
  fileName: string;
}

function filler(rng: Rng, size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4) b.writeUInt32LE((rng.next() * 0x100000000) >>> 0, Math.min(i, size - 4));
  return b;
}

/** A JPEG-framed blob (SOI ... EOI) so sniffers see an image. */
export function fakeJpeg(rng: Rng, size: number): Buffer {
  const body = filler(rng, Math.max(size - 6, 4));
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), body, Buffer.from([0xff, 0xd9])]);
}

/** An MP3-framed blob (ID3 tag first). */
export function fakeMp3(rng: Rng, size: number): Buffer {
  return Buffer.concat([Buffer.from('ID3\x03\x00\x00\x00\x00\x00\x00', 'latin1'), filler(rng, Math.max(size - 10, 4))]);
}

/** An MP4-framed blob (ftyp box first). */
export function fakeMp4(rng: Rng, size: number): Buffer {
  const ftyp = Buffer.from('\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom', 'latin1');
  return Buffer.concat([ftyp, filler(rng, Math.max(size - ftyp.length, 4))]);
}

export function contentTypeFor(fileName: string, fallback: string): string {
  const ext = fileName.split('.').pop()?.toLowerCase() ?? '';
  const map: Record<string, string> = {
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    png: 'image/png',
    gif: 'image/gif',
    mp4: 'video/mp4',
    mp3: 'audio/mpeg',
    txt: 'text/plain',
    pdf: 'application/pdf',
  };
  return map[ext] ?? fallback;
}
