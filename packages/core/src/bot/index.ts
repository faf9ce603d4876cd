export { Bot } from './bot.js';
export type { BotOptions, PluginFailure, ProcessedMessage } from './bot.js';
export { createBotFromConfig } from './create.js';
export type { CreateBotOverrides } from './create.js';
export { createLogger } from './logger.js';
export type { ControlPlane, ControlPlaneModule, ControlPlaneOptions } from './control-plane.js';
