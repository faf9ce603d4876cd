#!/usr/bin/env node
// Runs the jest suite on the Node LTS lines users run (22 and 24), besides the
// Node that runs `pnpm test`. Node binaries come from the npm registry's
// `node-<platform>-<arch>` packages (the registry is all CI can reach), cached
// under node_modules/.node-lts/<major> so a second run downloads nothing.
//
//   pnpm test:node-lts            # 22 and 24
//   pnpm test:node-lts 24         # one line
//   pnpm test:node-lts 22 -- packages/core/test/client   # jest arguments after --
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const majors = (dash === -1 ? argv : argv.slice(0, dash)).filter((a) => a !== '');
const jestArgs = dash === -1 ? [] : argv.slice(dash + 1);
const lines = majors.length > 0 ? majors : ['22', '24'];

for (const major of lines) {
  if (!/^\d+$/.test(major)) {
    console.error(`test:node-lts: "${major}" is not a Node major version; use e.g. "pnpm test:node-lts 22"`);
    process.exit(2);
  }
}

const platform = process.platform === 'win32' ? 'win' : process.platform;
const pkg = `node-${platform}-${process.arch}`;

function nodeBinary(major) {
  const dir = join(repo, 'node_modules', '.node-lts', major);
  const bin =
    process.platform === 'win32'
      ? join(dir, 'node_modules', pkg, 'bin', 'node.exe')
      : join(dir, 'node_modules', pkg, 'bin', 'node');
  if (!existsSync(bin)) {
    console.error(`test:node-lts: installing ${pkg}@${major} from the npm registry into ${dir}`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const r = spawnSync(
      npm,
      ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', `${pkg}@${major}`],
      { stdio: 'inherit', cwd: repo },
    );
    if (r.status !== 0 || !existsSync(bin)) {
      console.error(
        `test:node-lts: could not install ${pkg}@${major} (npm exited ${r.status}); check that the npm registry is reachable`,
      );
      process.exit(1);
    }
  }
  return bin;
}

const failed = [];
for (const major of lines) {
  const bin = nodeBinary(major);
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.error(`\ntest:node-lts: running the suite on Node ${version}`);
  const r = spawnSync(
    bin,
    [
      '--experimental-vm-modules',
      join(repo, 'node_modules', 'jest', 'bin', 'jest.js'),
      // The pack end-to-end test installs the packed tarballs with npm; it runs once, under `pnpm test`.
      ...(jestArgs.length === 0
        ? ['--testPathIgnorePatterns=/node_modules/', '--testPathIgnorePatterns=pack\\.e2e\\.test\\.ts$']
        : []),
      ...jestArgs,
    ],
    { stdio: 'inherit', cwd: repo, env: { ...process.env, WXBOT_NODE_LTS: version } },
  );
  if (r.status !== 0) failed.push(version);
}
if (failed.length > 0) {
  console.error(`test:node-lts: the suite failed on Node ${failed.join(', ')}`);
  process.exit(1);
}
console.error(`test:node-lts: the suite passed on Node ${lines.join(' and ')}`);
