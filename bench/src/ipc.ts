/** Typed request/response over a child process's IPC channel, with timeouts. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { processCpu, watchGc } from './process-cpu.js';

export interface IpcMessage {
  type: string;
  id?: number;
  [key: string]: unknown;
}

/** A bench child: `call` sends a request and resolves with the reply carrying the same id. */
export class Child {
  readonly proc: ChildProcess;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (m: IpcMessage) => void; reject: (e: Error) => void }>();
  private exited: Error | undefined;
  readonly stderr: string[] = [];

  /** `execPath`: another node binary for this child (e.g. Node 22 or 24 for the process under test). */
  constructor(
    script: string,
    args: string[] = [],
    execArgv: string[] = [],
    env: NodeJS.ProcessEnv = {},
    execPath?: string,
  ) {
    const path = fileURLToPath(new URL(`./children/${script}.js`, import.meta.url));
    this.proc = fork(path, args, {
      execArgv,
      ...(execPath !== undefined ? { execPath } : {}),
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      env: {
        ...process.env,
        NO_PROXY: '127.0.0.1,localhost',
        HTTP_PROXY: '',
        HTTPS_PROXY: '',
        http_proxy: '',
        https_proxy: '',
        ...env,
      },
    });
    this.proc.stderr?.on('data', (d: Buffer) => {
      this.stderr.push(d.toString());
      if (this.stderr.length > 200) this.stderr.shift();
    });
    this.proc.on('message', (m: IpcMessage) => {
      if (m.id === undefined) return;
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.type === 'error') w.reject(new Error(`${script}: ${String(m['message'])}`));
      else w.resolve(m);
    });
    // A child that could not be started (a bad execPath) fails its calls instead of crashing the orchestrator.
    this.proc.on('error', (err) => {
      this.exited ??= new Error(`${script} could not run: ${err.message}`);
      for (const w of this.waiting.values()) w.reject(this.exited);
      this.waiting.clear();
    });
    this.proc.on('exit', (code, signal) => {
      this.exited = new Error(
        `${script} exited (code ${code}, signal ${signal}): ${this.stderr.join('').slice(-2000)}`,
      );
      for (const w of this.waiting.values()) w.reject(this.exited);
      this.waiting.clear();
    });
  }

  call<T extends IpcMessage>(msg: IpcMessage, timeoutMs: number): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(
          new Error(`${msg.type}: no answer within ${timeoutMs} ms; stderr: ${this.stderr.join('').slice(-2000)}`),
        );
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.proc.send({ ...msg, id });
    });
  }

  /** Asks the child to exit; kills it if it does not within `graceMs`. */
  async close(graceMs = 5000): Promise<void> {
    if (this.exited || this.proc.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    try {
      this.proc.send({ type: 'exit' });
    } catch {
      // channel already closed
    }
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }
}

/** Child side: answers requests with `handle`, exits on `exit` or when the parent goes away. */
export function serve(handle: (m: IpcMessage) => Promise<Record<string, unknown>>, onExit: () => Promise<void>): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('bench child started without an IPC channel (run it through `pnpm bench`)');
  watchGc();
  const exit = (): void => {
    void onExit()
      .catch(() => undefined)
      .finally(() => process.exit(0));
  };
  process.on('disconnect', exit);
  process.on('message', (m: IpcMessage) => {
    if (m.type === 'exit') {
      exit();
      return;
    }
    if (m.type === 'cpu') {
      // CPU time of the whole process so far (µs), its main thread's, and GC pauses: the orchestrator diffs
      // them around a phase.
      send({ type: 'cpu:done', id: m.id, ...processCpu() });
      return;
    }
    handle(m).then(
      (reply) => send({ type: `${m.type}:done`, id: m.id, ...reply }),
      (err: unknown) =>
        send({ type: 'error', id: m.id, message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  });
}
