import { guardActions, WebTransport, type ActionBackend, type Bot, type WxClient } from '@wxbot/core';

/**
 * The Web WeChat client under a bot's transport. The control plane reads what only that client reports
 * (the QR uuid's refreshes, per-request retcodes, queue stats, its contact store); an account on another
 * transport (iLink) is refused with a clear message instead of half-served.
 */
export function clientOf(bot: Bot): WxClient {
  const transport = bot.transport;
  if (transport instanceof WebTransport) return transport.client;
  throw new Error(
    `the control API serves Web WeChat accounts only for now: account "${transport.account}" uses the ` +
      `${transport.name} transport (leave it out of the API's bots, or run it in a process of its own)`,
  );
}

/** What the API's and webhooks' own sends go through: the bot's transport, as the plugin host lends it to plugins. */
export function actionBackend(bot: Bot): ActionBackend {
  const transport = bot.transport;
  return {
    ...guardActions(transport),
    // A getter: the contact store is only valid after login, and may be replaced at re-login.
    get contacts() {
      return transport.contacts;
    },
  };
}
