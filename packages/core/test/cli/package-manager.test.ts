import { detectPackageManager, runCommand, runScript } from '../../src/cli/package-manager.js';
import { memoryIo } from './helpers.js';

test('the package manager comes from npm_config_user_agent; anything unknown is npm', () => {
  expect(detectPackageManager('pnpm/10.34.9 npm/? node/v20.20.2 linux x64')).toBe('pnpm');
  expect(detectPackageManager('yarn/1.22.22 npm/? node/v22.1.0 darwin arm64')).toBe('yarn');
  expect(detectPackageManager('npm/11.6.0 node/v24.0.0 linux x64 workspaces/false')).toBe('npm');
  expect(detectPackageManager('bun/1.2.0')).toBe('npm');
  expect(detectPackageManager(undefined)).toBe('npm');
});

test('scripts are run the way each package manager spells it', () => {
  expect(runScript('npm', 'dev')).toBe('npm run dev');
  expect(runScript('npm', 'test')).toBe('npm test');
  expect(runScript('npm', 'start')).toBe('npm start');
  expect(runScript('pnpm', 'dev')).toBe('pnpm dev');
  expect(runScript('yarn', 'dev')).toBe('yarn dev');
});

test('runCommand passes the output through and resolves with the exit code', async () => {
  const m = memoryIo(process.cwd());
  const script = 'process.stdout.write("out " + process.cwd()); process.stderr.write("err"); process.exit(3)';
  expect(await runCommand(process.execPath, ['-e', script], '/', m.io)).toBe(3);
  expect(m.out()).toBe('out /');
  expect(m.err()).toBe('err');
  const missing = memoryIo('/');
  expect(await runCommand('wxbot-no-such-command', [], '/', missing.io)).toBe(127);
  expect(missing.err()).toContain('could not run wxbot-no-such-command');
});
