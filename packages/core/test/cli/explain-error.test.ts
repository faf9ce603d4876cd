import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { explainEnvironmentError } from '../../src/cli/explain-error.js';
import { main } from '../../src/cli/main.js';
import { NetworkError } from '../../src/client/errors.js';
import { makeProject } from '../config/helpers.js';
import { memoryIo } from './helpers.js';

const SLOW = 30_000;

function sysError(code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${code}: something`), { code, ...extra });
}

describe('environment errors', () => {
  let dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    dirs = [];
  });

  test('DNS, permissions and paths each get one line naming what to change', () => {
    const dns = new NetworkError('jslogin', 'getaddrinfo ENOTFOUND login.wx.qq.com', undefined, {
      cause: sysError('ENOTFOUND'),
    });
    expect(explainEnvironmentError(dns)).toBe(
      'cannot look up login.wx.qq.com (DNS ENOTFOUND): check the network connection; behind a proxy, set HTTPS_PROXY or account.proxy',
    );
    expect(
      explainEnvironmentError(sysError('EACCES', { path: '/srv/bot/.wxbot/default.json' }), {
        dataDir: '/srv/bot/.wxbot',
      }),
    ).toBe(
      'permission denied for /srv/bot/.wxbot/default.json (data directory: /srv/bot/.wxbot) (EACCES): make it writable for this user, or set account.dataDir in the config or pass --data-dir to a directory you own',
    );
    expect(explainEnvironmentError(sysError('ENOTDIR', { path: '/a/file/x' }))).toContain(
      '/a/file/x runs through a file where a directory is needed (ENOTDIR): set account.dataDir in the config or pass --data-dir',
    );
    expect(explainEnvironmentError(new Error('plain'))).toBeUndefined();
  });

  test(
    'a data dir that is a file: one line naming it and the option, before anything starts',
    async () => {
      const p = await makeProject({
        'package.json': '{"type":"module"}',
        'bot.config.json': '{"account":{"dataDir":"taken/data"},"logging":{"level":"silent"},"plugins":[]}',
        taken: 'a file, not a directory',
      });
      dirs.push(p.dir);
      const m = memoryIo(p.dir);
      expect(await main(['login'], m.io)).toBe(1);
      const lines = m.err().trim().split('\n');
      expect(lines).toHaveLength(1);
      // The data dir is checked before anything starts (util/ensure-dir.ts), naming the file in the way.
      expect(lines[0]).toMatch(/^wxbot: account\.dataDir: cannot use .*taken.* is a file, not a directory/);
      expect(lines[0]).toContain('account.dataDir');
      expect(m.err()).not.toMatch(/\n\s+at /);

      // A setting that cannot work is a config problem, not a crash: no stack even with --verbose.
      const v = memoryIo(p.dir);
      expect(await main(['login', '--verbose'], v.io)).toBe(1);
      expect(v.err().trim()).toBe(lines[0]);
    },
    SLOW,
  );

  test(
    'a config that throws while loading: one line naming the file',
    async () => {
      const p = await makeProject({
        'package.json': '{"type":"module"}',
        'bot.config.ts': `import { readFileSync } from 'node:fs';\nconst token = readFileSync('/no/such/token.txt', 'utf8');\nexport default { plugins: [], token };\n`,
      });
      dirs.push(p.dir);
      // Its ENOENT is the config's own failure, not "no config file here".
      const m = memoryIo(p.dir);
      expect(await main(['start'], m.io)).toBe(1);
      expect(m.err()).toContain(`1 problem in ${join(p.dir, 'bot.config.ts')}:`);
      expect(m.err()).toContain("loading it threw: ENOENT: no such file or directory, open '/no/such/token.txt'");
      expect(m.err()).not.toContain('no bot config found');
      expect(m.err()).not.toMatch(/\n\s+at /);
      const v = memoryIo(p.dir);
      expect(await main(['start', '--verbose'], v.io)).toBe(1);
      expect(v.err()).toMatch(/\n\s+at /);

      const sub = join(p.dir, 'x');
      await mkdir(sub);
      await writeFile(
        join(sub, 'bot.config.mjs'),
        'export default () => { throw new Error("no TOKEN in the environment"); };',
      );
      const t = memoryIo(sub);
      expect(await main(['start'], t.io)).toBe(1);
      expect(t.err()).toBe(
        `wxbot: 1 problem in ${join(sub, 'bot.config.mjs')}:\n  - the exported function threw: no TOKEN in the environment\n`,
      );
    },
    SLOW,
  );
});
