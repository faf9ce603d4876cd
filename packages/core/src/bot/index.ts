export { Bot } from './bot.js';
export type { BotOptions, PluginFailure, PluginTime, ProcessedMessage } from './bot.js';
export { createBotFromConfig } from './create.js';
export type { CreateBotOverrides } from './create.js';
export { createLogger } from './logger.js';
export { BAN_RISK_THRESHOLDS, BanRiskMonitor } from './client-events.js';
export type { BanRisk, BanRiskThresholds } from './client-events.js';
export { AccountSupervisor } from './accounts.js';
export type { AccountState, AccountStatus, AccountSupervisorOptions, BotBuild, SupervisorClock } from './accounts.js';
export type { FinalCause, RestartPolicy } from './restart-policy.js';
export {
  buildIlinkBot,
  createIlinkBotFromConfig,
  IlinkMissingError,
  ILINK_PACKAGE,
  loadIlinkModule,
} from './create-ilink.js';
export type { CreateIlinkBotOverrides, IlinkBotSource, IlinkModule } from './create-ilink.js';
export type { ControlPlane, ControlPlaneModule, ControlPlaneOptions } from './control-plane.js';
export { LogRing } from '../log/ring.js';
export type { LogLine, LogTail } from '../log/ring.js';
