import { join } from 'node:path';

import { z } from 'zod';

import { ConfigError } from '../../src/config/errors.js';
import { prepareConfig, type ResolvedConfig } from '../../src/config/prepare.js';
import type { BotConfig } from '../../src/config/types.js';
import { definePlugin } from '../../src/plugin/define.js';
import { createMemoryStorage } from '../../src/storage/memory.js';

const dir = '/srv/bots';
const file = join(dir, 'bot.config.ts');

const greeter = definePlugin({
  name: 'greeter',
  options: z.object({ greeting: z.string().default('hi'), x: z.number().optional() }),
  setup() {},
});
const logger = definePlugin({ name: 'logger', setup() {} });

async function prepare(config: BotConfig): Promise<ResolvedConfig> {
  return prepareConfig({ config, file, dir });
}

async function problems(config: BotConfig): Promise<string[]> {
  try {
    await prepare(config);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('accounts: [...] in the config', () => {
  test('each account resolves like a single-account config: own dir, merged limits, shared plugins', async () => {
    const resolved = await prepare({
      rateLimits: { text: { burst: 5, perSecond: 1 }, media: { burst: 2, perSecond: 0.2 } },
      sends: { maxAgeMs: 1000 },
      plugins: [[greeter, { greeting: 'hello' }], logger],
      accounts: [
        { name: 'support', loginMode: 'qr', rateLimits: { text: { burst: 1, perSecond: 0.5 } } },
        { name: 'sales', dataDir: '/var/lib/sales', transport: 'web', sends: { reconcileMs: 5000 } },
      ],
    });
    const accounts = resolved.accounts!;
    expect(accounts.map((a) => [a.name, a.dataDir, a.transport])).toEqual([
      ['support', join(dir, '.wxbot', 'support'), 'web'],
      ['sales', '/var/lib/sales', 'web'],
    ]);
    expect(accounts[0]!.config.account).toEqual({
      name: 'support',
      loginMode: 'qr',
      dataDir: join(dir, '.wxbot', 'support'),
      // Not drawn in the terminal, where several could not be told apart; saved as a PNG per account.
      qr: { terminal: false },
    });
    expect(accounts[0]!.config.rateLimits).toEqual({
      text: { burst: 1, perSecond: 0.5 },
      media: { burst: 2, perSecond: 0.2 },
    });
    expect(accounts[1]!.config.sends).toEqual({ maxAgeMs: 1000, reconcileMs: 5000 });
    for (const a of accounts) {
      expect(a.plugins.map((p) => [p.plugin.name, p.options])).toEqual([
        ['greeter', { greeting: 'hello' }],
        ['logger', undefined],
      ]);
    }
  });

  test('an account brings its own plugin list, or overrides / drops shared ones by name', async () => {
    const resolved = await prepare({
      plugins: [[greeter, { greeting: 'hello' }], logger],
      accounts: [
        { name: 'own', plugins: [logger] },
        { name: 'tuned', pluginOverrides: { greeter: { greeting: 'yo' }, logger: false } },
      ],
    });
    const [own, tuned] = resolved.accounts!;
    expect(own!.plugins.map((p) => p.plugin.name)).toEqual(['logger']);
    expect(tuned!.plugins.map((p) => [p.plugin.name, p.options])).toEqual([['greeter', { greeting: 'yo' }]]);
  });

  test('every problem of every account is reported at once, each with its path', async () => {
    const lines = await problems({
      plugins: [greeter],
      accounts: [
        { name: 'a', plugins: [[greeter, { x: 'one' }]] },
        { name: 'b', loginMode: 'scan' as 'qr', rateLimits: { text: { burst: 0, perSecond: 1 } } },
        { name: 'a', dataDir: '.wxbot/b' },
        { name: 'd', pluginOverrides: { greeter: { x: 'two' }, nope: {} } },
        { name: 'e', plugins: [logger], pluginOverrides: {} },
        { dataDir: 'x' } as never,
        { name: 'g', transport: 'smoke-signals' as 'web' },
      ],
    });
    expect(lines).toEqual([
      'accounts[1].loginMode: expected one of "auto"|"qr"|"push"|"hot", got "scan"',
      'accounts[1].rateLimits.text.burst: expected a number > 0, got 0',
      'accounts[5].name: required (each account needs a unique name)',
      'accounts[6].transport: expected one of "web"|"ilink", got "smoke-signals"',
      expect.stringMatching(/^accounts\[0\]\.plugins\[0\] \(greeter\)\.x: /),
      `accounts[2].name: "a" is also the name of accounts[0]; each account needs its own name`,
      `accounts[2].dataDir: ${join(dir, '.wxbot', 'b')} is also the data dir of accounts[1]; accounts never share one (set dataDir apart, e.g. .wxbot/a)`,
      expect.stringMatching(/^accounts\[3\]\.pluginOverrides\.greeter \(greeter\)\.x: /),
      'accounts[3].pluginOverrides.nope: no plugin "nope" in the top-level plugins (there: greeter); overrides change shared plugins, an account\'s own list goes in its `plugins`',
      'accounts[4].pluginOverrides: an account has its own `plugins` or overrides of the shared ones, not both',
    ]);
  });

  test('a data dir inside another account’s is refused too', async () => {
    expect(
      await problems({
        accounts: [
          { name: 'a', dataDir: 'data' },
          { name: 'b', dataDir: 'data/b' },
        ],
      }),
    ).toEqual([
      `accounts[1].dataDir: ${join(dir, 'data', 'b')} is inside the data dir of accounts[0]; accounts never share one (set dataDir apart, e.g. .wxbot/b)`,
    ]);
  });

  test('`account` and `accounts` together, and an empty list, are refused', async () => {
    expect(await problems({ account: { name: 'x' }, accounts: [{ name: 'y' }] })).toEqual([
      'account: use `account` (one account) or `accounts` (several), not both: move its settings into the accounts',
    ]);
    expect(await problems({ accounts: [] })).toEqual([
      'accounts: expected at least one account (or use `account` for a single one)',
    ]);
    expect(await problems({ accounts: {} as never })).toEqual([
      'accounts: expected array, got object',
      'accounts: expected at least one account (or use `account` for a single one)',
    ]);
  });

  test('a shared storage driver is split by account; the single-account form has no accounts', async () => {
    const shared = createMemoryStorage();
    const resolved = await prepare({ storage: shared, accounts: [{ name: 'a' }, { name: 'b' }] });
    const [a, b] = resolved.accounts!;
    await a!.config.storage!.namespace('p').set('k', 1);
    await expect(b!.config.storage!.namespace('p').get('k')).resolves.toBeUndefined();
    await expect(shared.namespace('a/p').get('k')).resolves.toBe(1);
    expect((await prepare({ account: { name: 'solo' } })).accounts).toBeUndefined();
  });

  test('restart: an account’s policy over the top-level one, defaults filled in, false turns it off', async () => {
    const resolved = await prepare({
      restart: { maxDelayMs: 60_000, maxAttempts: 5 },
      accounts: [
        { name: 'a' },
        { name: 'b', restart: { initialDelayMs: 2_000, maxAttempts: 2 } },
        { name: 'c', restart: false },
      ],
    });
    expect(resolved.accounts!.map((a) => a.restart)).toEqual([
      { initialDelayMs: 1_000, maxDelayMs: 60_000, maxAttempts: 5, stableMs: 600_000 },
      { initialDelayMs: 2_000, maxDelayMs: 60_000, maxAttempts: 2, stableMs: 600_000 },
      false,
    ]);
    const off = await prepare({ restart: false, accounts: [{ name: 'a' }, { name: 'b', restart: {} }] });
    expect(off.accounts!.map((a) => a.restart)).toEqual([
      false,
      { initialDelayMs: 1_000, maxDelayMs: 300_000, maxAttempts: undefined, stableMs: 600_000 },
    ]);
  });

  test('restart: bad values are reported with their path and what to write', async () => {
    expect(
      await problems({
        restart: { maxDelay: 5 } as never,
        accounts: [
          { name: 'a', restart: true as never },
          { name: 'b', restart: { initialDelayMs: 10_000, maxDelayMs: 1_000 } },
          { name: 'c', restart: { maxAttempts: 1.5, stableMs: -1 } },
        ],
      }),
    ).toEqual([
      'accounts[0].restart: expected an object or false, got boolean (restarts are on by default; false turns them off)',
      'accounts[1].restart.maxDelayMs: expected at least initialDelayMs (10000), got 1000',
      'accounts[2].restart.maxAttempts: expected an integer, got 1.5',
      'accounts[2].restart.stableMs: expected a number > 0, got -1',
      'restart.maxDelay: unknown option (did you mean "maxDelayMs"?)',
    ]);
    expect(await problems({ account: { name: 'solo' }, restart: { maxAttempts: 3 } })).toEqual([
      'restart: restarts are for `accounts: [...]` (the supervisor restarts a failed account); with one `account`, let the process manager restart wxbot (e.g. systemd Restart=on-failure)',
    ]);
  });
});
