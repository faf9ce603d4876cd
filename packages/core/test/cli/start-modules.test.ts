// What a plain `wxbot start --simulator` loads before its ready banner (cold start, issue 20): the built
// bin in a child process, with a module hook recording every module it loads. The control API's routes,
// fastify's set-up, OpenAPI and webhooks load once the bot is up, the simulator's iLink half never on a
// Web account, core's root entry never in a start. Runs the build (the bundles in dist/bundle/), as
// `pnpm build` (or the install's `prepare`) leaves it.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { waitUntil } from './helpers.js';

const bin = fileURLToPath(new URL('../../bin/wxbot.js', import.meta.url));
const built = fileURLToPath(new URL('../../dist/bundle/cli.js', import.meta.url));
const BANNER = 'running against the simulator';
const MARK = '-- banner --';

// The hook (its own thread) appends each module's URL as it loads; the main thread appends MARK when the
// banner is written. A module's load hook returns before the module runs, so every line above MARK was
// loaded before the banner.
const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.WXBOT_TEST_MODULES, url + '\\n');
  return next(url, context);
}`;
const PRELOAD = `
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});
const write = process.stderr.write.bind(process.stderr);
process.stderr.write = (chunk, ...rest) => {
  if (String(chunk).includes(${JSON.stringify(BANNER)})) appendFileSync(process.env.WXBOT_TEST_MODULES, ${JSON.stringify(MARK)} + '\\n');
  return write(chunk, ...rest);
};`;

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/**
 * What a loaded file holds: for a bundle's file (core, the simulator and the server run from theirs,
 * decision 0034), the modules its source map names (`…/server/src/routes/x.ts`); else the file itself.
 */
function sourcesOf(url: string): string[] {
  if (!/\/dist\/bundle\/[^/]+\.js$/.test(url)) return [url];
  const map = JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, 'utf8')) as { sources: string[] };
  return map.sources.map((source) => new URL(source, url).href);
}

function modules(file: string): { before: string[]; after: string[] } {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  const at = lines.indexOf(MARK);
  return at === -1 ? { before: lines, after: [] } : { before: lines.slice(0, at), after: lines.slice(at + 1) };
}

test("start --simulator loads neither the API routes, the iLink simulator nor core's root barrel before its banner", async () => {
  expect(existsSync(built)).toBe(true); // `pnpm build` first
  dir = await mkdtemp(join(tmpdir(), 'wxbot-start-modules-'));
  await writeFile(join(dir, 'bot.config.json'), '{"plugins":[]}\n');
  const file = join(dir, 'modules.txt');
  const child = spawn(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(PRELOAD)}`, bin, 'start', '--simulator'],
    { cwd: dir, env: { ...process.env, NO_COLOR: '1', WXBOT_TEST_MODULES: file }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    await waitUntil(() => output.includes(BANNER), `the banner (output so far: ${output.slice(-300)})`, 20_000);
    // The app is built once the bot is up: seeing its routes load shows the hook records what loads.
    await waitUntil(() => {
      const { before, after } = modules(file);
      return [...before, ...after].flatMap(sourcesOf).some((u) => u.includes('/server/src/routes/'));
    }, 'the routes to load');
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  const { before } = modules(file);
  const early = before
    .flatMap(sourcesOf)
    .filter((u) =>
      /\/server\/src\/(routes\/|webhooks\/|server\.ts|openapi\.ts|schemas\.ts)|\/simulator\/src\/ilink\//.test(u),
    );
  expect(early).toEqual([]);
  // Core's root entry (and with it the chunks only it needs: config, bot, plugin, …): the server's account hub
  // takes the transport seam from `@wxbot/core/transport`, the CLI's entry holds what a start runs.
  const barrels = before.filter((u) => /\/core\/dist\/bundle\/index\.js$/.test(u));
  expect(barrels).toEqual([]);
  expect(before.flatMap(sourcesOf).filter((u) => /\/core\/src\/(index|bot\/index|config\/index)\.ts$/.test(u))).toEqual(
    [],
  );
  // Core, the simulator and the server run from their bundles: none of tsc's per-file output loads.
  const { after } = modules(file);
  expect([...before, ...after].filter((u) => /\/(core|simulator|server)\/dist\/(?!bundle\/)/.test(u))).toEqual([]);
  // It did load the simulator and the control plane's own entry: the test watched the right process.
  expect(before.some((u) => u.includes('/simulator/dist/bundle/web.js'))).toBe(true);
  expect(before.some((u) => u.includes('/server/dist/bundle/control-plane.js'))).toBe(true);
}, 40_000);
