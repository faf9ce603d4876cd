import { StringDecoder } from 'node:string_decoder';
import { constants as zlibConstants, gunzip, gunzipSync, inflate, inflateSync } from 'node:zlib';

/*
 * An answer's body as text, for both carriers of directRequest (node:http and the lean one): the bytes
 * as they come, decoded or inflated once they are all there.
 */

// SYNC_FLUSH: an empty or cut-short compressed body yields what it has, as browsers and axios do.
const FLUSH = { finishFlush: zlibConstants.Z_SYNC_FLUSH };
const EMPTY = Buffer.alloc(0);
/**
 * Compressed bodies up to this size are inflated synchronously: for a typical gzipped webwxsync answer
 * (~700 bytes) that is ~10 µs of CPU against ~25 µs for zlib's async one-shot (a thread-pool round trip
 * and one more wake-up of the event loop) and ~30–55 µs for a zlib stream. Larger ones (contact lists)
 * stay async so the loop is not held.
 */
const INFLATE_SYNC_MAX = 16 * 1024;

/** Where a body's bytes go; `done` is called once, with the text or the failure. */
export interface BodySink {
  data: (chunk: Buffer) => void;
  end: () => void;
  error: (err: Error) => void;
}

/** Collects a body whose Content-Encoding is `encoding` (gzip and deflate are inflated; anything else is text). */
export function collectBody(
  encoding: string | string[] | undefined,
  done: (err: Error | undefined, text?: string) => void,
): BodySink {
  const compressed = encoding === 'gzip' || encoding === 'deflate';
  const chunks: Buffer[] = [];
  let size = 0;
  // A plain body of several chunks (a contact list: megabytes in 64 KiB reads) is decoded as it comes,
  // so each chunk is freed at once: held until the end they grew the process's malloc arenas by tens
  // of MB that stayed after login (issue 20, memory per account). One chunk, the usual answer, is
  // decoded once at the end.
  let decoder: StringDecoder | undefined;
  let text = '';
  return {
    data: (chunk) => {
      if (compressed || (chunks.length === 0 && decoder === undefined)) {
        chunks.push(chunk);
        size += chunk.length;
        return;
      }
      if (decoder === undefined) {
        decoder = new StringDecoder('utf8');
        text = decoder.write(chunks.pop()!);
      }
      text += decoder.write(chunk);
    },
    end: () => {
      if (decoder !== undefined) {
        done(undefined, text + decoder.end());
        return;
      }
      const raw = chunks.length === 1 ? chunks[0]! : chunks.length === 0 ? EMPTY : Buffer.concat(chunks, size);
      if (!compressed || raw.length === 0) {
        done(undefined, raw.toString('utf8'));
        return;
      }
      if (raw.length <= INFLATE_SYNC_MAX) {
        let out: string;
        try {
          out = (encoding === 'gzip' ? gunzipSync(raw, FLUSH) : inflateSync(raw, FLUSH)).toString('utf8');
        } catch (err) {
          done(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        done(undefined, out);
        return;
      }
      (encoding === 'gzip' ? gunzip : inflate)(raw, FLUSH, (err, out) => {
        if (err) done(err);
        else done(undefined, out.toString('utf8'));
      });
    },
    error: (err) => {
      done(err);
    },
  };
}
