import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { WxError } from './errors.js';
import type { ClientEvents } from './types.js';

/** The client's typed events; a listener that throws is logged and never breaks the emitter. */
export class ClientEmitter {
  private readonly emitter = new EventEmitter();

  constructor(private readonly log: Logger) {}

  on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): void {
    this.emitter.on(event, listener as (...a: unknown[]) => void);
  }

  off<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): void {
    this.emitter.off(event, listener as (...a: unknown[]) => void);
  }

  once<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): void {
    this.emitter.once(event, listener as (...a: unknown[]) => void);
  }

  emit<E extends keyof ClientEvents>(event: E, payload: Parameters<ClientEvents[E]>[0]): void {
    // rawListeners: a once() listener is its wrapper here, which removes itself when called.
    for (const l of this.emitter.rawListeners(event)) {
      try {
        (l as (p: unknown) => void)(payload);
      } catch (err) {
        this.log.error({ err: String(err), event }, 'event listener threw');
      }
    }
  }

  /** Reports a non-fatal failure as an `error` event; `context` says what was being done. */
  error(err: unknown, context: string): void {
    const error = err instanceof Error ? err : new Error(String(err));
    this.log.warn({ err: error.message, code: (error as Partial<WxError>).code, context }, 'client error');
    this.emit('error', { error, context });
  }
}
