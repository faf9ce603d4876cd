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
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
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
      );
      return history();
    },
  };
}
