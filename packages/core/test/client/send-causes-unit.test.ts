import { CausedSends, sendFingerprint } from '../../src/client/send-causes.js';

const text = (to: string, content: string) => ({ kind: 'text', msgType: 1, to, content });

describe('sendFingerprint', () => {
  it('is the same for the same send and differs by recipient, content, kind or upload', () => {
    const base = sendFingerprint(text('@a', 'hi'));
    expect(sendFingerprint(text('@a', 'hi'))).toBe(base);
    expect(sendFingerprint(text('@b', 'hi'))).not.toBe(base);
    expect(sendFingerprint(text('@a', 'hi!'))).not.toBe(base);
    expect(sendFingerprint({ ...text('@a', 'hi'), kind: 'image', msgType: 3 })).not.toBe(base);
    const img = { kind: 'image', msgType: 3, to: '@a', upload: { name: 'a.png', size: 10 } };
    expect(sendFingerprint({ ...img, upload: { name: 'a.png', size: 11 } })).not.toBe(sendFingerprint(img));
    expect(sendFingerprint({ ...img, emoticonMd5: 'x' })).not.toBe(sendFingerprint(img));
  });
});

describe('CausedSends', () => {
  it('a restarted process claims earlier sends per cause and fingerprint, in order, each once', () => {
    const c = new CausedSends();
    const one = sendFingerprint(text('@a', 'one'));
    const two = sendFingerprint(text('@a', 'two'));
    c.note('c1', 'm1', one);
    c.note('c2', 'm1', one);
    c.note('c3', 'm1', two);
    c.note('c4', 'm2', one);
    const r = c.recovered();
    expect(r.claim('m1', two)).toBe('c3');
    expect(r.claim('m1', two)).toBeUndefined();
    expect(r.claim('m1', one)).toBe('c1');
    expect(r.claim('m1', one)).toBe('c2');
    expect(r.claim('m1', one)).toBeUndefined();
    expect(r.claim('m2', two)).toBeUndefined();
    expect(r.claim('m2', one)).toBe('c4');
    expect(r.claim('m3', one)).toBeUndefined();
  });

  it('keeps unknown outcomes through its rows, forgets sends that provably did not arrive, and stays bounded', () => {
    const c = new CausedSends(3);
    c.note('c1', 'm1', 'f');
    c.note('c2', 'm1', 'g');
    c.note('c3', 'm2', 'f');
    c.markUnknown('c2');
    c.forget('c3');
    const copy = new CausedSends(3);
    copy.load([...c.toRows(), 'junk', ['c9', 1, 'f']]);
    expect(copy.toRows()).toEqual([
      ['c1', 'm1', 'f'],
      ['c2', 'm1', 'g', 1],
    ]);
    expect(copy.isUnknown('c2')).toBe(true);
    expect(copy.isUnknown('c1')).toBe(false);
    expect(copy.recovered().claim('m2', 'f')).toBeUndefined();
    copy.note('c4', 'm3', 'f');
    copy.note('c5', 'm3', 'f');
    expect(copy.toRows().map((r) => r[0])).toEqual(['c2', 'c4', 'c5']);
    copy.note('c4', 'm9', 'z'); // a ClientMsgId is noted once
    expect(copy.recovered().claim('m9', 'z')).toBeUndefined();
  });
});
