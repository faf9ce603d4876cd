import { createMemoryStorage, type StorageDriver } from '@wxbot/core';
import { createTestBot, type TestBot } from '@wxbot/core/testing';
import { defaultWorld, type WorldSpec } from '@wxbot/simulator';

import groupAdmin, { type GroupAdminOptions } from '../src/index.js';

export const ROOM = '测试群'; // owned by the bot: Bot, Alice, Bob, Erin ("E")
export const FAMILY = 'Family'; // owned by Alice: Alice, Bot, 小红 (remark "Carol")
export const M = '\u2005';

/** The default world plus an impostor: Mallory, nick and room name "Alice", in the bot's room. */
export function world(): WorldSpec {
  const w = defaultWorld();
  w.strangers!.push({ wxid: 'wxid_mallory', nickName: 'Alice' });
  w.rooms![0]!.members.push({ wxid: 'wxid_mallory', displayName: 'Alice' });
  return w;
}

export interface Started {
  bot: TestBot;
  storage: StorageDriver;
  say(text: string, from: string, room?: string): Promise<string[]>;
}

export async function start(
  options: GroupAdminOptions,
  w: WorldSpec = world(),
  storage = createMemoryStorage(),
): Promise<Started> {
  const bot = await createTestBot({ plugins: [[groupAdmin, options]], world: w, storage });
  return {
    bot,
    storage,
    say: async (text, from, room = ROOM) =>
      (await bot.receive(text, { from, room }))
        .filter((a) => a.action === 'send')
        .map((a) => (a.content?.type === 'text' ? a.content.text : '')),
  };
}

/** Polls `check` (bounded) until it passes; for effects that arrive through sync. */
// Generous: it returns as soon as the check passes; a loaded CI machine once took over 5 s for one accept in a
// sibling plugin's test (jest's own limit is 30 s, jest.config.ts).
export async function eventually(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
