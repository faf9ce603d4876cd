import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { consoleAsset, consoleDir } from '../../src/node/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wxbot-console-'));
  await mkdir(join(dir, 'app', 'assets'), { recursive: true });
  await writeFile(join(dir, 'app', 'index.html'), '<!doctype html><title>console</title>');
  await writeFile(join(dir, 'app', 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'outside');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('consoleDir is the built app (the build ran: prepare/build make it)', async () => {
  expect(consoleDir()).toMatch(/packages[\\/]console[\\/]dist[\\/]app$/);
  const index = await consoleAsset('/');
  expect(index?.type).toBe('text/html; charset=utf-8');
  expect(index?.body.toString()).toContain('<div id="app">');
});

test('files are found with their type and cache policy; app routes fall back to index.html', async () => {
  const app = join(dir, 'app');
  const js = await consoleAsset('/assets/index-abc.js?v=1', app);
  expect(js?.type).toBe('text/javascript; charset=utf-8');
  expect(js?.cacheControl).toContain('immutable');
  const page = await consoleAsset('/chats', app);
  expect(page?.body.toString()).toContain('<title>console</title>');
  expect(page?.cacheControl).toBe('no-cache');
  expect(await consoleAsset('/assets/missing.js', app)).toBeUndefined();
});

test('no path leaves the console directory', async () => {
  const app = join(dir, 'app');
  for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/../../secret.txt', '/%00', '/%E0%A4%A'])
    expect(await consoleAsset(path, app)).toBeUndefined();
});
