import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';

import type { CliIo } from './io.js';

/** Clear from the start of the prompt's first row to the end of the screen. */
const clearRows = (rows: number) => `\r${rows > 0 ? `\x1b[${rows}A` : ''}\x1b[0J`;

/** A readline prompt that owns the bottom of the terminal while other lines keep arriving above it. */
export interface PromptScreen {
  readonly rl: Interface;
  /** Writes to the terminal as is (the prompt's own drawing, help text). */
  readonly draw: (text: string) => boolean;
  /** True once `release()` ran. */
  readonly closing: boolean;
  /** Gives stdout back and closes readline; later calls do nothing. */
  release(): void;
}

/**
 * Action lines, messages and log entries are written to stdout at any time. Readline draws through its
 * own handle on the real `write`; anything else first wipes the prompt (and what is being typed) and the
 * prompt is redrawn below it, so nothing lands after "Alice> " and typed text is never lost. Shared by
 * the simulator prompt (chat.ts) and the account's terminal chat (account-chat.ts).
 */
export function promptScreen(io: CliIo, onRelease: () => void): PromptScreen {
  let closing = false;
  const out = io.stdout;
  const ownWrite = Object.hasOwn(out, 'write');
  // eslint-disable-next-line @typescript-eslint/unbound-method -- only ever called with `out` as this
  const realWrite = out.write;
  const writeRaw = (...args: unknown[]): boolean => (realWrite as (...a: unknown[]) => boolean).apply(out, args);
  const screen = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      writeRaw(chunk);
      callback();
    },
  });
  Object.defineProperty(screen, 'columns', { get: () => (out as { columns?: number }).columns });
  const rl = createInterface({ input: io.stdin, output: screen, terminal: true });
  out.write = function (chunk: unknown, ...rest: unknown[]): boolean {
    if (closing) return writeRaw(chunk, ...rest);
    writeRaw(clearRows(rl.getCursorPos().rows));
    const ok = writeRaw(chunk, ...rest);
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
    if (text.endsWith('\n')) rl.prompt(true);
    return ok;
  } as typeof out.write;
  return {
    rl,
    draw: (text) => writeRaw(text),
    get closing() {
      return closing;
    },
    release() {
      if (closing) return;
      closing = true;
      onRelease();
      if (ownWrite) out.write = realWrite;
      else delete (out as { write?: unknown }).write;
      rl.close();
    },
  };
}
