import { settledWithin } from '../../src/util/settled-within.js';

describe('settledWithin', () => {
  it('resolves true when settled before the timeout', async () => {
    let settle: (() => void) | undefined;
    const p = settledWithin((s) => (settle = s), 10_000);
    settle!();
    await expect(p).resolves.toBe(true);
  });

  it('resolves false when nothing settles in time, and a late settle is harmless', async () => {
    let settle: (() => void) | undefined;
    await expect(settledWithin((s) => (settle = s), 5)).resolves.toBe(false);
    expect(() => settle!()).not.toThrow();
  });
});
