import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ApiConfigError, loadToken, resolveApi } from '../src/options.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

test('loopback by default; another address needs allowRemote, and the error says so', () => {
  expect(resolveApi({})).toMatchObject({ host: '127.0.0.1', port: 8720 });
  expect(() => resolveApi({ host: '0.0.0.0' })).toThrow(ApiConfigError);
  expect(() => resolveApi({ host: '0.0.0.0' })).toThrow(/api\.allowRemote: true/);
  expect(resolveApi({ host: '0.0.0.0', allowRemote: true }).host).toBe('0.0.0.0');
  expect(resolveApi({ host: '::1' }).host).toBe('::1');
});

test('a token is generated once into the data dir (0600) and reused; a readable file is refused', async () => {
  dir = await mkdtemp(join(tmpdir(), 'wxbot-token-'));
  const first = await loadToken(undefined, dir);
  expect(first.file).toBe(join(dir, 'api-token'));
  expect(first.token.length).toBeGreaterThanOrEqual(32);
  expect((await stat(first.file!)).mode & 0o777).toBe(0o600);
  expect((await readFile(first.file!, 'utf8')).trim()).toBe(first.token);
  expect(await loadToken(undefined, dir)).toEqual(first);
  // A configured token wins and is not written anywhere.
  expect(await loadToken({ token: 'configured-token-123456' }, dir)).toEqual({
    token: 'configured-token-123456',
    file: undefined,
  });
  await chmod(first.file!, 0o644);
  await expect(loadToken(undefined, dir)).rejects.toThrow(/chmod 600/);
});
