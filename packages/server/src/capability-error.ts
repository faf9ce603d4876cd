import { hasCapability, type Bot, type CapabilityName } from '@wxbot/core';

import { ApiError } from './context.js';

/**
 * 501 with the capability named: the endpoint exists, but this account's transport cannot do it (an iLink
 * account has no rooms). A client tells it from a transient failure by `error.code === 'capability_missing'`.
 */
export function capabilityMissing(bot: Bot, capability: CapabilityName, what: string): ApiError {
  const { name, account } = bot.transport;
  return new ApiError(
    501,
    'capability_missing',
    `${what}: account ${account} runs on the ${name} transport, which has no "${capability}" capability`,
    undefined,
    capability,
  );
}

/** Throws {@link capabilityMissing} unless the account's transport offers `capability`. */
export function requireCapability(bot: Bot, capability: CapabilityName, what: string): void {
  if (!hasCapability(bot.transport.capabilities, capability)) throw capabilityMissing(bot, capability, what);
}
