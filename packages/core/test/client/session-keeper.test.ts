import { MemoryContactStore } from '../../src/contact/store.js';
import { newJar } from '../../src/client/cookies.js';
import { CredentialSlot } from '../../src/client/cred-slot.js';
import { Credentials } from '../../src/client/credentials.js';
import { SessionKeeper } from '../../src/client/session-keeper.js';
import { MemorySessionStore } from '../../src/session/file-store.js';

const hosts = { login: 'http://l', main: 'http://m', file: 'http://f', push: 'http://p' };
const key = (v: number) => ({ Count: 1, List: [{ Key: 1, Val: v }] });

function keeper(durable: () => Promise<unknown> = () => Promise.resolve()) {
  const store = new MemorySessionStore();
  const cred = new CredentialSlot();
  const errors: string[] = [];
  const k = new SessionKeeper({
    store,
    key: 'bot/session',
    cred,
    http: { jar: newJar() },
    contacts: new MemoryContactStore(),
    durable,
    checkpointMs: 0,
    onError: (err, context) => errors.push(`${context}: ${String(err)}`),
  });
  return { k, store, cred, errors };
}

test('nothing is saved before a login, and a forgotten session is never written back', async () => {
  const { k, store, cred } = keeper();
  await k.persist();
  expect(await store.get('bot/session')).toBeUndefined();
  cred.current = new Credentials(7, 'sid', 'skey', 'ticket', 'e1', hosts);
  cred.current.resetKeys(key(1), undefined);
  await k.persist();
  expect(await k.load()).toMatchObject({ uin: 7, syncKey: key(1) });
  await k.forget();
  await k.persist();
  expect(await store.get('bot/session')).toBeUndefined();
});

test('a checkpoint saves the SyncKey only after the journals are durable', async () => {
  let release: () => void = () => undefined;
  const journals = new Promise<void>((r) => (release = r));
  const { k, cred } = keeper(() => journals);
  cred.current = new Credentials(7, 'sid', 'skey', 'ticket', 'e1', hosts);
  cred.current.resetKeys(key(1), undefined);
  await k.persist();
  cred.current.syncKey = key(2);
  cred.current.round++;
  k.schedule();
  await new Promise((r) => setTimeout(r, 20));
  expect((await k.load())?.syncKey).toEqual(key(1));
  release();
  await new Promise((r) => setTimeout(r, 20));
  expect((await k.load())?.syncKey).toEqual(key(2));
});

test('a saved document of another version is not resumed', async () => {
  const { k, store } = keeper();
  await store.set('bot/session', { version: 2, sid: 's', syncKey: key(1), hosts });
  expect(await k.load()).toBeUndefined();
});
