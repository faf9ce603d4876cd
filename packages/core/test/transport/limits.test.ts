import { definePlugin } from '../../src/plugin/define.js';
import { createTestBot, type TestBot } from '../../src/testing/index.js';
import { UNDECLARED_LIMITS, WEB_LIMITS, limitsOf, textMention } from '../../src/transport/limits.js';
import { WEB_CAPABILITIES } from '../../src/transport/web.js';
import { DIRECT_ONLY } from './helpers.js';

/** Issue 16 item 7: what the protocol cannot do is a value a plugin branches on, not a sentence in the docs. */

const NONE = { mentionsNotify: false, quote: false, openRedPacket: false, acceptTransfer: false, calls: false };

describe('protocol limits', () => {
  test('Web declares its limits (iLink: its own test); a transport that declares none is read as able to do none', () => {
    expect(limitsOf(WEB_CAPABILITIES)).toEqual(NONE);
    expect(WEB_CAPABILITIES.limits).toBe(WEB_LIMITS);
    expect(DIRECT_ONLY.limits).toBeUndefined();
    expect(limitsOf(DIRECT_ONLY)).toBe(UNDECLARED_LIMITS);
    // A future transport that can notify is read as such.
    expect(limitsOf({ limits: { ...NONE, mentionsNotify: true } }).mentionsNotify).toBe(true);
    expect(Object.isFrozen(WEB_LIMITS) && Object.isFrozen(UNDECLARED_LIMITS)).toBe(true);
  });

  test('textMention writes @name with WeChat’s U+2005 and says whether it notifies', () => {
    expect(textMention(' Bob ', WEB_CAPABILITIES)).toEqual({ text: '@Bob\u2005', name: 'Bob', notifies: false });
    expect(textMention('小红', { limits: { ...NONE, mentionsNotify: true } }).notifies).toBe(true);
    expect(textMention('Bob', DIRECT_ONLY).notifies).toBe(false);
    expect(() => textMention('  ', WEB_CAPABILITIES)).toThrow(/textMention\(\): name is empty/);
  });
});

describe('a plugin branching on the limits against the simulator', () => {
  let bot: TestBot | undefined;
  afterEach(async () => {
    await bot?.close();
    bot = undefined;
  });

  test('red packets and transfers are not actionable; the mention it writes says it notifies nobody', async () => {
    const seen: string[] = [];
    const concierge = definePlugin({
      name: 'concierge',
      permissions: { actions: ['send'] },
      setup(ctx) {
        // Web WeChat tells of a received red packet only by a notice; both shapes say actionable: false.
        ctx.on('message:red-packet', async (m) => {
          if (!m.message.actionable) await m.reply('A red packet! Open it on the phone.');
        });
        ctx.on('message:system', async (m) => {
          const notice = m.message.notice;
          if (notice.type === 'red-packet' && !notice.actionable) await m.reply('A red packet! Open it on the phone.');
        });
        ctx.on('message:transfer', async (m) => {
          if (!m.message.actionable && !ctx.capabilities.limits?.acceptTransfer) seen.push('transfer on phone');
          await m.reply('A transfer: accept it on the phone.');
        });
        ctx.hears('help', async (m) => {
          const at = textMention(m.sender.name ?? '', ctx.capabilities);
          seen.push(`notifies=${at.notifies}`);
          await m.reply(at.notifies ? `${at.text}on it` : `${at.text}on it (no alert: DM me if urgent)`);
        });
      },
    });
    bot = await createTestBot({ plugins: [concierge] });
    bot.sim.send({ from: 'wxid_alice', kind: 'red-packet' });
    bot.sim.send({ from: 'wxid_alice', kind: 'transfer', amount: '￥0.10' });
    const records = await bot.receive('help', { from: 'Alice', room: '测试群' });
    expect(records.map((r) => (r.content?.type === 'text' ? r.content.text : ''))).toEqual([
      '@Alice\u2005on it (no alert: DM me if urgent)',
    ]);
    await bot.receive('last', { from: 'Alice' });
    expect(bot.replies()).toEqual(
      expect.arrayContaining(['A red packet! Open it on the phone.', 'A transfer: accept it on the phone.']),
    );
    expect(seen).toEqual(expect.arrayContaining(['transfer on phone', 'notifies=false']));
  });
});
