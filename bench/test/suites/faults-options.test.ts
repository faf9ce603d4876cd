import { faultOptions } from '../../src/suites/faults-options.js';

describe('faultOptions', () => {
  it('scales texts and chats from the issue defaults (2,000 over 50)', () => {
    expect(faultOptions({ 'faults-scale': '0.3' }, false)).toMatchObject({ count: 600, chats: 15 });
    expect(faultOptions({}, false)).toMatchObject({ count: 2000, chats: 50 });
  });

  it('explicit counts win over the scale; smoke leaves the smoke defaults to the suite', () => {
    expect(faultOptions({ 'faults-scale': '2', 'faults-count': '10' }, false)).toMatchObject({
      count: 10,
      chats: 100,
    });
    expect(faultOptions({}, true)).toMatchObject({ count: undefined, chats: undefined, smoke: true });
  });

  it('names the option and the accepted values when a value is bad', () => {
    expect(faultOptions({ 'faults-count': '1.5' }, false)).toBe(
      '--faults-count must be a whole number from 1 to 1000000 (got "1.5")',
    );
    expect(faultOptions({ 'faults-rate': 'fast' }, false)).toMatch(/^--faults-rate must be a number from 0.1/);
    expect(faultOptions({ 'faults-rows': 'drop,nope' }, false)).toMatch(
      /^--faults-rows: unknown row "nope" \(choose from drop, 5xx, latency, 1101-expiry, kill-9-mid-stream/,
    );
  });

  it('takes row slugs', () => {
    expect(faultOptions({ 'faults-rows': 'drop, 1205-60-s' }, false)).toMatchObject({ rows: ['drop', '1205-60-s'] });
  });
});
