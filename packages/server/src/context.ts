import type { FastifyReply } from 'fastify';

import type { EventBus } from './events.js';
import type { AccountHub } from './hub.js';

/** What the route modules share. */
export interface ServerContext {
  readonly hubs: ReadonlyMap<string, AccountHub>;
  readonly bus: EventBus;
  /** Open event streams, ended when the server closes. */
  readonly streams: Set<{ end(): void }>;
}

/** An API error: status, a stable code, and a message that says what to do. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** The transport capability the account lacks (`capability_missing`), e.g. `rooms`. */
    readonly capability?: string,
  ) {
    super(message);
  }
}

export function hubOf(ctx: ServerContext, account: string): AccountHub {
  const hub = ctx.hubs.get(account);
  if (hub === undefined) {
    const known = [...ctx.hubs.keys()].map((k) => JSON.stringify(k)).join(', ');
    throw new ApiError(
      404,
      'no_account',
      `no account ${JSON.stringify(account)}; accounts: ${known || '(none)'}`,
      'params.account',
    );
  }
  return hub;
}

export function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  return reply.code(error.status).send({
    error: {
      code: error.code,
      message: error.message,
      ...(error.field === undefined ? {} : { field: error.field }),
      ...(error.capability === undefined ? {} : { capability: error.capability }),
    },
  });
}
