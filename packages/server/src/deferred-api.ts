import type { Bot } from '@wxbot/core';
import type { Logger } from 'pino';

import { EarlyListener } from './early-listener.js';
import { EventBus } from './events.js';
import { createHubs, replaceHub } from './hub.js';
import { baseUrl, type ResolvedApi } from './options.js';
import type { ApiServer, ApiServerOptions } from './server.js';

/**
 * The app is built this long after the start at the latest, when no request and no login came first:
 * a QR login waits seconds for the phone, so the build lands in an idle stretch either way.
 */
export const BUILD_AFTER_MS = 1_000;

/** A control API whose socket listens now and whose fastify app is built when first needed. */
export interface DeferredApi {
  readonly url: string;
  /** Whether the fastify app has been built (it may still be getting ready). */
  readonly built: boolean;
  replaceBot(bot: Bot): void;
  /** Builds the app now (what a request or the timer does); resolves when it serves, or has failed. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `startControlPlane`'s API (decision record "control plane listens first"): binds the address and
 * subscribes the hubs to every bot now, so the address is printed and the QR events are kept from the
 * first; fastify is loaded and the routes set up once every bot has logged in (after that turn of the
 * event loop), at the first request, or after BUILD_AFTER_MS, whichever comes first, so the bot does not
 * wait for them. The options are createApiServer's; the app is the same one.
 */
export async function startDeferredApi(
  options: ApiServerOptions,
  settings: ResolvedApi,
  log: Logger,
  buildAfterMs = BUILD_AFTER_MS,
  loadApp: () => Promise<Pick<typeof import('./server.js'), 'buildApiServer'>> = () => import('./server.js'),
): Promise<DeferredApi> {
  const bus = new EventBus();
  const hubs = createHubs(options.bots, bus, settings.recentPerChat);
  let app: ApiServer | undefined;
  let building: Promise<void> | undefined;
  let closed = false;
  let port = 0;
  const listener = new EarlyListener(() => void build());
  const triggers: Array<() => void> = [];
  const stopTriggers = (): void => {
    for (const off of triggers.splice(0)) off();
  };
  const build = (): Promise<void> => {
    stopTriggers();
    building ??= (async () => {
      if (closed) return;
      try {
        // The app's module (fastify's set-up, the routes, OpenAPI) is loaded here, not at start: a failed
        // import is reported below like a failed build, naming the module.
        const { buildApiServer } = await loadApp();
        if (closed) return;
        const built = buildApiServer(options, { bus, hubs, listener, port });
        app = built;
        await built.listen();
      } catch (error) {
        log.error({ err: error }, 'the control API could not start');
        listener.fail("the control API could not start (the bot's log says why)");
      }
    })();
    return building;
  };
  try {
    port = await listener.listen(settings.host, settings.port, options.api?.port === undefined);
  } catch (error) {
    for (const hub of hubs.values()) hub.close();
    await listener.close();
    throw error;
  }
  const timer = setTimeout(() => void build(), buildAfterMs);
  timer.unref();
  triggers.push(() => {
    clearTimeout(timer);
  });
  // Every bot logged in: the next macrotask, so what the login's own turn goes on to do (the bot's ready
  // line) comes first.
  const waiting = new Set(options.bots.filter((bot) => bot.transport.self === undefined));
  const soon = (): void => {
    const t = setTimeout(() => void build(), 0);
    triggers.push(() => {
      clearTimeout(t);
    });
  };
  if (waiting.size === 0) soon();
  for (const bot of waiting) {
    const onLogin = (): void => {
      bot.transport.off('login', onLogin);
      waiting.delete(bot);
      if (waiting.size === 0) soon();
    };
    bot.transport.on('login', onLogin);
    triggers.push(() => bot.transport.off('login', onLogin));
  }
  return {
    url: baseUrl(settings.host, port),
    get built() {
      return app !== undefined;
    },
    replaceBot(bot) {
      replaceHub(hubs, bus, settings.recentPerChat, bot);
    },
    ready: build,
    async close() {
      closed = true;
      stopTriggers();
      await building;
      if (app !== undefined) {
        await app.close();
        return;
      }
      for (const hub of hubs.values()) hub.close();
      await listener.close();
    },
  };
}
