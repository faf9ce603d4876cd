import { createTestBot, type TestBot } from '@wxbot/core/testing';

import { lazyValidatorCompiler, type SchemaCompile } from '../src/schema-compilers.js';
import { createApiServer, type ApiServer } from '../src/server.js';
import { TOKEN } from './helpers.js';

let bot: TestBot | undefined;
const servers: ApiServer[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  await bot?.close();
  bot = undefined;
});

async function start(schemas: { onCompile?: (c: SchemaCompile) => void; eager?: boolean }): Promise<string> {
  bot ??= await createTestBot({ plugins: [] });
  const server = createApiServer({ bots: [bot.bot], api: { port: 0 }, token: TOKEN, schemas });
  servers.push(server);
  return server.listen();
}

async function call(url: string, method: string, path: string, body?: unknown): Promise<[number, unknown]> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return [res.status, await res.json()];
}

const SEND = '/api/accounts/:account/chats/:chat/messages';

test("a route's schemas compile on its first request, once, and a bad body there gets the usual 400", async () => {
  const compiles: SchemaCompile[] = [];
  const url = await start({ onCompile: (c) => compiles.push(c) });
  expect(compiles).toEqual([]);

  const first = await call(url, 'POST', '/api/accounts/test/chats/Alice/messages', { text: 1 });
  expect(first).toEqual([
    400,
    { error: { code: 'invalid_request', message: 'body.text must be string', field: 'body.text' } },
  ]);
  const sendCompiles = compiles.filter((c) => c.url === SEND);
  expect(sendCompiles).toEqual(
    expect.arrayContaining([
      { kind: 'validator', method: 'POST', url: SEND, part: 'params' },
      { kind: 'validator', method: 'POST', url: SEND, part: 'body' },
      { kind: 'serializer', method: 'POST', url: SEND, part: '400' },
    ]),
  );
  // Only what that request needed: no other route, no other status of this one.
  expect(compiles.every((c) => c.url === SEND)).toBe(true);
  expect(compiles.some((c) => c.kind === 'serializer' && c.part === '200')).toBe(false);

  const count = compiles.length;
  const again = await call(url, 'POST', '/api/accounts/test/chats/Alice/messages', { text: 'x', colour: 'red' });
  expect(again[0]).toBe(400);
  expect(compiles).toHaveLength(count);
});

test('lazily compiled schemas answer exactly as schemas compiled up front', async () => {
  const eagerCompiles: SchemaCompile[] = [];
  // Up front, every route's schemas compile (so a broken schema still fails a test, not a first request).
  const eager = await start({ eager: true, onCompile: (c) => eagerCompiles.push(c) });
  expect(eagerCompiles.filter((c) => c.kind === 'validator').length).toBeGreaterThan(10);
  expect(eagerCompiles.filter((c) => c.kind === 'serializer').length).toBeGreaterThan(10);
  const lazy = await start({});
  const requests: Array<[string, string, unknown?]> = [
    ['POST', '/api/accounts/test/chats/Alice/messages', {}],
    ['POST', '/api/accounts/test/chats/Alice/messages', { text: 1 }],
    ['POST', '/api/accounts/test/chats/Alice/messages', { text: 'x', colour: 'red' }],
    ['POST', '/api/accounts/test/chats/Alice/messages', { text: 'x', path: '/tmp/x' }],
    ['POST', '/api/accounts/test/chats/Alice/messages', [1, 2]],
    ['GET', '/api/accounts/test/contacts?limit=abc'],
    ['GET', '/api/accounts/test/contacts?limit=0'],
    ['GET', '/api/accounts/test/contacts?colour=red'],
    // Coerced from the query string, defaults filled in, and the answer serialized by its 200 schema.
    ['GET', '/api/accounts/test/contacts?limit=2'],
    ['GET', '/api/accounts'],
    ['GET', '/healthz'],
  ];
  for (const [method, path, body] of requests)
    expect([method, path, await call(lazy, method, path, body)]).toEqual([
      method,
      path,
      await call(eager, method, path, body),
    ]);
});

test("the lazy validator leaves ajv's verdict on itself, and clears it after a pass", () => {
  const compiles: SchemaCompile[] = [];
  const validate = lazyValidatorCompiler({ onCompile: (c) => compiles.push(c) })({
    schema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
    method: 'GET',
    url: '/x',
    httpPart: 'querystring',
  });
  expect(compiles).toEqual([]);
  expect(validate({})).toBe(false);
  expect(validate.errors?.[0]).toMatchObject({ params: { missingProperty: 'n' } });
  const query: Record<string, unknown> = { n: '3' };
  expect(validate(query)).toBe(true);
  expect(query.n).toBe(3); // query strings are coerced, as before
  expect(validate.errors).toBeNull();
  expect(compiles).toHaveLength(1);
  // A JSON body is taken as typed.
  const body = lazyValidatorCompiler()({
    schema: { type: 'object', properties: { n: { type: 'integer' } } },
    method: 'POST',
    url: '/x',
    httpPart: 'body',
  });
  expect(body({ n: '3' })).toBe(false);
  expect(body.errors?.[0]).toMatchObject({ instancePath: '/n', message: 'must be integer' });
});
