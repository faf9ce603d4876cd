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
  /** Stops serving and delivering; journaled webhook deliveries resume on the next start. */
  close(): Promise<void>;
}

/** What `@wxbot/server` exports for `wxbot start`. */
export interface ControlPlaneModule {
  startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane>;
}
