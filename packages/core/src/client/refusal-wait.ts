/**
 * Where sends refused with 1205 wait out their backoff, per action class.
 * The server accepting a send of the class is evidence the refusal window
 * is over, so `wake()` lets every waiter retry at once instead of sleeping
 * out a backoff that grew during the window (the bucket still paces them).
 */
export class RefusalWait {
  private readonly waiting = new Set<() => void>();

  /** Resolves after `ms`, at the next `wake()` (when `wakeable`), or when `signal` aborts; true when woken. */
  wait(ms: number, signal: AbortSignal, wakeable: boolean): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (woken: boolean): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.waiting.delete(onWake);
        resolve(woken);
      };
      const onAbort = (): void => {
        finish(false);
      };
      const onWake = (): void => {
        finish(true);
      };
      const timer = setTimeout(onAbort, Math.max(0, ms));
      if (signal.aborted) {
        finish(false);
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      if (wakeable) this.waiting.add(onWake);
    });
  }

  /** A send of the class was accepted: everyone waiting retries now. */
  wake(): void {
    if (this.waiting.size === 0) return;
    for (const f of [...this.waiting]) f();
  }

  get size(): number {
    return this.waiting.size;
  }
}
