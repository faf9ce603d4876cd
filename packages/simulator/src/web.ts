// @wxbot/simulator/web: the Web WeChat simulator alone, without the simulated iLink server (./ilink/),
// for `wxbot start --simulator` on a Web account (cold start, issue 20: the iLink half is five modules it
// never runs). The package's main entry is this and the iLink simulator.
export { createSimulator } from './create.js';
export { Simulator } from './simulator.js';
export type { SimulatorOptions, SessionInfo } from './simulator.js';
export type { BotAction, ActionPredicate, ActionListener } from './actions.js';
export type { FaultRule, FaultKind, FaultRuleState } from './faults.js';
export type { SendSpec, IncomingKind } from './incoming.js';
export type { Logger, RoomMemberUpdates } from './engine.js';
export type { WorldSpec, PersonSpec, RoomSpec, RoomMemberSpec, SelfSpec } from './world/types.js';
export type { World, Person, Room, RoomMember } from './world/world.js';
export { generateWorld, defaultWorld, generateAccounts } from './world/generate.js';
export type { GenerateWorldOptions, GenerateAccountsOptions } from './world/generate.js';
export type { AccountSpec } from './accounts.js';
export { loadWorldFile } from './world/load.js';
export { validateWorldSpec, WorldSpecError } from './world/validate.js';
export { escapeHtml, encodeTextContent, withSenderPrefix, encodeChatText, emojiToSpans } from './wire/content.js';
