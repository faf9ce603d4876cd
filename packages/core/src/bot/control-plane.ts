import type { Logger } from 'pino';

import type { ApiConfig, WebhookConfig } from '../config/types.js';
import type { Bot } from './bot.js';
import type { LogTail } from '../log/ring.js';

/**
 * The contract between `wxbot start` and the control plane (@wxbot/server): core owns it and loads
 * the server by name at run time, so core never imports the server (which imports core).
 */
export interface ControlPlaneOptions {
  /** The bots to serve, one per account (their `client.account` is the account id in URLs). */
  readonly bots: readonly Bot[];
  readonly api?: ApiConfig | undefined;
  readonly webhooks?: readonly WebhookConfig[] | undefined;
  /** Where the generated API token and the webhook journal live. */
  readonly dataDir: string;
  readonly logger: Logger;
  /** The recent log lines `GET /api/logs` serves; without it that route answers 501. */
  readonly logs?: LogTail | undefined;
  /** Simulator mode: the simulator's control URL (`sim.controlUrl`), relayed under /api/simulator/. */
  readonly simulatorControlUrl?: string | undefined;
}

/** A running control plane. */
export interface ControlPlane {
  /** Base URL, e.g. `http://127.0.0.1:8720` (the API is under `/api`); undefined when the API is off. */
  readonly url: string | undefined;
  /** The file holding the generated token, when it was generated (never the token itself). */
  readonly tokenFile: string | undefined;
  /**
   * The account named `bot.transport.account` is served by `bot` from now on (a restarted account's new bot):
   * the API, the event stream, metrics and webhooks follow it, and let go of the bot it replaces (every
   * subscription to that one is disposed; its counters go on under the same account label, and its recent
   * messages stay listed). Call it once the old bot has stopped: what that bot had not handed over stays in
   * the account's inbox journal and reaches webhooks through the new bot, once. The same bot again is a
   * no-op, as is any call after `close()`. Throws for an account the control plane was not started with.
   */
  replaceBot(bot: Bot): void;
  /** Stops serving and delivering; journaled webhook deliveries resume on the next start. */
  close(): Promise<void>;
}

/** What `@wxbot/server` exports for `wxbot start`. */
export interface ControlPlaneModule {
  startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane>;
}
