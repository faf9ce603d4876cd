import { selectAccount } from '../../src/cli/select-account.js';
import { prepareConfig, type ResolvedConfig } from '../../src/config/prepare.js';

const dir = '/srv/bots';
const multi = (): Promise<ResolvedConfig> =>
  prepareConfig({ config: { accounts: [{ name: 'alpha' }, { name: 'beta' }] }, file: `${dir}/bot.config.ts`, dir });

describe('--account', () => {
  test('picks one account of several, shaped as a single-account config', async () => {
    const picked = selectAccount(await multi(), 'beta', { command: 'login', one: true, dataDirFlag: false });
    expect('error' in picked).toBe(false);
    const one = picked as ResolvedConfig;
    expect(one.accounts).toBeUndefined();
    expect(one.config.account?.name).toBe('beta');
    expect(one.dataDir).toBe(`${dir}/.wxbot/beta`);
  });

  test('start keeps every account; login and logout need one; --data-dir needs --account', async () => {
    const all = await multi();
    expect(selectAccount(all, undefined, { command: 'start', one: false, dataDirFlag: false })).toBe(all);
    expect(selectAccount(all, undefined, { command: 'logout', one: true, dataDirFlag: false })).toEqual({
      error: 'this config has 2 accounts (alpha, beta); logout one at a time: wxbot logout --account <name>',
    });
    expect(selectAccount(all, undefined, { command: 'start', one: false, dataDirFlag: true })).toEqual({
      error: "--data-dir names one account's directory; pick the account with --account <name>",
    });
    expect(selectAccount(all, 'alpah', { command: 'start', one: false, dataDirFlag: false })).toEqual({
      error: '--account alpah: no such account (did you mean "alpha"?); the config has alpha, beta',
    });
  });

  test('a single-account config answers to its own name only', async () => {
    const single = await prepareConfig({ config: { account: { name: 'solo' } }, file: undefined, dir });
    expect(selectAccount(single, 'solo', { command: 'login', one: true, dataDirFlag: false })).toBe(single);
    expect(selectAccount(single, undefined, { command: 'login', one: true, dataDirFlag: false })).toBe(single);
    expect(selectAccount(single, 'other', { command: 'login', one: true, dataDirFlag: false })).toEqual({
      error: '--account other: this config runs one account, "solo" (no `accounts` list)',
    });
  });
});
