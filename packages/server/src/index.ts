// @wxbot/server: the control plane of a running bot — HTTP API, webhooks, Prometheus metrics.
// What `wxbot start` loads is `./control-plane` (its own entry): this barrel also loads the routes,
// webhooks and OpenAPI code, which a start needs only once the bot is up (cold start, issue 20).
export { startControlPlane } from './control-plane.js';
export { createApiServer } from './server.js';
export type { ApiServer, ApiServerOptions } from './server.js';
export type { SchemaCompile, SchemaCompileOptions } from './schema-compilers.js';
export { BotMetrics } from './metrics.js';
export { Webhooks, hookId, WEBHOOK_PLUGIN } from './webhooks/webhooks.js';
export type { WebhooksOptions } from './webhooks/webhooks.js';
export {
  verifyWebhook,
  signature,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  DELIVERY_HEADER,
  IDEMPOTENCY_HEADER,
} from './webhooks/sign.js';
export { ApiConfigError, loadToken, resolveApi, DEFAULT_PORT, TOKEN_FILE } from './options.js';
export { API_PLUGIN } from './routes/chats.js';
export type { ServerEvent, EventType } from './events.js';
export type { ContactView, MessageView, ActionView } from './views.js';
