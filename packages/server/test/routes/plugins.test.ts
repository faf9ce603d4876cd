// The plugin list carries what the console's Plugins page draws (the options' JSON Schema, the last
// failure, masked), and a live options change is refused plainly (501) instead of pretending.
import { definePlugin } from '@wxbot/core';
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

const SCHEMA = { type: 'object', properties: { greeting: { type: 'string', maxLength: 100 } } };
// A Standard Schema with the Standard JSON Schema part, as zod 4.2+ gives (the server has no zod).
const options = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: (value: unknown) => ({ value }),
    jsonSchema: { input: () => SCHEMA },
  },
} as never;

const greeter = definePlugin({ name: 'greeter', options, setup() {} });
const faulty = definePlugin({
  name: 'faulty',
  setup(ctx) {
    ctx.on('message:text', () => {
      throw new Error('failed calling https://example.invalid/x?skey=@crypt_abc123&pass_ticket=SECRETPT');
    });
  },
});

interface Item {
  name: string;
  state: string;
  error?: string;
  optionsSchema?: unknown;
}

test('items carry optionsSchema and the last failure, masked', async () => {
  bot = await createTestBot({ plugins: [[greeter, {}], faulty] });
  api = await startApi(bot);
  await bot.receive('hello', { from: 'Alice' });
  const { items } = (await api.call('GET', '/api/accounts/test/plugins')).json<{ items: Item[] }>();
  const byName = new Map(items.map((i) => [i.name, i]));
  expect(byName.get('greeter')).toMatchObject({ state: 'active', optionsSchema: SCHEMA });
  expect(byName.get('greeter')!.error).toBeUndefined();
  expect(byName.get('faulty')!.optionsSchema).toBeUndefined();
  const error = byName.get('faulty')!.error!;
  expect(error).toContain('failed calling https://example.invalid/x');
  expect(error).not.toContain('@crypt_abc123');
  expect(error).not.toContain('SECRETPT');
});

test('PUT options answers 501 naming what to do; an unknown plugin is a 404', async () => {
  bot = await createTestBot({ plugins: [[greeter, {}]] });
  api = await startApi(bot);
  const put = await api.call('PUT', '/api/accounts/test/plugins/greeter/options', {
    body: { options: { greeting: 'hi' } },
  });
  expect(put.status).toBe(501);
  expect(put.json<{ error: { code: string; message: string } }>().error).toMatchObject({
    code: 'not_supported',
    message: expect.stringContaining('bot.config.ts') as unknown,
  });
  const missing = await api.call('PUT', '/api/accounts/test/plugins/nope/options', { body: { options: {} } });
  expect(missing.status).toBe(404);
  expect((await api.call('PUT', '/api/accounts/test/plugins/greeter/options', { body: {} })).status).toBe(400);
});
