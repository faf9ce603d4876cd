import { PassThrough } from 'node:stream';

import type { CliIo } from '../../src/cli/io.js';

/** In-memory streams for running CLI commands in-process. */
export function memoryIo(cwd: string, signal?: AbortSignal) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const io: CliIo = {
    cwd,
    stdout,
    stderr,
    stdin: new PassThrough(),
    interactive: false,
    ...(signal ? { signal } : {}),
  };
  return { io, out: () => out, err: () => err };
}

export async function waitUntil(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
