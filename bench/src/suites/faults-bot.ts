/** The fault matrix's bot process, from the orchestrator's side: start, kill -9, start again on the same data dir. */
import { Child } from '../ipc.js';

export class BotUnderTest {
  #child: Child | undefined;
  #exited: Promise<void> = Promise.resolve();
  starts = 0;

  constructor(
    private readonly dataDir: string,
    private readonly sim: { url: string; loginUrl: string },
  ) {}

  /** A new bot process on the same data dir, logged in (hot login from the saved session when there is one). */
  async start(): Promise<void> {
    const child = new Child('faults-bot', [this.dataDir]);
    this.#child = child;
    this.#exited = new Promise((resolve) => child.proc.once('exit', () => resolve()));
    this.starts++;
    await child.call({ type: 'login', url: this.sim.url, loginUrl: this.sim.loginUrl }, 60_000);
  }

  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.proc.exitCode !== null || child.proc.signalCode !== null) return;
    child.proc.kill('SIGKILL');
    await this.#exited;
  }

  /**
   * Has the simulator SIGKILL the bot synchronously inside its next accepted
   * webwxsendmsg, before the answer is written. False when no send came
   * within `timeoutMs` (the bot is then left running).
   */
  async killOnNextSend(sim: Child, timeoutMs: number): Promise<boolean> {
    const pid = this.#child?.proc.pid;
    if (pid === undefined) return false;
    await sim.call({ type: 'kill-on-send', pid }, 10_000);
    let timer: NodeJS.Timeout | undefined;
    const killed = await Promise.race([
      this.#exited.then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (!killed) await sim.call({ type: 'kill-on-send', pid: null }, 10_000);
    return killed;
  }

  /** The current process's longest event-loop stall and peak RSS; undefined when it is gone. */
  async health(): Promise<{ maxLoopDelayMs: number; maxRssMb: number } | undefined> {
    return this.#child
      ?.call<{ type: string; maxLoopDelayMs: number; maxRssMb: number }>({ type: 'health' }, 10_000)
      .then((h) => ({ maxLoopDelayMs: h.maxLoopDelayMs, maxRssMb: h.maxRssMb }))
      .catch(() => undefined);
  }

  async pluginFault(mode: 'off' | 'throw' | 'hang'): Promise<void> {
    await this.#child?.call({ type: 'plugin-fault', mode }, 10_000);
  }

  async close(): Promise<void> {
    await this.#child?.close(10_000);
  }
}
