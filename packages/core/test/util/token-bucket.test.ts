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
