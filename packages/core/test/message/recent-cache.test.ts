import { RecentMessageCache } from '../../src/message/index.js';
import type { Message } from '../../src/message/index.js';

const msg = (id: string, newMsgId?: string): Message =>
  ({ id, kind: 'text', raw: { MsgId: id, NewMsgId: newMsgId } }) as unknown as Message;

describe('RecentMessageCache', () => {
  it('evicts the oldest entry beyond its limit', () => {
    const cache = new RecentMessageCache(3);
    for (const id of ['1', '2', '3', '4']) cache.add(msg(id));
    expect(cache.size).toBe(3);
    expect(cache.get('1')).toBeUndefined();
    expect(cache.get('4')?.id).toBe('4');
  });

  it('re-adding refreshes an entry', () => {
    const cache = new RecentMessageCache(2);
    cache.add(msg('1'));
    cache.add(msg('2'));
    cache.add(msg('1'));
    cache.add(msg('3'));
    expect(cache.has('1')).toBe(true);
    expect(cache.has('2')).toBe(false);
  });

  it('finds by a lossless NewMsgId string, and forgets the alias on eviction', () => {
    const cache = new RecentMessageCache(1);
    cache.add(msg('11', '9223372036854775001'));
    expect(cache.get('9223372036854775001')?.id).toBe('11');
    cache.add(msg('12'));
    expect(cache.get('9223372036854775001')).toBeUndefined();
  });

  it('ignores numeric NewMsgId (precision already lost)', () => {
    const cache = new RecentMessageCache(2);
    cache.add({ id: '5', raw: { NewMsgId: 7300000000000000000 } } as unknown as Message);
    expect(cache.get('7300000000000000000')).toBeUndefined();
  });

  it('takes only 1-25 digit strings as NewMsgId aliases, and drops aliases on eviction among plain entries', () => {
    const cache = new RecentMessageCache(2);
    for (const bad of ['', '12a', '1'.repeat(26), ' 12']) cache.add(msg(`x${bad}`, bad));
    for (const bad of ['12a', '1'.repeat(26), ' 12']) expect(cache.get(bad)).toBeUndefined();
    cache.add(msg('21', '1'.repeat(25)));
    cache.add(msg('22'));
    expect(cache.get('1'.repeat(25))?.id).toBe('21');
    cache.add(msg('23'));
    cache.add(msg('24'));
    expect(cache.get('1'.repeat(25))).toBeUndefined();
  });

  it('rejects a nonsensical limit with a clear error', () => {
    expect(() => new RecentMessageCache(0)).toThrow(/limit must be a positive integer/);
    expect(() => new RecentMessageCache(1.5)).toThrow(RangeError);
  });

  it('clear() empties it', () => {
    const cache = new RecentMessageCache(2);
    cache.add(msg('1'));
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
