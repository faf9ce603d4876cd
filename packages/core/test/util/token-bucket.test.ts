import { backoffDelay } from '../../src/util/backoff.js';
import { TokenBucket } from '../../src/util/token-bucket.js';
import { sanitizeFileName } from '../../src/client/media.js';

describe('TokenBucket', () => {
  it('allows a burst, then paces at the sustained rate, and halves the rate on penalise', () => {
    let now = 0;
    const b = new TokenBucket(3, 1, () => now);
    expect([b.take(), b.take(), b.take()]).toEqual([0, 0, 0]);
    expect(b.take()).toBe(1000);
    now = 1000;
    expect(b.take()).toBe(0);
    b.penalise();
    expect(b.rateFactor).toBe(0.5);
    expect(b.take()).toBe(2000);
    expect(() => new TokenBucket(0, 1)).toThrow(RangeError);
  });
});

describe('TokenBucket refill and 1205 slow-down', () => {
  /** A bucket on a clock the test moves by hand. */
  function bucket(burst: number, perSecond: number) {
    const clock = { now: 0 };
    return { clock, b: new TokenBucket(burst, perSecond, () => clock.now) };
  }

  it('accepts the smallest valid settings and names the bad ones', () => {
    expect(() => new TokenBucket(1, 0.01)).not.toThrow();
    expect(() => new TokenBucket(0.5, 1)).toThrow(RangeError);
    expect(() => new TokenBucket(1, 0)).toThrow('token bucket needs burst >= 1 and perSecond > 0 (got 1, 0)');
    expect(() => new TokenBucket(Number.NaN, 1)).toThrow(/got NaN, 1/);
    expect(() => new TokenBucket(2, -1)).toThrow(/got 2, -1/);
  });

  it('refills perSecond tokens per second of clock time, capped at burst', () => {
    const { clock, b } = bucket(10, 2);
    for (let i = 0; i < 10; i++) expect(b.take()).toBe(0);
    expect(b.take()).toBe(500);
    clock.now = 500; // one token at 2/s
    expect(b.take()).toBe(0);
    expect(b.take()).toBe(500);
    clock.now = 1_000_000; // a long idle refills to burst, not beyond
    for (let i = 0; i < 10; i++) expect(b.take()).toBe(0);
    expect(b.take()).toBe(500);
  });

  it('waits only for the missing fraction of a token', () => {
    const { clock, b } = bucket(1, 1);
    expect(b.take()).toBe(0);
    clock.now = 250;
    expect(b.take()).toBe(750);
  });

  it('adds nothing when the clock steps back', () => {
    const { clock, b } = bucket(1, 1);
    clock.now = 10_000;
    expect(b.take()).toBe(0);
    clock.now = 5_000;
    expect(b.take()).toBe(1000);
  });

  it('penalise empties a full bucket and halves the refill rate, down to an eighth', () => {
    const { clock, b } = bucket(5, 1);
    b.penalise();
    expect(b.rateFactor).toBe(0.5);
    expect(b.take()).toBe(2000); // no token left of the five, refilled at half speed
    clock.now = 1000; // half a token at half speed; the rate then recovers by 1/60
    expect(b.take()).toBe(Math.ceil((0.5 / (0.5 + 1 / 60)) * 1000));
    for (let i = 0; i < 5; i++) b.penalise();
    expect(b.rateFactor).toBe(0.125);
  });

  it('refills at the slowed rate, then recovers towards full speed by 1/60 per second', () => {
    const { clock, b } = bucket(1, 1);
    b.penalise(); // rate 0.5, no tokens
    clock.now = 2000; // 2 s at half speed = one token; then the rate recovers by 2/60
    expect(b.take()).toBe(0);
    expect(b.rateFactor).toBeCloseTo(0.5 + 2 / 60, 10);
    clock.now = 20_000;
    b.take();
    expect(b.rateFactor).toBeCloseTo(0.5 + 20 / 60, 10);
    clock.now = 60_000; // recovery stops at full speed
    b.take();
    expect(b.rateFactor).toBe(1);
  });

  it('a second 1205 halves the rate it has recovered to, not the stale one', () => {
    const { clock, b } = bucket(1, 1);
    b.penalise();
    clock.now = 30_000; // fully recovered by now: 0.5 + 30/60
    b.penalise();
    expect(b.rateFactor).toBe(0.5);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially within [base/2, cap] with jitter', () => {
    expect(backoffDelay(0, 100, 10_000, () => 0)).toBe(50);
    expect(backoffDelay(3, 100, 10_000, () => 1)).toBe(800);
    expect(backoffDelay(30, 100, 1_000, () => 1)).toBe(1000);
  });
});

describe('sanitizeFileName', () => {
  it.each([
    ['../../x', 'x'],
    ['..\\..\\evil.exe', 'evil.exe'],
    ['/etc/passwd', 'passwd'],
    ['..', '__'],
    ['a\u0000b<c>.txt', 'a_b_c_.txt'],
    ['CON.txt', '_CON.txt'],
    ['报告.pdf', '报告.pdf'],
  ])('%j → %j', (input, out) => {
    expect(sanitizeFileName(input, 'fallback.bin')).toBe(out);
  });
});
