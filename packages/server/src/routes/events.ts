import type { FastifyInstance } from 'fastify';

import { ApiError, type ServerContext } from '../context.js';
import { EVENT_TYPES, type EventType, type ServerEvent } from '../events.js';
import { errors } from '../schemas.js';

const KEEPALIVE_MS = 15_000;

function frame(event: ServerEvent): string {
  const body = JSON.stringify({
    seq: event.seq,
    type: event.type,
    account: event.account,
    at: event.at,
    ...(event.chat === undefined ? {} : { chat: event.chat }),
    data: event.data,
  });
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${body}\n\n`;
}

export function eventRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: { kinds?: string; account?: string; access_token?: string } }>(
    '/api/events',
    {
      schema: {
        operationId: 'streamEvents',
        summary: 'Server-sent events: messages, processed, login/logout, QR, state, actions, plugin failures',
        description:
          'text/event-stream; each event is `event: <type>` with a JSON `data:` line and `id: <seq>`. Reconnect ' +
          'with Last-Event-ID to get the events missed since (the last 500 are kept).',
        tags: ['events'],
        produces: 'text/event-stream',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            kinds: {
              type: 'string',
              description: `Comma-separated event types (${EVENT_TYPES.join(', ')}); default all`,
            },
            account: { type: 'string', description: 'Only this account' },
            access_token: { type: 'string', description: 'The token, for an EventSource that cannot send headers' },
          },
        },
        response: { 200: { type: 'string' }, ...errors() },
      },
    },
    (request, reply) => {
      const { kinds, account } = request.query;
      let wanted: Set<string> | undefined;
      if (kinds !== undefined && kinds !== '') {
        wanted = new Set(kinds.split(',').map((k) => k.trim()));
        const bad = [...wanted].filter((k) => !EVENT_TYPES.includes(k as EventType));
        if (bad.length > 0)
          throw new ApiError(
            400,
            'invalid_request',
            `unknown event type(s) ${bad.join(', ')}; known: ${EVENT_TYPES.join(', ')}`,
            'querystring.kinds',
          );
      }
      const keep = (e: ServerEvent) =>
        (wanted === undefined || wanted.has(e.type)) && (account === undefined || e.account === account);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(': connected\n\n');
      const last = Number(request.headers['last-event-id']);
      if (Number.isInteger(last) && last >= 0) for (const e of ctx.bus.since(last)) if (keep(e)) res.write(frame(e));
      const off = ctx.bus.subscribe((e) => {
        if (keep(e)) res.write(frame(e));
      });
      const timer = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
      timer.unref();
      const stream = {
        end: () => {
          res.end();
        },
      };
      ctx.streams.add(stream);
      res.on('close', () => {
        off();
        clearInterval(timer);
        ctx.streams.delete(stream);
      });
    },
  );
}
