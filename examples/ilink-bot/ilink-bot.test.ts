// The iLink example: a Web account and an iLink account in one config; the iLink one runs on the iLink
// transport against the simulated iLink server and the autoreply plugin answers through it.
// (tests/cli/start-ilink.test.ts in core runs both accounts side by side through `wxbot start`.)
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  createIlinkBotFromConfig,
  createLogger,
  loadConfig,
  MemorySessionStore,
  createMemoryStorage,
  type Bot,
} from '@wxbot/core';
import { IlinkSimulator } from '@wxbot/simulator';

const dir = dirname(fileURLToPath(import.meta.url));

let bot: Bot | undefined;
let sim: IlinkSimulator | undefined;
afterEach(async () => {
  await bot?.stop();
  await sim?.stop();
});

test('the iLink example answers with autoreply through the simulated official bot API', async () => {
  const resolved = await loadConfig({ cwd: dir });
  expect(resolved.accounts?.map((a) => [a.name, a.transport])).toEqual([
    ['main', 'web'],
    ['support', 'ilink'],
  ]);
  const support = resolved.accounts!.find((a) => a.name === 'support')!;
  sim = await IlinkSimulator.start({ autoConfirm: true, qrPollMs: 200, longPollMs: 1_000 });
  bot = await createIlinkBotFromConfig(support, {
    logger: createLogger({ level: 'silent', pretty: false }),
    storage: createMemoryStorage(),
    ilink: {
      apiBaseUrl: sim.baseUrl,
      cdnBaseUrl: sim.cdnBaseUrl,
      sessionStore: new MemorySessionStore(),
      login: { pollGapMs: 5 },
    },
  });
  await bot.start();
  expect(bot.transport.name).toBe('ilink');
  sim.say('alice@im.wechat', 'what is the price?');
  const sent = await sim.waitForSent((s) => s.toUserId === 'alice@im.wechat', 10_000);
  expect(sent.text).toBe('The basic plan is ¥30/month.');
}, 60_000); // the first config load compiles TypeScript
