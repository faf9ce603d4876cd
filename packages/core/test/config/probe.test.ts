import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { CONFIG_FILES, loadConfigFile } from '../../src/config/load.js';
import { mayHaveConfig, plainJsonConfig } from '../../src/config/probe.js';

let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});

/** A temp tree (nothing above it in the temp dir holds a config or a package.json). */
async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wxbot-probe-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return dir;
}

describe('mayHaveConfig (the check that spares a config-less start from loading cosmiconfig)', () => {
  test('nothing to find: an empty directory, or a project whose package.json has no "wxbot" key', async () => {
    expect(mayHaveConfig(await tree({}), CONFIG_FILES)).toBe(false);
    expect(mayHaveConfig(await tree({ 'package.json': '{"name":"bot"}' }), CONFIG_FILES)).toBe(false);
  });

  test('finds each config file name, in the directory or a parent below the project root', async () => {
    for (const name of CONFIG_FILES.filter((n) => n !== 'package.json')) {
      expect(mayHaveConfig(await tree({ [name]: '{}' }), CONFIG_FILES)).toBe(true);
      const dir = await tree({ [name]: '{}', 'sub/deeper/.keep': '' });
      expect(mayHaveConfig(join(dir, 'sub', 'deeper'), CONFIG_FILES)).toBe(true);
    }
  });

  test('stops at the project root, as the "project" search does', async () => {
    const dir = await tree({ 'bot.config.mjs': 'export default {}', 'app/package.json': '{"name":"app"}' });
    expect(mayHaveConfig(join(dir, 'app'), CONFIG_FILES)).toBe(false);
    const yaml = await tree({ 'bot.config.mjs': 'export default {}', 'app/package.yaml': 'name: app' });
    expect(mayHaveConfig(join(yaml, 'app'), CONFIG_FILES)).toBe(false);
  });

  test('a "wxbot" key in package.json, or a package.json it cannot read as an object, leaves it to cosmiconfig', async () => {
    expect(mayHaveConfig(await tree({ 'package.json': '{"wxbot":{}}' }), CONFIG_FILES)).toBe(true);
    expect(mayHaveConfig(await tree({ 'package.json': '{ not json' }), CONFIG_FILES)).toBe(true);
    expect(mayHaveConfig(await tree({ 'package.json': '[]' }), CONFIG_FILES)).toBe(false);
    expect(mayHaveConfig(await tree({ 'package.json': '"text"' }), CONFIG_FILES)).toBe(true);
  });
});

describe('loadConfigFile with and without a config to find', () => {
  test('no config anywhere: defaults from cwd', async () => {
    const dir = await tree({ 'package.json': '{"name":"bot"}' });
    expect(await loadConfigFile({ cwd: dir })).toEqual({ config: {}, file: undefined, dir });
  });

  test('a config in a parent directory is still found and loaded', async () => {
    const dir = await tree({
      'bot.config.json': JSON.stringify({ account: { name: 'parent' } }),
      'sub/.keep': '',
    });
    const loaded = await loadConfigFile({ cwd: join(dir, 'sub') });
    expect(loaded).toEqual({ config: { account: { name: 'parent' } }, file: join(dir, 'bot.config.json'), dir });
  });

  test('an explicit file that does not exist is an error, whatever the probe says', async () => {
    const dir = await tree({});
    await expect(loadConfigFile({ cwd: dir, file: 'missing.config.json' })).rejects.toThrow(/config file not found/);
  });
});

describe('plainJsonConfig (a JSON config read without cosmiconfig)', () => {
  test('the JSON file the search settles on, in the directory or a parent', async () => {
    const dir = await tree({ 'wxbot.config.json': '{"plugins":[]}', 'sub/.keep': '' });
    expect(plainJsonConfig(join(dir, 'sub'), CONFIG_FILES)).toEqual({
      file: join(dir, 'wxbot.config.json'),
      config: { plugins: [] },
    });
  });

  test('another kind of config found first leaves it to cosmiconfig', async () => {
    expect(
      plainJsonConfig(await tree({ 'bot.config.mjs': 'export default {}', 'bot.config.json': '{}' }), CONFIG_FILES),
    ).toBe(undefined);
    // Nearer directory first: a .ts config below a parent's JSON one wins.
    const dir = await tree({ 'bot.config.json': '{}', 'sub/bot.config.ts': 'export default {}' });
    expect(plainJsonConfig(join(dir, 'sub'), CONFIG_FILES)).toBe(undefined);
    const pkg = await tree({ 'package.json': '{"wxbot":{}}', 'sub/.keep': '' });
    expect(plainJsonConfig(join(pkg, 'sub'), CONFIG_FILES)).toBe(undefined);
  });

  test('empty, malformed or non-object JSON is left to cosmiconfig (its errors, its skipping of empty files)', async () => {
    for (const text of ['', '  \n', '{ "plugins": [ ', '[]', 'null', '"text"', '3']) {
      expect(plainJsonConfig(await tree({ 'bot.config.json': text }), CONFIG_FILES)).toBe(undefined);
    }
  });

  test('loadConfigFile gives what cosmiconfig gave: the config, or its error for malformed JSON', async () => {
    const dir = await tree({ 'bot.config.json': '{"account":{"name":"json"}}' });
    expect(await loadConfigFile({ cwd: dir })).toEqual({
      config: { account: { name: 'json' } },
      file: join(dir, 'bot.config.json'),
      dir,
    });
    const bad = await tree({ 'bot.config.json': '{ "plugins": [ ' });
    await expect(loadConfigFile({ cwd: bad })).rejects.toThrow(/JSON Error in .*bot\.config\.json/);
    // An empty JSON file is skipped by the search, as before: a config further up is found.
    const empty = await tree({ 'bot.config.json': '{"account":{"name":"up"}}', 'sub/bot.config.json': '' });
    expect((await loadConfigFile({ cwd: join(empty, 'sub') })).config).toEqual({ account: { name: 'up' } });
  });
});
