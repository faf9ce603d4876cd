import { validateOptions } from '@wxbot/core';

import autoreply from '../src/index.js';

async function issues(options: unknown): Promise<string[]> {
  const result = await validateOptions(autoreply, options, 'plugins[0]');
  return 'issues' in result ? result.issues.map((i) => `${i.path}: ${i.message}`) : [];
}

describe('options schema', () => {
  it('applies documented defaults', async () => {
    const result = await validateOptions(autoreply, { rules: [{ keyword: 'a', reply: 'b' }] }, 'plugins[0]');
    expect(result).toEqual({
      value: expect.objectContaining({
        chats: 'all',
        mode: 'first',
        mentionOnly: false,
        addressAsker: false,
        caseSensitive: false,
        watch: false,
        watchDebounceMs: 200,
        admins: [],
        ignore: [],
        cooldown: { chatMs: 1000, userMs: 5000, maxPerUser: 5, windowMs: 600_000 },
      }),
    });
  });

  it('refuses a weak (name-based) stable id in admins, saying why and what to write instead', async () => {
    const [issue, ...rest] = await issues({ rules: [{ keyword: 'a', reply: 'b' }], admins: ['weak:friend:Alice'] });
    expect(rest).toEqual([]);
    expect(issue).toMatch(/^plugins\[0\]\.admins\[0\]: "weak:friend:Alice" is a weak stable id/);
    expect(issue).toMatch(/strong id instead/);
    expect(issue).toMatch(/remark name/);
  });

  it.each([
    [undefined, 'plugins[0]: autoreply needs options, e.g. { rules: [{ keyword: "hi", reply: "hello" }] }'],
    [{ rules: [] }, 'plugins[0].rules: give some rules, a rules function or a rulesFile'],
    [{ rules: 'hi' }, 'plugins[0].rules: rules must be an array of rules or a function returning one'],
    [{ rules: [{ reply: 'x' }] }, 'plugins[0].rules[0]: a rule needs a trigger: one of keyword, exact, regex or match'],
    [
      { rules: [{ keyword: 'a', exact: 'b', reply: 'x' }] },
      'plugins[0].rules[0]: a rule takes exactly one trigger, got keyword and exact',
    ],
    [
      { rules: [{ regex: '(', reply: 'x' }] },
      'plugins[0].rules[0].regex: invalid regex: Invalid regular expression: /(/: Unterminated group',
    ],
    [
      { rules: [{ regex: /a/, flags: 'i', reply: 'x' }] },
      'plugins[0].rules[0].flags: flags only apply to a string regex',
    ],
    [
      { rules: [{ regex: 'a', flags: 'g', reply: 'x' }] },
      'plugins[0].rules[0].flags: regex flags may only be i, m, s, u',
    ],
    [
      { rules: [{ keyword: 'a', reply: 42 }] },
      'plugins[0].rules[0].reply: reply must be a text, a list of texts (one is picked at random), { text }, { image }, { file } or a function',
    ],
    [{ rules: [{ keyword: 'a', reply: [] }] }, 'plugins[0].rules[0].reply: a random reply needs at least one text'],
    [{ rules: [{ keyword: '', reply: 'x' }] }, 'plugins[0].rules[0].keyword: keyword must not be empty'],
    [{ rules: [{ keyword: 'a', reply: 'x', colour: 1 }] }, 'plugins[0].rules[0]: Unrecognized key: "colour"'],
    [
      { rulesFile: 'r.json', quietHours: { from: '7:00', to: '08:00' } },
      'plugins[0].quietHours.from: expected a 24-hour time "HH:MM" such as "23:30"',
    ],
    [
      { rulesFile: 'r.json', quietHours: { from: '07:00', to: '07:00' } },
      'plugins[0].quietHours: quietHours.from and .to must differ',
    ],
    [{ rules: [{ keyword: 'a', reply: 'b' }], watch: true }, 'plugins[0].watch: watch needs rulesFile'],
    [
      { rulesFile: 'r.json', reloadCommand: '/reload' },
      'plugins[0].reloadCommand: a command name is letters, digits, _ or -',
    ],
    [{ rulesFile: 'r.json', controller: {} }, 'plugins[0].controller: controller must be an AutoreplyController'],
    [
      { rulesFile: 'r.json', cooldown: { userMs: -1 } },
      'plugins[0].cooldown.userMs: Too small: expected number to be >=0',
    ],
    [{ rulesFile: 'r.json', now: 5 }, 'plugins[0].now: now must be a function'],
  ])('explains %j', async (options, expected) => {
    expect(await issues(options)).toContain(expected);
  });
});
