/**
 * Feeds 10,000 mutated payloads (fixed seed, so failures reproduce) through
 * normalizeMessage: truncated XML, wrong types, missing fields, huge strings,
 * nested garbage. Nothing may throw, and every result must still be a message.
 */
import { MESSAGE_KINDS, normalizeMessage, RecentMessageCache } from '../../src/message/index.js';
import { fixture, fixtureNames, worldDirectory } from './fixtures.js';

/** mulberry32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = rng(0x5eed1234);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const int = (max: number): number => Math.floor(random() * max);

const HUGE = 'x'.repeat(300 * 1024);
const HUGE_XML = `&lt;msg&gt;&lt;appmsg&gt;&lt;title&gt;${'y'.repeat(300 * 1024)}&lt;/title&gt;&lt;/appmsg&gt;&lt;/msg&gt;`;
const NASTY_STRINGS = [
  '',
  '@',
  '@@',
  ':<br/>',
  '@x:<br/>',
  '&lt;',
  '&lt;msg&gt;',
  '<msg><appmsg><title>',
  '&#xD800;&#99999999;&bogus;&',
  '<span class="emoji emoji1f1e8"></span><span class="emoji emojizz"></span>',
  '<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><msg>&b;</msg>',
  '&lt;sysmsg type="revokemsg"&gt;&lt;revokemsg&gt;&lt;msgid&gt;',
  '&lt;sysmsg type="sysmsgtemplate"&gt;&lt;sysmsgtemplate&gt;&lt;content_template&gt;&lt;template&gt;$a$$b$',
  '&lt;sysmsg type="pat"&gt;&lt;pat&gt;&lt;template&gt;${',
  '"x"邀请"',
  '你被""移出群聊',
  '"" changed the group name to ""',
  '\u2005@\u2005',
  '<msg><__proto__><polluted>1</polluted></__proto__></msg>',
];
// Huge strings are rare on purpose: each one costs a GC cycle, and a few hundred cover the size limits.
const HUGE_STRINGS = [HUGE, HUGE_XML, `${HUGE}@${HUGE}`];
const NASTY_VALUES: unknown[] = [
  undefined,
  null,
  0,
  -1,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  1e308,
  true,
  [],
  [1, 2, 3],
  {},
  { nested: { deeper: [{}] } },
  Symbol('s'),
  () => 1,
  10n,
  ...NASTY_STRINGS,
];
const MSG_TYPES = [1, 3, 34, 37, 40, 42, 43, 47, 48, 49, 50, 51, 52, 53, 62, 9999, 10000, 10002, 7, -5];
const APP_TYPES = [0, 3, 5, 6, 8, 17, 19, 33, 36, 57, 2000, 2001, 999999];

function mutateString(s: string): string {
  switch (int(6)) {
    case 0:
      return s.slice(0, int(s.length + 1)); // truncated
    case 1:
      return s.slice(int(s.length + 1)); // head cut
    case 2: {
      const at = int(s.length + 1);
      return s.slice(0, at) + pick(NASTY_STRINGS) + s.slice(at);
    }
    case 3:
      return s.replace(/&gt;/g, () => (random() < 0.1 ? '' : '&gt;'));
    case 4:
      return s.length < 10_000 ? s.repeat(1 + int(3)) : s;
    default:
      return random() < 0.05 ? pick(HUGE_STRINGS) : pick(NASTY_STRINGS);
  }
}

function mutate(base: Record<string, unknown>): unknown {
  const roll = random();
  if (roll < 0.02) return pick(NASTY_VALUES);
  const entry: Record<string, unknown> = { ...base };
  const keys = Object.keys(entry);
  const rounds = 1 + int(4);
  for (let i = 0; i < rounds; i++) {
    const key = pick(keys);
    switch (int(7)) {
      case 0:
        Reflect.deleteProperty(entry, key);
        break;
      case 1:
        entry[key] = pick(NASTY_VALUES);
        break;
      case 2:
        if (typeof entry[key] === 'string') entry[key] = mutateString(entry[key]);
        break;
      case 3:
        entry.MsgType = pick(MSG_TYPES);
        entry.AppMsgType = pick(APP_TYPES);
        break;
      case 4:
        entry.Content = mutateString(typeof entry.Content === 'string' ? entry.Content : '');
        break;
      case 5:
        entry.RecommendInfo = random() < 0.5 ? pick(NASTY_VALUES) : { UserName: pick(NASTY_VALUES), Ticket: 5 };
        break;
      default:
        entry.FromUserName = pick(['@@room', '@x', '', 5, null, entry.ToUserName]);
        break;
    }
  }
  return entry;
}

describe('normalizeMessage fuzz', () => {
  it('survives 10,000 mutated payloads without throwing (seeded)', () => {
    const directory = worldDirectory();
    const recent = new RecentMessageCache(64);
    const bases = fixtureNames().map((n) => fixture(n) as unknown as Record<string, unknown>);
    const kinds = new Set<string>(MESSAGE_KINDS);
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const input = mutate(pick(bases));
      let result;
      try {
        result = normalizeMessage(input, { directory, recent });
      } catch (error) {
        throw new Error(`iteration ${i} threw: ${String(error)}`);
      }
      // Plain checks: 10,000 rounds of expect() would dominate the run time.
      const m = result.message;
      if (
        !kinds.has(m.kind) ||
        typeof m.id !== 'string' ||
        typeof m.text !== 'string' ||
        !Array.isArray(result.events)
      ) {
        throw new Error(`iteration ${i}: not a message: ${JSON.stringify({ kind: m.kind, id: m.id })}`);
      }
      seen.add(m.kind);
    }
    expect(recent.size).toBeLessThanOrEqual(64);
    // The mutations must reach deep into the builders, not just the malformed path.
    expect(seen.size).toBeGreaterThan(15);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps working with a directory whose lookups throw', () => {
    const good = worldDirectory();
    const hostile = {
      self: good.self,
      contact: () => {
        throw new Error('boom');
      },
      room: () => {
        throw new Error('boom');
      },
      member: () => {
        throw new Error('boom');
      },
      byStableId: () => {
        throw new Error('boom');
      },
    };
    const raw = fixture('text_room_mention_self_display');
    const { message } = normalizeMessage(raw, { directory: hostile });
    expect(message.kind).toBe('unknown');
    expect(message.kind === 'unknown' && message.reason).toBe('malformed');
    expect(message.id).toBe(raw.MsgId);
    expect(message.raw).toBe(raw);
  });
});
