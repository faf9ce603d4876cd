import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

import type { ApiConfig, Bot, LogTail } from '@wxbot/core';
import type { FastifyError, FastifyInstance } from 'fastify';

import { ApiError, sendError, type ServerContext } from './context.js';
import { EventBus } from './events.js';
import type { BotMetrics } from './metrics.js';
import {
  accountSchema,
  actionSchema,
  contactSchema,
  errors,
  errorSchema,
  logLineSchema,
  messageSchema,
  pluginSchema,
  sentSchema,
} from './schemas.js';
import type { EarlyListener, RequestHandler } from './early-listener.js';
import { createHubs, replaceHub, type AccountHub } from './hub.js';
import { collectRoute, openApiDocument, type DocumentedRoute } from './openapi.js';
import { baseUrl, resolveApi, type ResolvedApi } from './options.js';
import { accountRoutes } from './routes/accounts.js';
import { chatRoutes } from './routes/chats.js';
import { consoleRoutes } from './routes/console.js';
import { eventRoutes } from './routes/events.js';
import { logRoutes } from './routes/logs.js';
import { simulatorRoutes } from './routes/simulator.js';
import { pluginRoutes } from './routes/plugins.js';
import { lazyCompilersFactory, type SchemaCompileOptions } from './schema-compilers.js';
import { allowedHosts, checkRequest, type Guard } from './security.js';
import { VERSION } from './version.js';

export interface ApiServerOptions {
  readonly bots: readonly Bot[];
  readonly api?: ApiConfig | undefined;
  readonly token: string;
  /** Served at /metrics, behind the same checks. */
  readonly metrics?: BotMetrics;
  /** The recent log lines served at GET /api/logs (501 without). */
  readonly logs?: LogTail | undefined;
  /** Simulator mode: the simulator's control URL; adds /api/simulator/world and /api/simulator/say. */
  readonly simulatorControlUrl?: string | undefined;
  /** Route schemas compile on a route's first use; tests watch that here, or compile them all up front. */
  readonly schemas?: SchemaCompileOptions | undefined;
}

/** A built (not yet listening) API server. */
export interface ApiServer {
  readonly app: FastifyInstance;
  readonly bus: EventBus;
  readonly hubs: ReadonlyMap<string, AccountHub>;
  readonly settings: ResolvedApi;
  /** The OpenAPI 3.1 document of the routes. */
  openApi(): Record<string, unknown>;
  /** Listens on the configured address; resolves with the base URL. */
  listen(): Promise<string>;
  /**
   * Serves the account named `bot.transport.account` by `bot` (a restarted account's new bot): its hub is
   * replaced under the same id (open event streams carry the new bot's events; recent messages carry over)
   * and the old hub's subscriptions are disposed. Throws for an account this server was not built with.
   */
  replaceBot(bot: Bot): AccountHub;
  close(): Promise<void>;
}

/**
 * What `startControlPlane` made before the app (it listens first and builds this later, see
 * early-listener.ts): the event bus and hubs, subscribed to the bots since the start, and the bound socket.
 */
export interface PreparedApi {
  readonly bus: EventBus;
  readonly hubs: Map<string, AccountHub>;
  readonly listener: EarlyListener;
  readonly port: number;
}

/** fastify, loaded by the first server built (~70 ms of module loading: not at `import '@wxbot/server'`). */
function loadFastify(): typeof import('fastify').default {
  return (createRequire(import.meta.url)('fastify') as typeof import('fastify')).default;
}

/** Largest upload accepted by the media route (WeChat's own limit for files is larger; images far smaller). */
const UPLOAD_LIMIT = 100 * 1024 * 1024;

/** Turns ajv's verdict into one error naming the field: `body.text: must be string`. */
function validationError(error: FastifyError): ApiError {
  const first = error.validation?.[0];
  const where = error.validationContext ?? 'body';
  if (first === undefined) return new ApiError(400, 'invalid_request', error.message);
  const params: Record<string, unknown> = first.params;
  const path = first.instancePath.split('/').filter(Boolean);
  if (typeof params.missingProperty === 'string') path.push(params.missingProperty);
  if (typeof params.additionalProperty === 'string') path.push(params.additionalProperty);
  const field = [where, ...path].join('.');
  const what =
    typeof params.additionalProperty === 'string'
      ? 'is not a known field'
      : typeof params.missingProperty === 'string'
        ? 'is required'
        : (first.message ?? 'is invalid');
  return new ApiError(400, 'invalid_request', `${field} ${what}`, field);
}

export function createApiServer(options: ApiServerOptions): ApiServer {
  return buildApiServer(options);
}

/** createApiServer, or (`prepared`) the app behind a socket that already listens, on hubs made earlier. */
export function buildApiServer(options: ApiServerOptions, prepared?: PreparedApi): ApiServer {
  const settings = resolveApi(options.api);
  const bus = prepared?.bus ?? new EventBus();
  const hubs = prepared?.hubs ?? createHubs(options.bots, bus, settings.recentPerChat);
  const ctx: ServerContext = { hubs, bus, streams: new Set() };
  // No fastify logger: request lines would carry `?access_token=`; the bot's logger says what matters.
  // forceCloseConnections: stopping the bot must not wait for an idle keep-alive or a hijacked event stream.
  // Schemas compile on a route's first use (cold start, issue 20); see schema-compilers.ts.
  // The app's request handler, when it serves the early socket (set while fastify is constructed).
  let attach: RequestHandler | undefined;
  const app = loadFastify()({
    logger: false,
    bodyLimit: 1024 * 1024,
    forceCloseConnections: true,
    schemaController: { compilersFactory: lazyCompilersFactory(options.schemas) },
    // Already listening: fastify serves the early socket (which closes itself: fastify never listened).
    ...(prepared === undefined
      ? {}
      : {
          serverFactory: (handler: RequestHandler) => {
            attach = handler;
            return prepared.listener.server;
          },
        }),
  });
  const routes: DocumentedRoute[] = [];
  app.addHook('onRoute', (route) => {
    collectRoute(route, routes);
  });
  const guard: Guard = { hosts: new Set(), origins: new Set(settings.allowedOrigins) };
  app.addHook('onRequest', checkRequest(guard, options.token));
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: UPLOAD_LIMIT },
    (_req, body, done) => {
      done(null, body);
    },
  );
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error instanceof ApiError) return sendError(reply, error);
    if (error.validation !== undefined) return sendError(reply, validationError(error));
    if (error.statusCode === 413) return sendError(reply, new ApiError(413, 'too_large', error.message, 'body'));
    if (error.statusCode !== undefined && error.statusCode < 500)
      return sendError(reply, new ApiError(error.statusCode, error.code.toLowerCase(), error.message));
    return sendError(reply, new ApiError(500, 'internal', "internal error (see the bot's log)"));
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new ApiError(404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]!}; see /api/openapi.json`),
    ),
  );

  app.get(
    '/healthz',
    {
      schema: {
        operationId: 'health',
        summary: 'Liveness (no token needed)',
        tags: ['meta'],
        public: true,
        response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } },
      },
    },
    () => ({ ok: true }),
  );
  accountRoutes(app, ctx);
  chatRoutes(app, ctx);
  pluginRoutes(app, ctx);
  eventRoutes(app, ctx);
  logRoutes(app, options.logs);
  if (options.simulatorControlUrl !== undefined) simulatorRoutes(app, options.simulatorControlUrl);
  consoleRoutes(app);
  const metrics = options.metrics;
  if (metrics !== undefined) {
    app.get(
      '/metrics',
      {
        schema: {
          operationId: 'metrics',
          summary: 'Prometheus metrics (text exposition format), one account label per bot',
          tags: ['meta'],
          produces: 'text/plain',
          response: { 200: { type: 'string' }, ...errors() },
        },
      },
      async (_req, reply) => reply.type(metrics.contentType).send(await metrics.text()),
    );
  }
  const openApi = () =>
    openApiDocument(routes, VERSION, {
      Error: errorSchema,
      Account: accountSchema,
      Contact: contactSchema,
      Message: messageSchema,
      Action: actionSchema,
      Plugin: pluginSchema,
      Sent: sentSchema,
      LogLine: logLineSchema,
    });
  app.get('/api/openapi.json', { schema: { hide: true } }, () => openApi());

  return {
    app,
    bus,
    hubs,
    settings,
    openApi,
    async listen() {
      if (prepared !== undefined) {
        await app.ready();
        guard.hosts = allowedHosts(settings, prepared.port);
        if (attach !== undefined) prepared.listener.attach(attach);
        return baseUrl(settings.host, prepared.port);
      }
      try {
        await app.listen({ host: settings.host, port: settings.port });
      } catch (error) {
        // The default port taken (another bot on this machine): any free one, printed by the caller.
        if ((error as { code?: unknown }).code !== 'EADDRINUSE' || options.api?.port !== undefined) throw error;
        await app.listen({ host: settings.host, port: 0 });
      }
      const { port } = app.server.address() as AddressInfo;
      guard.hosts = allowedHosts(settings, port);
      return baseUrl(settings.host, port);
    },
    replaceBot(bot) {
      return replaceHub(hubs, bus, settings.recentPerChat, bot);
    },
    async close() {
      for (const s of ctx.streams) s.end();
      for (const hub of hubs.values()) hub.close();
      await app.close();
      await prepared?.listener.close();
    },
  };
}
