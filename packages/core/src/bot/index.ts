export { Bot } from './bot.js';
export type { BotOptions, ProcessedMessage } from './bot.js';
export { createBotFromConfig } from './create.js';
export type { CreateBotOverrides } from './create.js';
export { createLogger } from './logger.js';
export { BAN_RISK_THRESHOLDS, BanRiskMonitor } from './client-events.js';
export type { BanRisk, BanRiskThresholds } from './client-events.js';
export { AccountSupervisor } from './accounts.js';
export type { AccountState, AccountStatus, AccountSupervisorOptions } from './accounts.js';
