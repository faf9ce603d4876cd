import { groupAdmin } from './plugin.js';
import type { GroupAdminOptions } from './options.js';

export { groupAdmin };
export default groupAdmin;
export { isAdmin, findMembers, describeFailure } from './plugin.js';
export { optionsSchema as groupAdminOptionsSchema, COMMANDS } from './options.js';
export type { GroupAdminOptions, ResolvedGroupAdminOptions, AntiSpamOptions, CommandName } from './options.js';
export { linkHosts, hostAllowed, FloodMeter } from './spam.js';
export { StrikeBook, STRIKES_KEY } from './strikes.js';
export type { StrikeTable } from './strikes.js';

// `['group-admin', {...}]` and `['@wxbot/plugin-group-admin', {...}]` in bot.config.ts get these options checked.
declare module '@wxbot/core' {
  interface PluginRegistry {
    '@wxbot/plugin-group-admin': GroupAdminOptions;
  }
}
