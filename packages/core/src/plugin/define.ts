import type { StandardSchemaV1 } from '@standard-schema/spec';

import { CAPABILITY_NAMES, isCapabilityName } from '../transport/capabilities.js';
import type { CapabilityName } from '../transport/types.js';
import type { Composer } from './composer.js';
import { checkManifest, type PermissionManifest } from './permissions.js';
import { closest } from './suggest.js';
import type { BotContext, PluginServices } from './types.js';

/** Marks plugin values; `Symbol.for` so a plugin built against another copy of @wxbot/core is still recognised. */
export const PLUGIN_MARK: unique symbol = Symbol.for('wxbot.plugin');

/**
 * What `setup` receives: the middleware API (`use`, `on`, `hears`, `command`,
 * `filter`, ...) plus services scoped to the plugin (logger, storage, timers,
 * actions). Everything registered through it is undone when the plugin stops.
 */
export type PluginContext = Composer<BotContext> & PluginServices;

/** A plugin: a value with a name, an optional options schema and a setup function. */
export interface Plugin<Input = undefined, Output = Input> {
  readonly [PLUGIN_MARK]: true;
  readonly name: string;
  readonly description: string | undefined;
  /** Any Standard Schema (zod, valibot, arktype, ...); validated before the bot logs in. */
  readonly options: StandardSchemaV1<Input, Output> | undefined;
  /** Also deliver messages the bot itself sent (default false). */
  readonly receiveOwnMessages: boolean;
  /** The transport capabilities it cannot run without, for these options (empty: runs anywhere). */
  requires(options: Output): readonly CapabilityName[];
  /**
   * The actions it uses and the chats it may touch; the host refuses anything else with
   * `PermissionDenied`. Undefined: no manifest (every action allowed; third-party plugins get a warning).
   */
  readonly permissions?: PermissionManifest | undefined;
  // Method syntax on purpose: a plugin with specific options must still fit `Plugin<unknown, unknown>` lists.
  setup(ctx: PluginContext, options: Output): void | Promise<void>;
  /** Type-only: what the config must pass as options. */
  readonly '~input'?: Input;
}

/** The options type a plugin expects in `bot.config.ts`. */
export type PluginOptionsInput<P> = P extends Plugin<infer I, unknown> ? I : never;

export interface DefinitionBase {
  /** npm-style name (`@scope/wxbot-plugin-x`, `my-plugin`); names logs, storage and the action log. */
  name: string;
  description?: string;
  /** Also deliver messages the bot itself sent (default false). */
  receiveOwnMessages?: boolean;
  /**
   * The actions this plugin uses and the chats it may touch (`{ actions: ['send', 'rooms.remove'],
   * chats: 'rooms' }`). The host refuses every other action with `PermissionDenied` before anything
   * reaches the server, and a config entry can narrow it further, never widen it. Declare it: users
   * installing a plugin see what it can do, and a plugin without one is warned about at start.
   */
  permissions?: PermissionManifest;
}

/**
 * Transport capabilities a plugin cannot run without (`['rooms', 'roomAdmin']`), or a function of its
 * options when that depends on configuration. The bot refuses to start a plugin on a transport that
 * lacks one (naming plugin, capability and transport) instead of failing at the first message. A
 * plugin that can do without a capability leaves it out and reads `ctx.capabilities` instead.
 */
export type Requirements<Options> = readonly CapabilityName[] | ((options: Options) => readonly CapabilityName[]);

/** A plugin with validated options. */
export interface PluginDefinitionWithOptions<S extends StandardSchemaV1> extends DefinitionBase {
  options: S;
  requires?: Requirements<StandardSchemaV1.InferOutput<S>>;
  setup: (ctx: PluginContext, options: StandardSchemaV1.InferOutput<S>) => void | Promise<void>;
}

/** A plugin without options. */
export interface PluginDefinition extends DefinitionBase {
  options?: undefined;
  requires?: Requirements<undefined>;
  setup: (ctx: PluginContext) => void | Promise<void>;
}

const NAME = /^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i;

/**
 * Defines a plugin.
 *
 * @example
 * export default definePlugin({
 *   name: 'greeter',
 *   options: z.object({ greeting: z.string().default('hi') }),
 *   setup(ctx, { greeting }) {
 *     ctx.on('message:text', (m) => m.reply(`${greeting}, ${m.sender.name ?? 'friend'}`));
 *   },
 * });
 */
export function definePlugin<S extends StandardSchemaV1>(
  definition: PluginDefinitionWithOptions<S>,
): Plugin<StandardSchemaV1.InferInput<S>, StandardSchemaV1.InferOutput<S>>;
export function definePlugin(definition: PluginDefinition): Plugin;
export function definePlugin(
  definition: PluginDefinition | PluginDefinitionWithOptions<StandardSchemaV1>,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- implementation signature only; callers see the overloads
): Plugin<any, any> {
  if (typeof definition !== 'object' || definition === null) {
    throw new TypeError('definePlugin(): expected an object { name, setup }');
  }
  if (typeof definition.name !== 'string' || !NAME.test(definition.name)) {
    throw new TypeError(
      `definePlugin(): name ${JSON.stringify(definition.name)} is not valid; use a package-like name such as "my-plugin" or "@me/wxbot-plugin-x"`,
    );
  }
  if (typeof definition.setup !== 'function') {
    throw new TypeError(`definePlugin("${definition.name}"): setup must be a function`);
  }
  const schema = definition.options;
  if (schema !== undefined && typeof (schema as Partial<StandardSchemaV1>)['~standard']?.validate !== 'function') {
    throw new TypeError(
      `definePlugin("${definition.name}"): options must be a Standard Schema (zod, valibot, arktype, ...)`,
    );
  }
  const requires = requirementsOf(definition.name, definition.requires);
  const permissions = checkManifest(definition.name, definition.permissions);
  return Object.freeze({
    [PLUGIN_MARK]: true as const,
    name: definition.name,
    description: definition.description,
    options: schema,
    receiveOwnMessages: definition.receiveOwnMessages ?? false,
    requires,
    permissions,
    setup: definition.setup,
  });
}

const NONE: readonly CapabilityName[] = Object.freeze([]);

/** `requires` as a function; a static list is checked here, so a typo fails where it is written. */
function requirementsOf(name: string, requires: unknown): (options: unknown) => readonly CapabilityName[] {
  if (requires === undefined) return () => NONE;
  if (typeof requires === 'function') return requires as (options: unknown) => readonly CapabilityName[];
  if (!Array.isArray(requires)) {
    throw new TypeError(`definePlugin("${name}"): requires must be an array of capability names or a function`);
  }
  for (const entry of requires as unknown[]) {
    if (isCapabilityName(entry)) continue;
    const hint = typeof entry === 'string' ? closest(entry, CAPABILITY_NAMES) : undefined;
    throw new TypeError(
      `definePlugin("${name}"): requires lists ${JSON.stringify(entry)}, which is not a capability` +
        (hint === undefined ? `; known: ${CAPABILITY_NAMES.join(', ')}` : `; did you mean "${hint}"?`),
    );
  }
  const list: readonly CapabilityName[] = Object.freeze([...(requires as CapabilityName[])]);
  return () => list;
}

/** True for values made by `definePlugin` (from any copy of @wxbot/core). */
export function isPlugin(value: unknown): value is Plugin<unknown, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[PLUGIN_MARK] === true &&
    typeof (value as { name?: unknown }).name === 'string' &&
    typeof (value as { setup?: unknown }).setup === 'function'
  );
}
