import { Writable } from 'node:stream';
import { pino } from 'pino';

import { Credentials } from '../../src/client/credentials.js';
import { CursorKeeper } from '../../src/client/cursor-keeper.js';
import { keepHeldCursor, KEPT_KEY_REFUSALS } from '../../src/client/cursor-policy.js';
import { ServerError } from '../../src/client/errors.js';

const key = (v: number) => ({ Count: 1, List: [{ Key: 2, Val: v }] });
const hosts = { login: 'l', main: 'm', file: 'f', push: 'p' };

function setup(): { cred: Credentials; keeper: CursorKeeper; durable: () => number; logs: string[] } {
  let n = 0;
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  const cred = new Credentials(1, 'sid', 'skey', 'pt', 'dev', hosts);
  const keeper = new CursorKeeper(
    keepHeldCursor,
    async () => {
      n++;
    },
    pino({ level: 'warn' }, sink),
  );
  return { cred, keeper, durable: () => n, logs };
}

describe('CursorKeeper', () => {
  it('a re-init keeps the SyncKey and drops a SyncCheckKey that may be stale', async () => {
    const { cred, keeper, durable } = setup();
    cred.resetKeys(key(5), key(7));
    const held = { syncKey: cred.syncKey, syncCheckKey: cred.syncCheckKey, uin: 1 };
    expect(await keeper.afterInit(cred, 'reinit', held, key(9))).toBe('keep');
    expect(cred.syncKey).toEqual(key(5));
    expect(cred.syncCheckKey).toBeUndefined();
    expect(durable()).toBe(1);
  });

  it('a login keeps the held key of the same account in the new credentials, safe to persist', async () => {
    const { cred, keeper } = setup();
    const held = { syncKey: key(5), syncCheckKey: key(6), uin: 1 };
    expect(await keeper.afterInit(cred, 'login', held, key(9))).toBe('keep');
    expect(cred.syncKey).toEqual(key(5));
    expect(cred.syncCheckKey).toEqual(key(6));
    expect(cred.safe.syncKey).toEqual(key(5));
  });

  it('adopts the offered key with nothing held, and then no refusal replaces it', async () => {
    const { cred, keeper } = setup();
    expect(await keeper.afterInit(cred, 'login', undefined, key(9))).toBe('adopt');
    expect(cred.syncKey).toEqual(key(9));
    for (let i = 0; i < KEPT_KEY_REFUSALS + 1; i++) await keeper.failed(cred, new ServerError('webwxsync', 1));
    expect(cred.syncKey).toEqual(key(9));
  });

  it('a kept key refused KEPT_KEY_REFUSALS times in a row gives way; an accepted sync in between resets the count', async () => {
    const { cred, keeper } = setup();
    await keeper.afterInit(cred, 'login', { syncKey: key(5), syncCheckKey: undefined, uin: 1 }, key(9));
    for (let i = 0; i < KEPT_KEY_REFUSALS - 1; i++) await keeper.failed(cred, new ServerError('webwxsync', 1));
    await keeper.failed(cred, new Error('network'));
    await keeper.failed(cred, new ServerError('synccheck', 1));
    expect(cred.syncKey).toEqual(key(5));
    await keeper.failed(cred, new ServerError('webwxsync', 1));
    expect(cred.syncKey).toEqual(key(9));

    await keeper.afterInit(cred, 'reinit', { syncKey: key(5), syncCheckKey: undefined, uin: 1 }, key(12));
    keeper.accepted();
    for (let i = 0; i < KEPT_KEY_REFUSALS; i++) await keeper.failed(cred, new ServerError('webwxsync', 1));
    expect(cred.syncKey).toEqual(key(5));
  });

  it('a login holding the very key of the credentials keeps its SyncCheckKey; only a re-init drops it', async () => {
    const { cred, keeper } = setup();
    cred.resetKeys(key(5), key(7));
    const held = { syncKey: cred.syncKey, syncCheckKey: cred.syncCheckKey, uin: 1 };
    expect(await keeper.afterInit(cred, 'hot', held, key(9))).toBe('keep');
    expect(cred.syncCheckKey).toEqual(key(7));
  });

  it('adopting over a held key is logged as a skip; adopting with nothing held, or keeping, is not', async () => {
    const { cred, keeper, logs } = setup();
    await keeper.afterInit(cred, 'login', undefined, key(9));
    await keeper.afterInit(cred, 'login', { syncKey: { Count: 0, List: [] }, syncCheckKey: undefined, uin: 1 }, key(9));
    await keeper.afterInit(cred, 'reinit', { syncKey: key(5), syncCheckKey: undefined, uin: 1 }, key(9));
    expect(logs).toEqual([]);
    await keeper.afterInit(cred, 'login', { syncKey: key(5), syncCheckKey: undefined, uin: 2 }, key(10));
    expect(cred.syncKey).toEqual(key(10));
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain('messages queued before it are skipped');
  });

  it('giving way makes the entries so far durable first, and logs it; a new init restarts the count', async () => {
    const { cred, keeper, durable, logs } = setup();
    await keeper.afterInit(cred, 'login', { syncKey: key(5), syncCheckKey: undefined, uin: 1 }, key(9));
    for (let i = 0; i < KEPT_KEY_REFUSALS - 1; i++) await keeper.failed(cred, new ServerError('webwxsync', 1));
    await keeper.afterInit(cred, 'reinit', { syncKey: key(5), syncCheckKey: undefined, uin: 1 }, key(11));
    await keeper.failed(cred, new ServerError('webwxsync', 1));
    expect(cred.syncKey).toEqual(key(5));
    expect(durable()).toBe(2);
    for (let i = 1; i < KEPT_KEY_REFUSALS; i++) await keeper.failed(cred, new ServerError('webwxsync', 1));
    expect(cred.syncKey).toEqual(key(11));
    expect(cred.syncCheckKey).toBeUndefined();
    expect(durable()).toBe(3);
    expect(logs.join('')).toContain('webwxsync keeps refusing the kept SyncKey');
    // Given way once, further refusals change nothing.
    cred.resetKeys(key(12), undefined);
    await keeper.failed(cred, new ServerError('webwxsync', 1));
    expect(cred.syncKey).toEqual(key(12));
  });

  it('keepHeldCursor: keeps a held key of the same account whatever the reason; refuses after KEPT_KEY_REFUSALS', () => {
    const base = { reason: 'reinit' as const, uin: 1, offered: key(9) };
    expect(keepHeldCursor.afterInit({ ...base, held: key(5), heldUin: 1 })).toBe('keep');
    expect(keepHeldCursor.afterInit({ ...base, reason: 'hot', held: key(5), heldUin: 1 })).toBe('keep');
    expect(keepHeldCursor.afterInit({ ...base, held: key(5), heldUin: 2 })).toBe('adopt');
    expect(keepHeldCursor.afterInit({ ...base, held: undefined, heldUin: undefined })).toBe('adopt');
    expect(keepHeldCursor.afterInit({ ...base, held: { Count: 0, List: [] }, heldUin: 1 })).toBe('adopt');
    expect(KEPT_KEY_REFUSALS).toBe(3);
    expect(keepHeldCursor.rejected(1, KEPT_KEY_REFUSALS - 1)).toBe(false);
    expect(keepHeldCursor.rejected(1, KEPT_KEY_REFUSALS)).toBe(true);
    expect(keepHeldCursor.rejected(1, KEPT_KEY_REFUSALS + 1)).toBe(true);
  });
});
