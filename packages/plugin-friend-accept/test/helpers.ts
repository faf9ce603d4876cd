import { createMemoryStorage, type KeyValueStore, type StorageDriver } from '@wxbot/core';
import { createTestBot, type TestBot } from '@wxbot/core/testing';
import { defaultWorld, type WorldSpec } from '@wxbot/simulator';

import friendAccept, { readHistory, type FriendAcceptOptions, type FriendRequestRecord } from '../src/index.js';

export const NAME = '@wxbot/plugin-friend-accept';

/** Polls `check` (bounded) until it passes; for work the plugin does in its own timers. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  // Generous: it returns as soon as the check passes; a loaded CI machine once took over 4 s for one accept.
  timeoutMs = 15_000,
  /** What was seen instead, for the failure message. */
  seen?: () => string | Promise<string>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen ? `; saw ${await seen()}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Records as `name: decision (reason)` lines, for readable comparisons. */
export const decisions = (records: readonly { nickName: string; decision: string; reason: string }[]): string[] =>
  records.map((r) => `${r.nickName}: ${r.decision} (${r.reason})`);

/** The history's size and the actions still pending, for a wait that timed out. */
export async function progress(bot: TestBot, history: () => Promise<readonly unknown[]>): Promise<string> {
  const pending = bot.actions().filter((a) => a.status === 'pending');
  return `${(await history()).length} record(s), ${pending.length} pending action(s) [${pending.map((a) => a.action).join(', ')}]`;
}

export interface Harness {
  bot: TestBot;
  storage: StorageDriver;
  store: KeyValueStore;
  history(): Promise<FriendRequestRecord[]>;
  /** Waits until `n` records exist and no action is pending. */
  records(n: number): Promise<FriendRequestRecord[]>;
}

/** No delay unless a test sets one: the pacing itself is unit-tested with a fake timer. */
export async function start(
  options: FriendAcceptOptions = {},
  world: WorldSpec = defaultWorld(),
  storage = createMemoryStorage(),
): Promise<Harness> {
  const bot = await createTestBot({
    plugins: [[friendAccept, { delayMs: { min: 0, max: 0 }, ...options }]],
    world,
    storage,
  });
  const store = storage.namespace(NAME);
  const history = () => readHistory(store);
  return {
    bot,
    storage,
    store,
    history,
    async records(n) {
      await eventually(
        async () => (await history()).length >= n && bot.actions().every((a) => a.status !== 'pending'),
        `${n} record(s)`,
        undefined,
        () => progress(bot, history),
      );
      return history();
    },
  };
}
