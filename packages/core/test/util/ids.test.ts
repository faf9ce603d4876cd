import { newClientMsgId } from '../../src/util/ids.js';

describe('newClientMsgId', () => {
  it('is a ms timestamp plus 4 digits, strictly increasing even within one millisecond', () => {
    const now = 1_795_000_000_000;
    const ids = Array.from({ length: 20_000 }, () => newClientMsgId(now));
    expect(ids[0]).toMatch(/^1795000000000\d{4}$|^\d{17}$/);
    for (let i = 1; i < ids.length; i++) expect(BigInt(ids[i]!) > BigInt(ids[i - 1]!)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
