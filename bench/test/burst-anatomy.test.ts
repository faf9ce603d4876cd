import { BurstClock } from '../src/burst-anatomy.js';

describe('BurstClock', () => {
  it('times each burst from its start to its first and its last reply', () => {
    const c = new BurstClock();
    const a = c.begin(1000);
    for (const id of [1, 2, 3]) c.add(a, id);
    const b = c.begin(2000);
    for (const id of [4, 5]) c.add(b, id);
    // Replies arrive out of order and interleaved across bursts.
    c.reply(2, 1010);
    c.reply(4, 2005);
    c.reply(1, 1030);
    c.reply(3, 1050);
    c.reply(5, 2045);
    const r = c.anatomy();
    expect(r.bursts).toBe(2);
    expect(r.firstReplyMs.count).toBe(2);
    expect([r.firstReplyMs.p50, r.firstReplyMs.max]).toEqual([5, 10]);
    expect([r.lastReplyMs.p50, r.lastReplyMs.max]).toEqual([45, 50]);
    expect([r.spreadMs.p50, r.spreadMs.max]).toEqual([40, 40]);
  });

  it('counts a burst with an unanswered message as never finished, and ignores unknown or repeated ids', () => {
    const c = new BurstClock();
    const a = c.begin(0);
    c.add(a, 1);
    c.add(a, 2);
    const b = c.begin(100);
    c.add(b, 3);
    c.reply(1, 7);
    c.reply(1, 9); // the same reply twice: the first one counts
    c.reply(99, 50); // not a message of any burst
    c.reply(3, 120);
    const r = c.anatomy();
    expect(r.firstReplyMs.count).toBe(2);
    expect(r.firstReplyMs.max).toBe(20);
    // Burst a is missing message 2: one of two bursts finished, so the median is that one and the max unknown.
    expect(r.lastReplyMs.count).toBe(1);
    expect(r.lastReplyMs.p50).toBe(20);
    expect(r.lastReplyMs.p90).toBeNull();
    expect(r.lastReplyMs.max).toBeNull();
  });

  it('reports no bursts as empty summaries', () => {
    const r = new BurstClock().anatomy();
    expect(r.bursts).toBe(0);
    expect(r.lastReplyMs.p50).toBeNull();
  });
});
