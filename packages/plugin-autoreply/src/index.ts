import { autoreply } from './plugin.js';
import type { AutoreplyOptions } from './options.js';

export { autoreply };
export default autoreply;
export { AutoreplyController } from './controller.js';
export type { ReloadResult, Reloader } from './controller.js';
export { optionsSchema as autoreplyOptionsSchema, ruleSchema as autoreplyRuleSchema } from './options.js';
export type {
  AutoreplyOptions,
  AutoreplyRule,
  ResolvedAutoreplyOptions,
  MatchFunction,
  ReplyContext,
  ReplyFunction,
  ReplyResult,
  RulesFactory,
} from './options.js';
export { compileRules, readRulesFile, RulesError } from './rules.js';
export type { CompiledRule, ReplySpec } from './rules.js';
export { matchTrigger, fillTemplate } from './match.js';
export type { Trigger, TriggerMatch } from './match.js';

// `['autoreply', {...}]` and `['@wxbot/plugin-autoreply', {...}]` in bot.config.ts get these options checked.
declare module '@wxbot/core' {
  interface PluginRegistry {
    '@wxbot/plugin-autoreply': AutoreplyOptions;
  }
}
