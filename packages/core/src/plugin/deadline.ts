/** Something the watch can expire: a handler run with a budget. */
export interface Watched {
  /** `performance.now()` time at which it expires; Infinity while it is paused (inside `next()`). */
  deadline: number;
  /** Called once, after the watch has forgotten it. */
  expire(): void;
  /** Where the watch keeps it; -1 while not watched. Only the watch writes this. */
  watchSlot: number;
}

/**
 * One timer for every handler a host has in flight, instead of a setTimeout
 * (and a Promise.race) per plugin per message, which cost more than the
 * handlers themselves.
 *
 * The timer is armed for the earliest deadline it knows of and is not moved
 * for deadlines less than `slackMs` earlier (nested handlers resume a little
 * before the timer armed by a later one); a firing with nothing due re-arms
 * for the earliest remaining deadline. So a timeout fires at most `slackMs`
 * late, and under steady load the host sets one timer per timeout period,
 * not one per handler. The timer holds the process open only while some
 * handler is in flight, as the per-handler timers did.
 */
export class DeadlineWatch<W extends Watched = Watched> {
  /** Dense, in no particular order; each run knows its slot, so add and delete are O(1) without hashing. */
  readonly #runs: W[] = [];
  readonly #slackMs: number;
  #timer: NodeJS.Timeout | undefined;
  #fireAt = Infinity;

  constructor(slackMs: number) {
    this.#slackMs = slackMs;
  }

  add(run: W): void {
    if (run.watchSlot >= 0) {
      this.#ensure(run.deadline);
      return;
    }
    const runs = this.#runs;
    run.watchSlot = runs.length;
    runs.push(run);
    if (runs.length === 1) this.#timer?.ref();
    this.#ensure(run.deadline);
  }

  delete(run: W): void {
    const slot = run.watchSlot;
    const runs = this.#runs;
    if (slot < 0 || runs[slot] !== run) return;
    run.watchSlot = -1;
    const last = runs.pop()!;
    if (last !== run) {
      runs[slot] = last;
      last.watchSlot = slot;
    }
    if (runs.length === 0) this.#timer?.unref();
  }

  /** The runs in flight (their handlers have not settled or timed out). */
  runs(): readonly W[] {
    return this.#runs;
  }

  /** A watched run's deadline changed (it resumed after `next()`). */
  moved(run: W): void {
    this.#ensure(run.deadline);
  }

  /** Drops the timer when nothing is in flight (host stop). */
  close(): void {
    if (this.#runs.length > 0 || this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#fireAt = Infinity;
  }

  #ensure(deadline: number): void {
    if (deadline === Infinity) return;
    if (this.#timer !== undefined && deadline >= this.#fireAt - this.#slackMs) return;
    this.#arm(deadline);
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#fireAt = at;
    // Rounded up: a timer firing early only re-arms, one firing before the deadline must not expire anything.
    this.#timer = setTimeout(this.#tick, Math.max(1, Math.ceil(at - performance.now())));
    if (this.#runs.length === 0) this.#timer.unref();
  }

  readonly #tick = (): void => {
    this.#timer = undefined;
    this.#fireAt = Infinity;
    const now = performance.now();
    let due: W[] | undefined;
    let earliest = Infinity;
    for (const run of this.#runs) {
      if (run.deadline <= now) (due ??= []).push(run);
      else if (run.deadline < earliest) earliest = run.deadline;
    }
    if (due !== undefined) {
      for (const run of due) this.delete(run);
      // Expiring starts downstream plugins, which may add runs (and arm the timer) themselves.
      for (const run of due) run.expire();
    }
    this.#ensure(earliest);
  };
}
