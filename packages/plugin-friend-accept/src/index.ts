import { fillRequestTemplate, friendAccept } from './plugin.js';
import type { FriendAcceptOptions } from './options.js';

export { friendAccept, fillRequestTemplate };
export default friendAccept;
export { optionsSchema as friendAcceptOptionsSchema } from './options.js';
export type { FriendAcceptOptions, ResolvedFriendAcceptOptions } from './options.js';
export { readHistory, localDay, HISTORY_KEY, DAILY_KEY } from './history.js';
export type { FriendRequestRecord, DailyCount } from './history.js';
export { WAITING_KEY } from './waiting.js';
export type { WaitingRequest } from './waiting.js';
export { Pacer } from './queue.js';
export type { PaceOptions, Timer } from './queue.js';
export { verifyTextAllowed } from './verify.js';
export type { VerifyRule } from './verify.js';

// `'friend-accept'` and `['@wxbot/plugin-friend-accept', {...}]` in bot.config.ts get these options checked.
declare module '@wxbot/core' {
  interface PluginRegistry {
    '@wxbot/plugin-friend-accept': FriendAcceptOptions;
  }
}
