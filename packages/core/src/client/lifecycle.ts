import { ClientStopped, LoggedOut } from './errors.js';
import type { ClientState } from './types.js';

/**
 * The client's state machine: the one place its state changes, and where
 * actions wait until the client can run them.
 */
export class Lifecycle {
  private current: ClientState = 'idle';
  /** True while a recovery chain runs: `logged-out` is then not final yet. */
  recovering = false;
  private waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];

  constructor(
    private readonly signal: AbortSignal,
    private readonly changed: (e: { from: ClientState; to: ClientState }) => void,
  ) {}

  get state(): ClientState {
    return this.current;
  }

  set(to: ClientState): void {
    const from = this.current;
    if (from === to) return;
    this.current = to;
    this.changed({ from, to });
    if (to === 'syncing') for (const w of this.waiters.splice(0)) w.resolve();
  }

  /** A crash: the state becomes `stopped` with no event, as nothing is left to hear it. */
  halted(): void {
    this.current = 'stopped';
  }

  /** True once stop() (or a crash) began: what runs now must not start anything new. */
  get stopping(): boolean {
    return this.signal.aborted || this.current === 'stopping';
  }

  /** Resolves when actions can run; rejects when the client stops or recovery gave up. */
  ready(): Promise<void> {
    if (this.current === 'syncing') return Promise.resolve();
    if (this.signal.aborted || this.current === 'stopped') return Promise.reject(new ClientStopped('queue'));
    if (this.current === 'logged-out' && !this.recovering) return Promise.reject(new LoggedOut('queue'));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Fails every action still waiting in ready(). */
  rejectWaiters(err: Error): void {
    for (const w of this.waiters.splice(0)) w.reject(err);
  }
}
