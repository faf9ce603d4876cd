import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { staleBundles } from '../src/bundles.js';

const script = fileURLToPath(new URL('../../scripts/bundle.mjs', import.meta.url));
const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

describe('staleBundles', () => {
  let repo = '';
  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
    mkdirSync(join(repo, 'scripts'));
    copyFileSync(script, join(repo, 'scripts', 'bundle.mjs'));
    for (const name of ['core', 'simulator', 'server']) {
      mkdirSync(join(repo, 'packages', name, 'dist', 'bundle'), { recursive: true });
      writeFileSync(join(repo, 'packages', name, 'dist', '.tsbuildinfo'), `${name} 2`);
      writeFileSync(join(repo, 'packages', name, 'dist', 'bundle', '.source'), `${sha1(`${name} 2`)}\n`);
    }
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  it('accepts bundles stamped with their current tsc builds', async () => {
    expect(await staleBundles(repo)).toEqual([]);
  });

  it('names each bundle older than its build, or missing', async () => {
    writeFileSync(join(repo, 'packages', 'simulator', 'dist', '.tsbuildinfo'), 'simulator 3');
    rmSync(join(repo, 'packages', 'server', 'dist', 'bundle'), { recursive: true });
    expect(await staleBundles(repo)).toEqual([
      'packages/simulator/dist/bundle/ is older than its tsc build (dist/)',
      'packages/server/dist/bundle/ is missing',
    ]);
  });

  it('says so outside a checkout', async () => {
    rmSync(join(repo, 'scripts'), { recursive: true });
    expect(await staleBundles(repo)).toEqual([
      `${join(repo, 'scripts', 'bundle.mjs')} is missing: not a wxbot checkout`,
    ]);
  });
});
