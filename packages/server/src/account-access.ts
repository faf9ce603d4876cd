import type { ActionBackend, Bot, TransportContacts, WxClient } from '@wxbot/core';
// The transport seam's own entry, not core's root barrel: the control plane loads this module before
// `wxbot start`'s banner, and the barrel would add 12 modules (config, bot, plugin barrels) the start
// never uses from here (issue 20, cold start). The same module files, so the same `WebTransport` class.
import { guardActions, WebTransport } from '@wxbot/core/transport';

/**
 * The Web WeChat client under a bot's transport, when it is one: what only that client reports (per-request
 * retcodes, rate-limit classes, recoveries, queue stats) is read from it. Every other account (iLink) is
 * served through the core `Transport` seam alone, so this returns undefined for it rather than throwing.
 */
export function webClientOf(bot: Bot): WxClient | undefined {
  const transport = bot.transport;
  return transport instanceof WebTransport ? transport.client : undefined;
}

/** The account name: the transport's, whatever protocol carries it. */
export function accountOf(bot: Bot): string {
  return bot.transport.account;
}

/** The account's contact lookups once logged in (before login a transport may have none to read). */
export function contactsOf(bot: Bot): TransportContacts | undefined {
  try {
    return bot.transport.self === undefined ? undefined : bot.transport.contacts;
  } catch {
    return undefined;
  }
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
