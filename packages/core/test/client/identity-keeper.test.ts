import { defaultWorld } from '@wxbot/simulator';

import { definePlugin } from '../../src/plugin/define.js';
import { MemorySessionStore } from '../../src/session/file-store.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { createTestBot, type TestBot } from '../../src/testing/index.js';

/**
 * Issue 16 item 4: a fresh QR login (new session UserNames, MsgType 51 pairing nobody) keeps the
 * stable ids the last login learned, so a plugin's data keyed by stable id is found again.
 */

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

test('a fresh login with new session UserNames keeps the stable ids, and the plugin finds its notes', async () => {
  const sessions = new MemorySessionStore();
  const storage = createMemoryStorage();
  const seen: { text: string; userName: string; stableId: string | undefined; confidence: string | undefined }[] = [];
  const found: Record<string, unknown> = {};
  const notes = definePlugin({
    name: 'notes',
    setup(ctx) {
      ctx.on('message:text', async (m) => {
        const { stableId, userName } = m.sender;
        seen.push({ text: m.text, userName, stableId, confidence: m.sender.contact?.stableIdConfidence });
        if (stableId === undefined) return;
        if (m.text === 'remember') await ctx.storage.set(`note:${stableId}`, `${m.text} from ${stableId}`);
        else found[m.text] = await ctx.storage.get(`note:${stableId}`);
      });
    },
  });
  // First login: the recent-chat list (MsgType 51) pairs everyone with their wxid.
  const first = defaultWorld();
  first.recentChats = ['wxid_alice', 'wxid_bob', 'wxid_carol', 'dave1988'];
  bot = await createTestBot({ plugins: [notes], world: first, sessionStore: sessions, storage, seed: 1 });
  for (const who of ['Alice', 'Bob', 'Carol', 'Dave 🌛']) await bot.receive('remember', { from: who });
  expect(seen.map((s) => s.stableId)).toEqual(['wxid_alice', 'wxid_bob', 'wxid_carol', 'dave1988']);
  const firstNames = new Set(seen.map((s) => s.userName));
  await bot.close();
  bot = undefined;
  expect(await sessions.get('test/identity')).toMatchObject({ version: 1, entries: expect.any(Array) });

  // A fresh QR login on a new session: the saved session is gone, nobody is paired, every UserName is new.
  await sessions.delete('test/session');
  const second = defaultWorld();
  second.recentChats = [];
  bot = await createTestBot({ plugins: [notes], world: second, sessionStore: sessions, storage, seed: 2 });
  seen.length = 0;
  for (const who of ['Alice', 'Bob', 'Carol', 'Dave 🌛']) await bot.receive(who, { from: who });
  expect(seen.map((s) => [s.text, s.stableId, s.confidence])).toEqual(
    [
      ['Alice', 'wxid_alice', 'alias'],
      ['Carol', 'wxid_carol', 'remark-avatar'],
      ['Bob', 'wxid_bob', 'weak'],
      ['Dave 🌛', 'dave1988', 'weak'],
    ].sort(
      (a, b) =>
        ['Alice', 'Bob', 'Carol', 'Dave 🌛'].indexOf(a[0]!) - ['Alice', 'Bob', 'Carol', 'Dave 🌛'].indexOf(b[0]!),
    ),
  );
  // New session UserNames for every one of them.
  expect(seen.filter((s) => firstNames.has(s.userName))).toEqual([]);
  expect(found).toEqual({
    Alice: 'remember from wxid_alice',
    Bob: 'remember from wxid_bob',
    Carol: 'remember from wxid_carol',
    'Dave 🌛': 'remember from dave1988',
  });
});
