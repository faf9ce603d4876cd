import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';

import { projectFiles, projectName, type ProjectVersions } from './init-files.js';
import type { CliIo } from './io.js';
import { detectPackageManager, runCommand, runScript, type CommandRunner } from './package-manager.js';
import { shownPath, writeNew } from './scaffold.js';

export interface InitOptions {
  /** Run the package manager's install after writing the files (`--no-install` turns it off). */
  readonly install: boolean;
  /** npm_config_user_agent: picks npm, pnpm or yarn. */
  readonly userAgent?: string | undefined;
  /** Runs the install; tests pass a fake. */
  readonly run?: CommandRunner;
}

function versions(): ProjectVersions {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
    peerDependencies?: Record<string, string>;
  };
  const own = `^${pkg.version}`;
  // Published, the peer range is concrete; in the workspace it reads "workspace:^".
  const peer = pkg.peerDependencies?.['@wxbot/simulator'];
  return { core: own, simulator: peer === undefined || peer.startsWith('workspace:') ? own : peer };
}

/** `wxbot init`: writes a project that installs, runs against the simulator and tests, then installs it. */
export async function runInit(io: CliIo, dir: string | undefined, options: InitOptions): Promise<number> {
  const target = resolve(io.cwd, dir ?? '.');
  const files = projectFiles(projectName(basename(target)), versions());
  try {
    await writeNew(target, files);
  } catch (error) {
    io.stderr.write(`wxbot init: ${(error as Error).message}\n`);
    return 1;
  }
  io.stdout.write(
    `Created a wxbot project in ${target}:\n${Object.keys(files)
      .map((f) => `  ${f}\n`)
      .join('')}`,
  );

  const pm = detectPackageManager(options.userAgent);
  let installed = false;
  if (options.install) {
    io.stdout.write(`Installing dependencies with ${pm}...\n`);
    const code = await (options.run ?? runCommand)(pm, ['install'], target, io);
    if (code !== 0) {
      io.stderr.write(
        `wxbot init: \`${pm} install\` failed (exit code ${code}); fix the cause above and run it again.\n`,
      );
    }
    installed = code === 0;
  }

  const where = shownPath(target, io.cwd);
  const steps = [
    ...(where === '.' ? [] : [`  cd ${/\s/.test(where) ? JSON.stringify(where) : where}`]),
    ...(installed ? [] : [`  ${pm} install`]),
    `  ${runScript(pm, 'dev').padEnd(14)} run the bot against a simulated WeChat (no account needed)`,
    `  ${runScript(pm, 'test').padEnd(14)} run the plugin tests`,
    `  ${runScript(pm, 'start').padEnd(14)} run it for real: log in by scanning the QR code with WeChat`,
  ];
  io.stdout.write(`\nNext:\n${steps.join('\n')}\n\nEdit plugins/hello.ts, or add plugins to bot.config.ts.\n`);
  return options.install && !installed ? 1 : 0;
}
