// @wxbot/server: the control plane of a running bot — HTTP API, webhooks, Prometheus metrics.
import type { ControlPlane, ControlPlaneOptions } from '@wxbot/core';

import { BotMetrics } from './metrics.js';
import { loadToken } from './options.js';
import { createApiServer } from './server.js';
import { Webhooks } from './webhooks/webhooks.js';

export { createApiServer } from './server.js';
export type { ApiServer, ApiServerOptions } from './server.js';
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

/**
 * What `wxbot start` calls: the API (unless `api.enabled` is false) with `/metrics` on it, and the
 * webhooks (when configured). Nothing is left running when it throws.
 */
export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const { bots, api, webhooks: hooks, dataDir, logger, logs, simulatorControlUrl } = options;
  const log = logger.child({ component: 'control-plane' });
  let webhooks: Webhooks | undefined;
  const metrics = new BotMetrics({ webhookJournal: () => webhooks?.stats() ?? { pending: 0, oldestAt: undefined } });
  for (const bot of bots) metrics.watch(bot);
  const closers: Array<() => Promise<void>> = [
    async () => {
      metrics.close();
    },
  ];
  const close = async (): Promise<void> => {
    for (const c of closers.splice(0).reverse())
      await c().catch((err: unknown) => {
        log.error({ err }, 'closing the control plane');
      });
  };
  try {
    if (hooks !== undefined && hooks.length > 0) {
      webhooks = new Webhooks({
        hooks,
        bots,
        logger: log,
        dataDir,
        onOutcome: (hook, outcome) => {
          metrics.webhookDeliveries.inc({ hook, outcome });
        },
      });
      await webhooks.start();
      const w = webhooks;
      closers.push(() => w.close());
    }
    if (api?.enabled === false) return { url: undefined, tokenFile: undefined, close };
    const { token, file } = await loadToken(api, dataDir);
    const server = createApiServer({
      bots,
      api,
      token,
      metrics,
      logs,
      simulatorControlUrl,
    });
    const url = await server.listen();
    closers.push(() => server.close());
    if (
      !server.settings.host.startsWith('127.') &&
      server.settings.host !== 'localhost' &&
      server.settings.host !== '::1'
    )
      log.warn(
        `the control API listens on ${url}, not on loopback: anyone who reaches it with the token can send as the account`,
      );
    return { url, tokenFile: file, close };
  } catch (error) {
    await close();
    throw error;
  }
}
