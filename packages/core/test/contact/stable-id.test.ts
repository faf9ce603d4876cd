import {
  isWeakStableId,
  stableIdStrength,
  strongStableId,
  confidenceLevel,
  weakStableIdProblem,
  WEAK_STABLE_ID_PREFIX,
} from '../../src/contact/stable-id.js';
import { MemoryContactStore } from '../../src/contact/store.js';
import type { RawContact } from '../../src/wire/types.js';

describe('stable id strength', () => {
  it.each([
    ['wxid_alice', 'strong'],
    ['1000000001@chatroom', 'strong'],
    ['alias:alice_w', 'strong'],
    ['encry:@0f0e', 'strong'],
    ['filehelper', 'strong'],
    ['weak:friend:Alice', 'weak'],
    ['weak:room:测试群', 'weak'],
  ] as const)('%s is %s', (id, strength) => {
    expect(stableIdStrength(id)).toBe(strength);
    expect(isWeakStableId(id)).toBe(strength === 'weak');
  });

  it('strongStableId keeps strong ids and drops weak ones, by prefix or by the contact’s confidence', () => {
    expect(WEAK_STABLE_ID_PREFIX).toBe('weak:');
    expect(strongStableId({ stableId: 'wxid_a' })).toBe('wxid_a');
    expect(strongStableId({ stableId: 'weak:friend:Alice' })).toBeUndefined();
    expect(strongStableId({ stableId: 'odd', stableIdConfidence: 'weak' })).toBeUndefined();
    expect(strongStableId({ stableId: 'odd', contact: { stableIdConfidence: 'weak' } })).toBeUndefined();
    expect(strongStableId({ stableId: 'alias:x', contact: { stableIdConfidence: 'alias' } })).toBe('alias:x');
    expect(strongStableId({ stableId: undefined })).toBeUndefined();
    expect(strongStableId({ stableId: '' })).toBeUndefined();
    expect(strongStableId(undefined)).toBeUndefined();
  });

  it('two namesakes share a weak id, and neither has a strong one', () => {
    const store = new MemoryContactStore();
    store.setSelf({ UserName: '@self' });
    const raw = (userName: string): RawContact => ({
      UserName: userName,
      NickName: 'Alice',
      ContactFlag: 3,
      VerifyFlag: 0,
    });
    store.upsert(raw('@aaaa'));
    store.upsert(raw('@bbbb'));
    const [a, b] = [store.contact('@aaaa')!, store.contact('@bbbb')!];
    expect(a.stableId).toBe('weak:friend:Alice');
    expect(b.stableId).toBe(a.stableId);
    expect([strongStableId(a), strongStableId(b)]).toEqual([undefined, undefined]);
  });

  it('explains why a weak id cannot name someone and what to write instead', () => {
    expect(weakStableIdProblem('wxid_alice')).toBeUndefined();
    expect(weakStableIdProblem('Carol')).toBeUndefined();
    const problem = weakStableIdProblem('weak:friend:Alice')!;
    expect(problem).toContain('"weak:friend:Alice" is a weak stable id');
    expect(problem).toMatch(/anyone with that name/);
    expect(problem).toMatch(/wxid_…|alias:/);
    expect(problem).toMatch(/remark name/);
  });

  it("the id's own confidence wins over its contact's; only 'weak' confidence drops an id", () => {
    expect(
      strongStableId({ stableId: 'wxid_a', stableIdConfidence: 'wxid', contact: { stableIdConfidence: 'weak' } }),
    ).toBe('wxid_a');
    expect(strongStableId({ stableId: 'wxid_a', stableIdConfidence: undefined, contact: undefined })).toBe('wxid_a');
    expect(strongStableId({ stableId: 'xweak:friend:A' })).toBe('xweak:friend:A');
    expect(isWeakStableId('Weak:friend:A')).toBe(false);
    expect(isWeakStableId('weak')).toBe(false);
  });

  it('the weak-id problem says the whole of what to do', () => {
    expect(weakStableIdProblem('weak:friend:Alice')).toBe(
      '"weak:friend:Alice" is a weak stable id: it is made from a display name, so anyone with that name would match it. ' +
        'Name the person by a strong id instead (their wxid "wxid_…" or "alias:<their WeChat ID>"), ' +
        'or give them a unique remark name on your phone and list that remark.',
    );
  });
});

test('a medium (remark + avatar) match is not strong enough for rights; confidenceLevel names the level', () => {
  expect(strongStableId({ stableId: 'wxid_a', stableIdConfidence: 'remark-avatar' })).toBeUndefined();
  expect(strongStableId({ stableId: 'wxid_a', stableIdConfidence: 'alias' })).toBe('wxid_a');
  expect(
    ['wxid', 'alias', 'encry-room-id', 'remark-avatar', 'weak', undefined].map((c) => confidenceLevel(c as never)),
  ).toEqual(['strong', 'strong', 'strong', 'medium', 'weak', undefined]);
});
