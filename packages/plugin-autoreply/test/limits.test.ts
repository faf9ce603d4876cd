import { Cooldowns, inQuietHours } from '../src/limits.js';

const at = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return new Date(2026, 0, 5, h, m);
};

describe('inQuietHours', () => {
  it('handles same-day and overnight ranges, start inclusive and end exclusive', () => {
    const day = { from: '12:00', to: '14:00' };
    expect([at('11:59'), at('12:00'), at('13:59'), at('14:00')].map((d) => inQuietHours(d, day))).toEqual([
      false,
      true,
      true,
      false,
    ]);
    const night = { from: '22:30', to: '06:00' };
    expect(
      [at('22:29'), at('22:30'), at('00:00'), at('05:59'), at('06:00')].map((d) => inQuietHours(d, night)),
    ).toEqual([false, true, true, true, false]);
  });
});

describe('Cooldowns', () => {
  it('blocks the chat, then the person, then caps answers per window', () => {
    const c = new Cooldowns({ chatMs: 100, userMs: 1_000, maxPerUser: 2, windowMs: 10_000 });
    expect(c.blocked('room', 'bob', 0)).toBeUndefined();
    c.record('room', 'bob', 0);
    expect(c.blocked('room', 'ann', 50)).toBe('chat cooldown');
    expect(c.blocked('room', 'bob', 500)).toBe('user cooldown');
    expect(c.blocked('other', 'bob', 500)).toBeUndefined();
    c.record('room', 'bob', 1_000);
    expect(c.blocked('room', 'bob', 5_000)).toBe('reply cap reached');
    expect(c.blocked('room', 'bob', 10_000)).toBeUndefined();
  });

  it('zero cooldowns never block; many keys are swept as they expire', () => {
    const c = new Cooldowns({ chatMs: 0, userMs: 0, maxPerUser: 1_000_000, windowMs: 10 });
    for (let i = 0; i < 5_000; i++) c.record(`chat${i}`, 'x', i * 20);
    expect(c.blocked('chat1', 'x', 200_000)).toBeUndefined();
  });
});
