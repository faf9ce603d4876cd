// Simulator mode: the console's phone panel, relayed by the server to the simulator's control API;
// absent (404) when the server was not given a simulator control URL.
import { createTestBot, type TestBot } from '@wxbot/core/testing';

import { startApi, type Api } from '../helpers.js';

let bot: TestBot | undefined;
let api: Api | undefined;

afterEach(async () => {
  await api?.server.close();
  await bot?.close();
  api = undefined;
  bot = undefined;
});

test('world and say go through to the simulator; bad input is a 400 naming the field', async () => {
  bot = await createTestBot({ plugins: [] });
  api = await startApi(bot, {}, { simulatorControlUrl: bot.sim.controlUrl });
  const world = (await api.call('GET', '/api/simulator/world')).json<{ people: { id: string; name: string }[] }>();
  const alice = world.people.find((p) => p.name.includes('Alice'));
  expect(alice).toBeDefined();
  const heard = new Promise<string>((resolve) => {
    const stop = bot!.bot.onProcessed((p) => {
      if (p.message.kind === 'text' && p.message.text === 'via the phone panel') {
        stop();
        resolve(p.message.text);
      }
    });
  });
  const said = await api.call('POST', '/api/simulator/say', { body: { from: alice!.id, text: 'via the phone panel' } });
  expect(said.status).toBe(200);
  await expect(heard).resolves.toBe('via the phone panel');
  const bad = await api.call('POST', '/api/simulator/say', { body: { from: alice!.id } });
  expect(bad.status).toBe(400);
  expect(bad.json<{ error: { field: string } }>().error.field).toBe('body.text');
  expect((await api.call('GET', '/api/simulator/world', { auth: false })).status).toBe(401);
});

test('without a simulator control URL there are no simulator routes', async () => {
  bot = await createTestBot({ plugins: [] });
  api = await startApi(bot);
  expect((await api.call('GET', '/api/simulator/world')).status).toBe(404);
  expect((await api.call('POST', '/api/simulator/say', { body: { from: 'x', text: 'y' } })).status).toBe(404);
});
