import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What fastify hands a server made by its `serverFactory`: the app's request handler. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The API's socket, bound before the app behind it exists (cold start, issue 20; decision record
 * "control plane listens first"): `wxbot start` prints the address and the bot starts at once, and fastify
 * (~100 ms of module loading and route set-up) is built once the bot is up, or as soon as a request comes.
 * A request that arrives before then waits (its body stays buffered in the stream) and is handed to the
 * app when it is ready. Server settings are fastify's own defaults for the servers it makes.
 */
export class EarlyListener {
  readonly server: Server;
  #handler: RequestHandler | undefined;
  #waiting: Array<[IncomingMessage, ServerResponse]> = [];
  #failed: string | undefined;

  /** `onRequest`: told of the first request that has to wait (build the app now). */
  constructor(onRequest: () => void) {
    this.server = createServer((req, res) => {
      if (this.#handler !== undefined) {
        this.#handler(req, res);
        return;
      }
      if (this.#failed !== undefined) {
        unavailable(res, this.#failed);
        return;
      }
      this.#waiting.push([req, res]);
      onRequest();
    });
    // fastify's defaults (keepAliveTimeout 72 s, no request or connection timeout), as it sets them itself.
    this.server.keepAliveTimeout = 72_000;
    this.server.requestTimeout = 0;
    this.server.setTimeout(0);
  }

  /**
   * Binds `host:port`; the default port (not one the config names) falls back to any free one when taken,
   * as the fastify listen did. Resolves with the port.
   */
  async listen(host: string, port: number, portIsDefault: boolean): Promise<number> {
    try {
      await this.#bind(host, port);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EADDRINUSE' || !portIsDefault) throw error;
      await this.#bind(host, 0);
    }
    return (this.server.address() as AddressInfo).port;
  }

  #bind(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => {
        this.server.off('listening', onListening);
        reject(error);
      };
      const onListening = (): void => {
        this.server.off('error', onError);
        resolve();
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen({ host, port });
    });
  }

  /** The app is ready: it gets every request from now on, the waiting ones first, in arrival order. */
  attach(handler: RequestHandler): void {
    this.#handler = handler;
    for (const [req, res] of this.#waiting.splice(0)) handler(req, res);
  }

  /** The app could not be built: waiting and later requests get a 503 saying so (the bot's log has why). */
  fail(reason: string): void {
    this.#failed = reason;
    for (const [, res] of this.#waiting.splice(0)) unavailable(res, reason);
  }

  /** Stops listening and drops every connection (fastify's `forceCloseConnections: true`). */
  close(): Promise<void> {
    for (const [, res] of this.#waiting.splice(0)) unavailable(res, 'the control API is stopping');
    return new Promise((resolve) => {
      this.server.close(() => {
        resolve();
      });
      this.server.closeAllConnections();
    });
  }
}

function unavailable(res: ServerResponse, message: string): void {
  if (res.headersSent) return;
  res.writeHead(503, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ error: { code: 'unavailable', message } }));
}
