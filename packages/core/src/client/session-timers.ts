import { StatusNotifyCode } from '../wire/msg-type.js';
import type { ClientEmitter } from './events.js';
import type { ResolvedOptions } from './options.js';
import type { ObservedApi } from './send-reconcile.js';

export interface SessionTimersDeps {
  readonly o: Pick<ResolvedOptions, 'watchdogMs' | 'keepAliveMs'>;
  readonly events: ClientEmitter;
  readonly api: Pick<ObservedApi, 'statusNotify'>;
  readonly syncing: () => boolean;
  /** When the sync loop last heard from the server. */
  readonly lastProgress: () => number;
  /** Called when the poll looks stuck; resets the watchdog's clock. */
  readonly abortStuckPoll: () => void;
  readonly selfName: () => string | undefined;
}

/** The watchdog (a poll that never answers is aborted) and the keep-alive (an idle session is touched). */
export class SessionTimers {
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly d: SessionTimersDeps) {}

  start(): void {
    this.clear();
    const { o, events } = this.d;
    const wd = o.watchdogMs;
    if (wd > 0) {
      const t = setInterval(
        () => {
          if (!this.d.syncing()) return;
          if (Date.now() - this.d.lastProgress() > wd) {
            events.error(new Error(`no sync progress for ${wd} ms`), 'watchdog: aborting the stuck poll');
            this.d.abortStuckPoll();
          }
        },
        Math.max(50, Math.floor(wd / 4)),
      );
      t.unref();
      this.timers.push(t);
    }
    if (o.keepAliveMs > 0) {
      const t = setInterval(() => {
        if (!this.d.syncing()) return;
        const self = this.d.selfName();
        if (!self) return;
        // Invisible: the init-time status notification to ourselves, never a chat message.
        this.d.api.statusNotify(StatusNotifyCode.Inited, self, self).catch((err: unknown) => {
          events.error(err, 'keep-alive');
        });
      }, o.keepAliveMs);
      t.unref();
      this.timers.push(t);
    }
  }

  clear(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }
}
