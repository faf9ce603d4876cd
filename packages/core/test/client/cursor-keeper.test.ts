import { pino } from 'pino';

import { Credentials } from '../../src/client/credentials.js';
import { CursorKeeper } from '../../src/client/cursor-keeper.js';
import { keepHeldCursor, KEPT_KEY_REFUSALS } from '../../src/client/cursor-policy.js';
import { ServerError } from '../../src/client/errors.js';

const key = (v: number) => ({ Count: 1, List: [{ Key: 2, Val: v }] });
const hosts = { login: 'l', main: 'm', file: 'f', push: 'p' };

function setup(): { cred: Credentials; keeper: CursorKeeper; durable: () => number } {
  let n = 0;
  const cred = new Credentials(1, 'sid', 'skey', 'pt', 'dev', hosts);
  const keeper = new CursorKeeper(
    keepHeldCursor,
    async () => {
      n++;
    },
    pino({ level: 'silent' }),
  );
  return { cred, keeper, durable: () => n };
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
});
