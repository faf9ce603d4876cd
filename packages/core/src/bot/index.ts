export { Bot } from './bot.js';
export type { BotOptions, ProcessedMessage } from './bot.js';
export { createBotFromConfig } from './create.js';
export type { CreateBotOverrides } from './create.js';
export { createLogger } from './logger.js';
export { createIlinkBotFromConfig, IlinkMissingError, ILINK_PACKAGE, loadIlinkModule } from './create-ilink.js';
export type { CreateIlinkBotOverrides, IlinkModule } from './create-ilink.js';
