import type { Logger } from 'pino';
import type { Contact } from '../contact/types.js';
import { backoffDelay, sleep } from '../util/backoff.js';
import { LoggedOut, LoginForbidden, RealNameRequired, ServerError } from './errors.js';
import type { ClientEmitter } from './events.js';
import type { Lifecycle } from './lifecycle.js';
import type { LoginChain } from './login-chain.js';
import type { ResolvedOptions } from './options.js';
import type { LogoutReason } from './types.js';

export interface RecoveryDeps {
  readonly o: Pick<ResolvedOptions, 'onLogout' | 'backoffBase' | 'backoffMax'>;
  readonly log: Logger;
  readonly events: ClientEmitter;
  readonly lifecycle: Lifecycle;
  readonly login: Pick<LoginChain, 'reinit' | 'relogin'>;
  /** Starts and ends the sync loop: recovery ends it while it works and starts it once a step succeeded. */
  readonly loop: { start(): void; stop(): void };
  /** Hands over what the inbox holds once a session is back. */
  readonly deliverPending: () => void;
  readonly self: () => Contact;
  readonly signal: AbortSignal;
}

function logoutReason(ret: number | undefined): LogoutReason {
  if (ret === 1100) return 'not-logged-in';
  if (ret === 1101) return 'logged-out-elsewhere';
  if (ret === 1102) return 'cookie-invalid';
  return 'unknown';
}

/**
 * What the client does when the sync loop reports trouble: a logout runs the
 * `recovery.onLogout` chain (re-init, push login, QR), a stuck selector trips
 * the breaker (back off, then re-init).
 */
export class Recovery {
  constructor(private readonly d: RecoveryDeps) {}

  /** Runs the recovery chain; the client ends `syncing` again or `logged-out`. */
  async onLogout(endpoint: string, ret: number | undefined): Promise<void> {
    const { lifecycle, events, signal } = this.d;
    if (lifecycle.recovering || lifecycle.stopping) return;
    lifecycle.recovering = true;
    this.d.loop.stop();
    try {
      const reason = logoutReason(ret);
      this.d.log.warn({ endpoint, ret, reason }, 'session logged out');
      events.emit('logout', ret === undefined ? { reason, endpoint } : { reason, retcode: ret, endpoint });
      lifecycle.set('recovering');
      let attempt = 0;
      for (const step of this.d.o.onLogout) {
        if (signal.aborted) return;
        attempt++;
        try {
          if (step === 'reinit') await this.d.login.reinit();
          else await this.d.login.relogin(step);
          lifecycle.set('syncing');
          this.d.loop.start();
          events.emit('recovered', { via: step, attempt });
          if (step !== 'reinit') events.emit('login', { self: this.d.self(), via: step });
          this.d.deliverPending();
          return;
        } catch (err) {
          if (signal.aborted) return;
          events.error(err, `recovery step ${step} failed`);
          if (err instanceof LoginForbidden || err instanceof RealNameRequired) break;
        }
      }
      lifecycle.set('logged-out');
      lifecycle.rejectWaiters(new LoggedOut(endpoint, ret, 'the session is logged out and recovery failed'));
    } finally {
      lifecycle.recovering = false;
    }
  }

  /** The breaker for a stuck selector: back off, then re-init; 'stop' when a logout took over. */
  async breaker(running: () => boolean): Promise<'continue' | 'stop'> {
    const o = this.d.o;
    const delay = backoffDelay(2, o.backoffBase, o.backoffMax);
    this.d.log.warn(
      { delay },
      'sync breaker: selector keeps signalling but syncs are empty; backing off, then re-init',
    );
    this.d.events.error(new ServerError('webwxsync', 0, 'stuck selector (empty syncs)'), 'sync breaker tripped');
    await sleep(delay, this.d.signal);
    if (!running()) return 'continue';
    try {
      await this.d.login.reinit();
      this.d.events.emit('recovered', { via: 'reinit', attempt: 1 });
    } catch (err) {
      if (err instanceof LoggedOut) {
        void this.onLogout(err.endpoint, err.ret);
        return 'stop';
      }
      this.d.events.error(err, 'sync breaker: re-init failed');
    }
    return 'continue';
  }
}
