// The plugin API: define plugins, compose middleware, run them with isolation.
export { definePlugin, isPlugin, PLUGIN_MARK } from './define.js';
export type {
  Plugin,
  PluginContext,
  PluginOptionsInput,
  PluginDefinition,
  PluginDefinitionWithOptions,
  Requirements,
} from './define.js';
export { Composer, NextCalledTwiceError, run as runMiddleware } from './composer.js';
export type {
  CommandContext,
  CommandInvocation,
  CommandMention,
  CommandOptions,
  HearsContext,
  RoomSelector,
  SenderSelector,
} from './composer.js';
export { parseCommand, tokenizeArguments } from './command.js';
export type { ParsedCommand } from './command.js';
export { FILTER_QUERIES, FilterQueryError, assertFilterQuery } from './filter.js';
export type { FilterQuery, MessageQuery, EventQuery, QueryContext, Narrow } from './filter.js';
export { ActionLog, DEFAULT_ACTION_LOG_LIMIT, TargetError, createActions, resolveTarget } from './actions.js';
export type { TargetErrorReason } from './actions.js';
export type { ActionBackend, ActionLogOptions, Attribution, NewActionRecord } from './actions.js';
export type { MoreActionBackend } from './actions-more.js';
export { PERMISSION_ACTIONS, PermissionDenied } from './permissions.js';
export type {
  ChatScope,
  PermissionAction,
  PermissionDeniedInfo,
  PermissionGroup,
  PermissionManifest,
  PermissionNarrowing,
  PermissionPattern,
  PluginEntrySettings,
  Permit,
} from './permissions.js';
export type { HostEvent } from './host-events.js';
export { PluginHost } from './host.js';
export type { HandlerTimeObserver } from './handler-time.js';
export { ChatSwitches, CHAT_SWITCHES_NAMESPACE, SwitchRefused } from './chat-switches.js';
export type { ChatSwitch } from './chat-switches.js';
export { OWNER_COMMANDS_PLUGIN, isOwner } from './owner-commands.js';
export type { OwnerCommandsOptions } from './owner-commands.js';
export type {
  LoadedPlugin,
  Dispatchable,
  HostTransport,
  IsolationOptions,
  PluginHostOptions,
  PluginState,
  PluginStatus,
} from './host.js';
export { PluginScope } from './scope.js';
export type { ScopeHost } from './scope.js';
export type { Predicate } from './composer.js';
export type { DefinitionBase } from './define.js';
export type { EventQueryContexts } from './filter.js';
export { pluginOptionsJsonSchema } from './json-schema.js';
export type * from './types.js';
// Plugin storage lives in its own area; its public part is exported with the plugin API.
export { createJsonFileStorage, createMemoryStorage } from '../storage/index.js';
export type { KeyValueStore, StorageDriver } from '../storage/index.js';
