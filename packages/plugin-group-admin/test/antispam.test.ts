import { M, ROOM, start, type Started } from './helpers.js';

let s: Started | undefined;
afterEach(async () => {
  await s?.bot.close();
  s = undefined;
});

describe('anti-spam', () => {
  it('warns for links (URLs, bare domains), allows listed domains, kicks at kickAfter', async () => {
    s = await start({ admins: ['wxid_alice'], antiSpam: { links: true, allowDomains: ['github.com'], kickAfter: 3 } });
    expect(await s.say('see https://docs.github.com/x and github.com', 'Bob')).toEqual([]);
    expect(await s.say('cheap stuff at https://spam.example.xyz/buy', 'Bob')).toEqual([
      `@Bob${M}warning 1/3: no links. At 3 you will be removed.`,
    ]);
    expect(await s.say('visit shop.top now', 'Bob')).toEqual([
      `@Bob${M}warning 2/3: no links. At 3 you will be removed.`,
    ]);
    expect(await s.say('www.spam.cn', 'Bob')).toEqual(['Removed Bob: no links (warning 3/3).']);
    s.bot.expectRemoved(ROOM, 'Bob');
  });

  it('warns for forbidden words; admins and the account are exempt', async () => {
    s = await start({ admins: ['wxid_alice'], antiSpam: { keywords: ['Casino'] } });
    expect(await s.say('best CASINO in town', 'wxid_alice')).toEqual([]);
    expect(await s.say('best casino in town', 'wxid_bot')).toEqual([]);
    expect(await s.say('best casino in town', 'Erin')).toEqual([
      `@E${M}warning 1/3: forbidden words. At 3 you will be removed.`,
    ]);
  });

  it('a message flood is one strike per window; the flooder is removed after kickAfter floods', async () => {
    let now = 1_000_000;
    s = await start({
      admins: ['wxid_alice'],
      antiSpam: { flood: { max: 5, windowMs: 10_000 }, kickAfter: 2 },
      now: () => now,
    });
    const out: string[] = [];
    for (let i = 0; i < 12; i++) {
      out.push(...(await s.say(`msg ${i}`, 'Bob')));
      now += 100;
    }
    // 6th message: strike 1; the window restarts, so the 12th is strike 2 and removes Bob.
    expect(out).toEqual([
      `@Bob${M}warning 1/2: flooding. At 2 you will be removed.`,
      'Removed Bob: flooding (warning 2/2).',
    ]);
    // Others talking at a normal pace are never flagged.
    for (let i = 0; i < 10; i++) {
      expect(await s.say(`chat ${i}`, 'Erin')).toEqual([]);
      now += 3_000;
    }
  });

  it('strike counts survive a restart', async () => {
    s = await start({ admins: ['wxid_alice'], antiSpam: { keywords: ['casino'], kickAfter: 2 } });
    await s.say('casino', 'Bob');
    const storage = s.storage;
    await s.bot.close();
    s = await start({ admins: ['wxid_alice'], antiSpam: { keywords: ['casino'], kickAfter: 2 } }, undefined, storage);
    expect(await s.say('casino', 'Bob')).toEqual(['Removed Bob: forbidden words (warning 2/2).']);
  });

  it('spam in a room the bot does not own: reported once, and no removal attempt per message', async () => {
    s = await start({ admins: ['wxid_alice'], antiSpam: { keywords: ['casino'], kickAfter: 1 } });
    const out: string[] = [];
    for (let i = 0; i < 6; i++) out.push(...(await s.say('casino', 'Carol', 'Family')));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^Could not remove 小红: /);
    expect(s.bot.wireActions().filter((a) => a.endpoint === 'webwxupdatechatroom').length).toBeLessThanOrEqual(1);
  });

  it('spam behind a command prefix is still spam: the refused command does not carry it past the filter', async () => {
    s = await start({ admins: ['wxid_alice'], antiSpam: { keywords: ['casino'], kickAfter: 2 } });
    const first = await s.say('/help casino tonight', 'Bob');
    expect(first).toContain(`@Bob${M}warning 1/2: forbidden words. At 2 you will be removed.`);
    expect(await s.say('/help casino again', 'Bob')).toContain('Removed Bob: forbidden words (warning 2/2).');
    s.bot.expectRemoved(ROOM, 'Bob');
  });

  it('finds links in a long dotted run, and one that follows an ellipsis', async () => {
    s = await start({ admins: ['wxid_alice'], antiSpam: { links: true, kickAfter: 3 } });
    expect(await s.say(`${'a.'.repeat(20_000)} 点击...spam.top`, 'Bob')).toEqual([
      `@Bob${M}warning 1/3: no links. At 3 you will be removed.`,
    ]);
  });
});
