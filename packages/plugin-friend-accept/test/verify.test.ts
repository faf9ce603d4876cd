import { verifyTextAllowed } from '../src/verify.js';

describe('verifyTextAllowed', () => {
  it('lets everyone through when the rule names nothing', () => {
    expect(verifyTextAllowed({}, '')).toBe(true);
    expect(verifyTextAllowed({ keywords: [] }, 'hello')).toBe(true);
  });

  it('needs one keyword, case-insensitively', () => {
    expect(verifyTextAllowed({ keywords: ['Github', 'wxbot'] }, 'I found you on GitHub')).toBe(true);
    expect(verifyTextAllowed({ keywords: ['github'] }, 'hello')).toBe(false);
    expect(verifyTextAllowed({ keywords: [''] }, 'hello')).toBe(false);
  });

  it('accepts by regex, or by either when both are given', () => {
    expect(verifyTextAllowed({ regex: /^order-\d+$/ }, 'order-12')).toBe(true);
    expect(verifyTextAllowed({ regex: /^order-\d+$/g }, 'order-12')).toBe(true);
    expect(verifyTextAllowed({ keywords: ['vip'], regex: /^order-\d+$/ }, 'VIP please')).toBe(true);
    expect(verifyTextAllowed({ keywords: ['vip'], regex: /^order-\d+$/ }, 'hi')).toBe(false);
  });
});
