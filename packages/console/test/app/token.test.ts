import { forgetToken, keepToken, takeToken } from '../../src/app/token.js';

function fakes(hash: string) {
  const store = new Map<string, string>();
  const location = { hash, pathname: '/console/' };
  const replaced: string[] = [];
  const history = { replaceState: (_s: unknown, _t: string, url: string) => replaced.push(url) };
  const storage = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => store.set(k, v),
    removeItem: (k: string) => store.delete(k),
  };
  return { location, history, storage, replaced, store };
}

test('the token is taken from the fragment once, stored, and wiped from the address bar', () => {
  const f = fakes('#token=abc%2Fdef');
  expect(takeToken(f.location, f.history, f.storage)).toBe('abc/def');
  expect(f.replaced).toEqual(['/console/#/login']);
  // Later loads (no fragment) read it from sessionStorage.
  const again = { ...f, location: { hash: '#/chats', pathname: '/console/' } };
  expect(takeToken(again.location, again.history, again.storage)).toBe('abc/def');
  expect(f.replaced).toHaveLength(1);
  forgetToken(f.storage);
  expect(takeToken(again.location, again.history, again.storage)).toBeUndefined();
});

test('a typed token is kept trimmed; a blank one is not kept', () => {
  const f = fakes('');
  expect(keepToken(f.storage, '  typed-token \n')).toBe('typed-token');
  expect(takeToken(f.location, f.history, f.storage)).toBe('typed-token');
  forgetToken(f.storage);
  expect(keepToken(f.storage, '   ')).toBeUndefined();
  expect(f.store.size).toBe(0);
});
