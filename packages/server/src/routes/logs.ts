import { redactText, type LogTail } from '@wxbot/core';
import type { FastifyInstance } from 'fastify';

import { ApiError } from '../context.js';
import { errors, logLineSchema } from '../schemas.js';

/** `GET /api/logs`: the bot's recent log lines (the console's Log page), masked again here. */
export function logRoutes(app: FastifyInstance, logs: LogTail | undefined): void {
  app.get<{ Querystring: { limit?: number } }>(
    '/api/logs',
    {
      schema: {
        operationId: 'listLogs',
        summary: "The bot's recent log lines, oldest first, secrets masked (501 when the server has no log tail)",
        tags: ['meta'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 } },
        },
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: logLineSchema } } },
          ...errors(501),
        },
      },
    },
    (request) => {
      if (logs === undefined)
        throw new ApiError(
          501,
          'no_log_tail',
          'this server was started without a log tail (pass `logs` to createApiServer; `wxbot start` does)',
        );
      // The lines passed the logger's redaction already; masked again in case a caller's tail did not.
      return {
        items: logs
          .recent(request.query.limit ?? 200)
          .map((l) => ({ at: l.at, level: l.level, msg: redactText(l.msg) })),
      };
    },
  );
}
