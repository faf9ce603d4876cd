// `pnpm --filter @wxbot/<name> test`, as the README tells contributors, must load the
// shared jest config and run only that package's tests (it once failed to load it).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

const packages = [
  'core',
  'simulator',
  'plugin-autoreply',
  'plugin-group-admin',
  'plugin-friend-accept',
  'store-redis',
  'transport-ilink',
  'server',
  'console',
];

test.each(packages)(
  'pnpm --filter @wxbot/%s test loads the jest config and selects only that package',
  async (name) => {
    const { stdout } = await run('pnpm', ['--silent', '--filter', `@wxbot/${name}`, 'test', '--listTests'], {
      cwd: repo,
      encoding: 'utf8',
    });
    const files = stdout.split('\n').filter((line) => line.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((file) => file.includes(`/packages/${name}/test/`))).toBe(true);
  },
  60_000,
);
