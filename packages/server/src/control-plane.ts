// @wxbot/server/control-plane: what `wxbot start` imports — startControlPlane and only the modules a start
// needs before the bot is up (the token, the early socket, the hubs, the metrics). The routes, fastify, the
// OpenAPI document and the webhooks load when they are used (cold start, issue 20); the package's main entry
// re-exports this function with the rest of the public surface.
import type { Bot, ControlPlane, ControlPlaneOptions } from '@wxbot/core';

import { BotMetrics } from './metrics.js';
import { startDeferredApi } from './deferred-api.js';
import { loadToken, resolveApi } from './options.js';
import type { Webhooks } from './webhooks/webhooks.js';

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
  // The bot serving each account now: a restarted account's new bot replaces its entry (replaceBot).
  const current = new Map(bots.map((bot) => [bot.transport.account, bot]));
  let server: { replaceBot(bot: Bot): unknown } | undefined;
  let closed = false;
  const replaceBot = (bot: Bot): void => {
    if (closed) return;
    const account = bot.transport.account;
    const old = current.get(account);
    if (old === undefined)
      throw new Error(
        `the control plane serves no account ${JSON.stringify(account)} (accounts: ${[...current.keys()].map((k) => JSON.stringify(k)).join(', ') || 'none'}); replaceBot takes the new bot of an account it was started with`,
      );
    if (old === bot) return;
    current.set(account, bot);
    server?.replaceBot(bot);
    metrics.unwatch(old);
    metrics.watch(bot);
    webhooks?.replaceBot(bot);
  };
  const closers: Array<() => Promise<void>> = [
    async () => {
      metrics.close();
    },
  ];
  const close = async (): Promise<void> => {
    closed = true;
    for (const c of closers.splice(0).reverse())
      await c().catch((err: unknown) => {
        log.error({ err }, 'closing the control plane');
      });
  };
  try {
    if (hooks !== undefined && hooks.length > 0) {
      // Only a config with webhooks loads their module (journal, signing, delivery).
      const { Webhooks } = await import('./webhooks/webhooks.js');
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
    if (api?.enabled === false) return { url: undefined, tokenFile: undefined, replaceBot, close };
    const { token, file } = await loadToken(api, dataDir);
    const settings = resolveApi(api);
    const apiOptions = { bots, api, token, metrics, logs, simulatorControlUrl };
    let url: string;
    if (settings.host === 'localhost') {
      // fastify binds every address "localhost" names (IPv4 and IPv6): built and listened the eager way.
      const { createApiServer } = await import('./server.js');
      const built = createApiServer(apiOptions);
      server = built;
      url = await built.listen();
      closers.push(() => built.close());
    } else {
      // Listens now, builds fastify and the routes once the bots are up (cold start, issue 20).
      const deferred = await startDeferredApi(apiOptions, settings, log);
      server = deferred;
      url = deferred.url;
      closers.push(() => deferred.close());
    }
    if (!settings.host.startsWith('127.') && settings.host !== 'localhost' && settings.host !== '::1')
      log.warn(
        `the control API listens on ${url}, not on loopback: anyone who reaches it with the token can send as the account`,
      );
    return { url, tokenFile: file, replaceBot, close };
  } catch (error) {
    await close();
    throw error;
  }
}
