import { checkConfigShape } from '../../src/config/schema.js';

const lines = (config: unknown) => checkConfigShape(config).map((i) => `${i.path}: ${i.message}`);

describe('checkConfigShape: api and webhooks', () => {
  test('valid sections have no issues', () => {
    expect(
      lines({
        api: {
          enabled: true,
          host: '127.0.0.1',
          port: 0,
          token: 'a-long-enough-token',
          allowedOrigins: ['http://localhost:5173'],
          allowedHosts: ['bot.internal:443'],
          allowRemote: false,
          recentPerChat: 50,
        },
        webhooks: [
          { url: 'https://hooks.example/wx', secret: '0123456789abcdef' },
          {
            url: 'http://127.0.0.1:9/x',
            secret: '0123456789abcdef',
            kinds: ['message:text', 'login'],
            chats: ['Family'],
            timeoutMs: 500,
          },
        ],
      }),
    ).toEqual([]);
  });

  test('each problem is named where it is, with how to fix it', () => {
    expect(
      lines({
        api: { port: -1, token: 'short', allowedOrigins: ['http://x/path'], colour: 1 },
        webhooks: [{ url: 'ftp://x', secret: 'short', kinds: ['messages'] }, { secret: '0123456789abcdef' }, 'x'],
      }),
    ).toEqual([
      'api.port: expected a number >= 0, got -1',
      'api.token: expected a token of at least 16 printable characters, no spaces',
      'api.allowedOrigins[0]: expected an origin like https://wx2.qq.com (no path)',
      'api.colour: unknown option',
      'webhooks[0].url: expected an http:// or https:// URL',
      'webhooks[0].secret: expected a secret of at least 16 characters (e.g. `openssl rand -hex 32`)',
      'webhooks[0].kinds[0]: expected one of "message"|"login"|"logout"|"recovered"|"plugin-failure" or "message:<kind>"',
      'webhooks[1].url: required',
      'webhooks[2]: expected object, got string',
    ]);
  });
});
