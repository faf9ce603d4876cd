import type { Readable, Writable } from 'node:stream';

/** Where a command reads and writes; tests pass their own streams and an abort signal. */
export interface CliIo {
  readonly cwd: string;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdin: Readable;
  /** True when a person is at the terminal (enables the chat prompt and pretty logs). */
  readonly interactive: boolean;
  /** Stops long-running commands as SIGINT/SIGTERM would. */
  readonly signal?: AbortSignal;
}

export function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    interactive: process.stdin.isTTY && process.stdout.isTTY,
  };
}

/**
 * Where lines for a person go (banner, login progress, results): stdout at a
 * terminal, stderr otherwise, so a piped stdout carries only JSON log lines.
 */
export function humanOut(io: CliIo): Writable {
  return io.interactive ? io.stdout : io.stderr;
}

/** Resolves on SIGINT/SIGTERM or when `signal` aborts. */
export function untilStopped(signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve) => {
    const done = (why: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      signal?.removeEventListener('abort', onAbort);
      resolve(why);
    };
    const onInt = () => {
      done('SIGINT');
    };
    const onTerm = () => {
      done('SIGTERM');
    };
    const onAbort = () => {
      done('abort');
    };
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    if (signal?.aborted) done('abort');
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
