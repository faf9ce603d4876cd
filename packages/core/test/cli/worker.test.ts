// issue 17: `wxbot worker` names the package to install when @wxbot/store-redis is missing and checks its flags.
import { main } from '../../src/cli/main.js';
import { loadStoreRedis, redactUrl } from '../../src/cli/worker.js';
import { memoryIo } from './helpers.js';

describe('wxbot worker', () => {
  it('names the package to install when @wxbot/store-redis is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package '@wxbot/store-redis' imported from x"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(loadStoreRedis(() => Promise.reject(missing))).rejects.toThrow(/install @wxbot\/store-redis/);
    // A missing dependency of the package itself is not reported as the package missing.
    const inner = Object.assign(new Error("Cannot find package 'ioredis' imported from x"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(loadStoreRedis(() => Promise.reject(inner))).rejects.toThrow(/ioredis/);
  });

  it('refuses a capacity that is not a whole number of accounts', async () => {
    const { io, err } = memoryIo(process.cwd());
    expect(await main(['worker', '--capacity', '0'], io)).toBe(2);
    expect(err()).toContain('--capacity must be a whole number of accounts, at least 1 (got "0")');
  });

  it('keeps the password of a Redis URL out of what it prints', () => {
    expect(redactUrl('redis://user:s3cret@host:6379/0')).toBe('redis://user:***@host:6379/0');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});
