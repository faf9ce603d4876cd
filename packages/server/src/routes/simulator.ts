import { phoneRelay, PhoneInputError } from '@wxbot/console';
import type { FastifyInstance } from 'fastify';

import { ApiError } from '../context.js';
import { errors } from '../schemas.js';

const person = {
  type: 'object',
  required: ['id', 'name'],
  properties: { id: { type: 'string' }, name: { type: 'string' } },
} as const;

/**
 * Simulator mode only: the console's phone panel, relayed to the simulator's control API from this
 * process (the simulator refuses web pages of another origin, and should).
 */
export function simulatorRoutes(app: FastifyInstance, controlUrl: string): void {
  const relay = phoneRelay(controlUrl);
  const relayed = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof PhoneInputError) throw new ApiError(400, 'invalid_request', error.message, error.field);
      throw new ApiError(
        502,
        'simulator_unreachable',
        `the simulator at ${controlUrl} did not answer: ${String(error)}`,
      );
    }
  };
  app.get(
    '/api/simulator/world',
    {
      schema: {
        operationId: 'simulatorWorld',
        summary: 'Simulator mode: the simulated friends and rooms (404 when the bot is not on the simulator)',
        tags: ['simulator'],
        response: {
          200: {
            type: 'object',
            required: ['people', 'rooms'],
            properties: {
              people: { type: 'array', items: person },
              rooms: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['id', 'name', 'members'],
                  properties: {
                    id: { type: 'string' },
                    name: { type: 'string' },
                    members: { type: 'array', items: person },
                  },
                },
              },
            },
          },
          ...errors(502),
        },
      },
    },
    () => relayed(() => relay.world()),
  );
  app.post(
    '/api/simulator/say',
    {
      schema: {
        operationId: 'simulatorSay',
        summary: 'Simulator mode: a simulated friend (in a room, when given) says something to the bot',
        tags: ['simulator'],
        body: {
          type: 'object',
          required: ['from', 'text'],
          additionalProperties: false,
          properties: {
            from: { type: 'string', minLength: 1, description: "The friend's wxid" },
            text: { type: 'string', minLength: 1 },
            room: { type: 'string', description: 'A room id, to say it there' },
          },
        },
        response: { 200: { type: 'object', additionalProperties: true }, ...errors(502) },
      },
    },
    (request) => relayed(() => relay.say(request.body)),
  );
}
