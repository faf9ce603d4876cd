import { defineConfig, validateOptions } from '@wxbot/core';

import groupAdmin, { groupAdminOptionsSchema, hostAllowed, linkHosts } from '../src/index.js';

async function issues(options: unknown): Promise<string[]> {
  const result = await validateOptions(groupAdmin, options, 'plugins[0]');
  return 'issues' in result ? result.issues.map((i) => `${i.path}: ${i.message}`) : [];
}

describe('options schema', () => {
  it('applies defaults', async () => {
    expect(await validateOptions(groupAdmin, { admins: ['wxid_a'] }, 'p')).toEqual({
      value: {
        admins: ['wxid_a'],
        prefix: '/',
        commands: ['kick', 'topic', 'invite', 'warn', 'help', 'pin', 'unpin', 'remark'],
        welcome: false,
        farewell: false,
        antiSpam: false,
        inviteAbove: 39,
        failureReportMs: 600_000,
        refusalCooldownMs: 60_000,
      },
    });
    expect(await validateOptions(groupAdmin, { admins: ['a'], antiSpam: {} }, 'p')).toMatchObject({
      value: { antiSpam: { links: false, allowDomains: [], keywords: [], flood: false, kickAfter: 3 } },
    });
  });

  it.each([
    [
      undefined,
      'plugins[0]: group-admin needs options, at least { admins: ["wxid_..."] } (stable ids or remark names you set)',
    ],
    [{ admins: [] }, 'plugins[0].admins: name at least one admin (stable id or a remark name you set)'],
    [{ admins: [''] }, 'plugins[0].admins[0]: admin must not be empty'],
    [
      { admins: ['a'], commands: ['ban'] },
      'plugins[0].commands[0]: Invalid option: expected one of "kick"|"topic"|"invite"|"warn"|"help"|"pin"|"unpin"|"remark"',
    ],
    [
      { admins: ['a'], antiSpam: { flood: { max: 0, windowMs: 10 } } },
      'plugins[0].antiSpam.flood.max: Too small: expected number to be >=1',
    ],
    [
      { admins: ['a'], antiSpam: { kickAfter: 0 } },
      'plugins[0].antiSpam.kickAfter: Too small: expected number to be >=1',
    ],
    [{ admins: ['a'], admin: ['b'] }, 'plugins[0].admin: unknown option (did you mean "admins"?)'],
  ])('explains %j', async (options, expected) => {
    expect(await issues(options)).toContain(expected);
  });

  it('refuses a weak (name-based) stable id in admins, saying why and what to write instead', async () => {
    const [issue, ...rest] = await issues({ admins: ['wxid_ok', 'weak:friend:Alice'] });
    expect(rest).toEqual([]);
    expect(issue).toMatch(/^plugins\[0\]\.admins\[1\]: "weak:friend:Alice" is a weak stable id/);
    expect(issue).toMatch(/anyone with that name would match it/);
    expect(issue).toMatch(/wxid_…|alias:<their WeChat ID>/);
    expect(issue).toMatch(/remark name/);
    expect(issue).toMatch(/logs the strong id of each sender whose command it refuses/);
  });

  it('types "group-admin" entries in bot.config.ts', () => {
    const good = defineConfig({ plugins: [['group-admin', { admins: ['wxid_me'], antiSpam: { links: true } }]] });
    // @ts-expect-error -- admins is required
    const bad = defineConfig({ plugins: [['@wxbot/plugin-group-admin', { welcome: 'hi' }]] });
    const options = [good.plugins![0], (bad as unknown as { plugins: unknown[] }).plugins[0]].map(
      (e) => (e as [unknown, unknown])[1],
    );
    expect(options.map((o) => groupAdminOptionsSchema.safeParse(o).success)).toEqual([true, false]);
  });
});

describe('link detection', () => {
  it('finds URLs and bare domains, not ordinary dotted text', () => {
    expect(linkHosts('go to https://a.example.org/x?y and www.shop.cn, mail me at 3.14')).toEqual([
      'a.example.org',
      'www.shop.cn',
    ]);
    expect(linkHosts('version 1.2.3 is out')).toEqual([]);
    expect(hostAllowed('docs.github.com', ['GitHub.com'])).toBe(true);
    expect(hostAllowed('evilgithub.com', ['github.com'])).toBe(false);
  });
});
