import { spawn } from 'node:child_process';

import type { CliIo } from './io.js';

export type PackageManager = 'npm' | 'pnpm' | 'yarn';

/**
 * The package manager that started us: `npm create`, `pnpm create` and `yarn create` (and
 * `npx`/`pnpm exec`) set npm_config_user_agent to "<name>/<version> ...". Anything else: npm.
 */
export function detectPackageManager(userAgent: string | undefined): PackageManager {
  const name = userAgent?.split('/', 1)[0];
  return name === 'pnpm' || name === 'yarn' ? name : 'npm';
}

/** How to run a package.json script with this package manager (`npm run dev`, `pnpm dev`). */
export function runScript(pm: PackageManager, script: string): string {
  if (pm !== 'npm') return `${pm} ${script}`;
  return script === 'start' || script === 'test' ? `npm ${script}` : `npm run ${script}`;
}

/** Runs a command in `cwd`, its output going to the CLI's streams; resolves with its exit code. */
export type CommandRunner = (command: string, args: readonly string[], cwd: string, io: CliIo) => Promise<number>;

export const runCommand: CommandRunner = (command, args, cwd, io) =>
  new Promise((resolve) => {
    // Windows resolves npm/pnpm/yarn to .cmd shims only through a shell.
    const child = spawn(command, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
    });
    child.stdout.pipe(io.stdout, { end: false });
    child.stderr.pipe(io.stderr, { end: false });
    child.on('error', (error) => {
      io.stderr.write(`could not run ${command}: ${error.message}\n`);
      resolve(127);
    });
    child.on('close', (code) => {
      resolve(code ?? 1);
    });
  });
