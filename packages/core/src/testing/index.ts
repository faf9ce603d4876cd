// @wxbot/core/testing: run plugins against an in-process simulator and assert on what the bot did.
export { createTestBot, TestBot, TestBotAssertionError } from './test-bot.js';
export type { TestBotOptions, TestPluginEntry, ActionSummary } from './test-bot.js';
export type { TextMatcher } from './assertions.js';
export type { ActionRecord } from '../plugin/types.js';
export { sessionStoreConformance, storageConformance } from './store-conformance.js';
export type { ConformanceCase } from './store-conformance.js';
