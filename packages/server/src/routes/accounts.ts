import { CAPABILITY_NAMES, hasCapability } from '@wxbot/core';
import type { FastifyInstance } from 'fastify';

import { ApiError, hubOf, type ServerContext } from '../context.js';
import type { AccountHub } from '../hub.js';
import { accountParams, accountSchema, errors } from '../schemas.js';
import { idOf, nameOf } from '../views.js';

type QRCodeModule = typeof import('qrcode');
/** qrcode (and pngjs) load on the first QR image asked for, not with the server: ~20 ms of CPU at each start. */
let qrcode: Promise<QRCodeModule> | undefined;

function accountView(hub: AccountHub): Record<string, unknown> {
  const transport = hub.bot.transport;
  const self = transport.self;
  return {
    id: hub.id,
    transport: transport.name,
    state: transport.state,
    ...(self === undefined ? {} : { self: { id: idOf(self), name: nameOf(self) } }),
    qr: hub.qrStatus,
    plugins: hub.bot.plugins().filter((p) => p.state === 'active').length,
    capabilities: CAPABILITY_NAMES.filter((c) => hasCapability(transport.capabilities, c)),
  };
}

export function accountRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get(
    '/api/accounts',
    {
      schema: {
        operationId: 'listAccounts',
        summary: 'Accounts and their state',
        tags: ['accounts'],
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: accountSchema } } },
          ...errors(),
        },
      },
    },
    () => ({ items: [...ctx.hubs.values()].map(accountView) }),
  );

  app.get<{ Params: { account: string } }>(
    '/api/accounts/:account',
    {
      schema: {
        operationId: 'getAccount',
        summary: 'One account',
        tags: ['accounts'],
        params: accountParams,
        response: { 200: accountSchema, ...errors(404) },
      },
    },
    (request) => accountView(hubOf(ctx, request.params.account)),
  );

  app.get<{ Params: { account: string } }>(
    '/api/accounts/:account/qr/status',
    {
      schema: {
        operationId: 'getQrStatus',
        summary: 'Where the QR login stands',
        tags: ['accounts'],
        params: accountParams,
        response: {
          200: {
            type: 'object',
            required: ['status', 'refresh'],
            properties: {
              status: { type: 'string', enum: ['none', 'waiting', 'scanned', 'logged-in'] },
              refresh: { type: 'integer', description: 'How many times the code was replaced' },
              updatedAt: { type: 'string', format: 'date-time' },
            },
          },
          ...errors(404),
        },
      },
    },
    (request) => {
      const hub = hubOf(ctx, request.params.account);
      return {
        status: hub.qrStatus,
        refresh: hub.qrRefresh,
        ...(hub.qrUpdatedAt === undefined ? {} : { updatedAt: hub.qrUpdatedAt }),
      };
    },
  );

  app.get<{ Params: { account: string } }>(
    '/api/accounts/:account/qr',
    {
      schema: {
        operationId: 'getQrPng',
        summary: 'The current QR code to scan, as a PNG (404 when there is none: logged in or not asked yet)',
        tags: ['accounts'],
        params: accountParams,
        produces: 'image/png',
        querystring: {
          type: 'object',
          properties: {
            access_token: { type: 'string', description: 'The token, for an <img> that cannot send headers' },
          },
        },
        response: { 200: { type: 'string' }, ...errors(404) },
      },
    },
    async (request, reply) => {
      const hub = hubOf(ctx, request.params.account);
      const content = hub.qrContent;
      if (content === undefined)
        throw new ApiError(404, 'no_qr', `account ${hub.id} has no QR code to scan (${hub.qrStatus})`);
      const QRCode = await (qrcode ??= import('qrcode').then((m) => (m as { default?: QRCodeModule }).default ?? m));
      const png = await QRCode.toBuffer(content, { type: 'png', margin: 2, width: 320 });
      return reply.type('image/png').header('cache-control', 'no-store').send(png);
    },
  );
}
