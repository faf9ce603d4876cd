import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { staleCoreBundle } from '../src/core-bundle.js';

describe('staleCoreBundle', () => {
  let dir = '';
  beforeEach(() => {
    dir = `${mkdtempSync(join(tmpdir(), 'bench-core-'))}/`;
    mkdirSync(join(dir, 'dist', 'bundle'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a bundle stamped with the current tsc build', () => {
    writeFileSync(join(dir, 'dist', '.tsbuildinfo'), 'build 2');
    writeFileSync(join(dir, 'dist', 'bundle', '.source'), `${createHash('sha1').update('build 2').digest('hex')}\n`);
    expect(staleCoreBundle(dir)).toBeUndefined();
  });

  it('refuses a bundle of an older build, or none, saying what to run', () => {
    writeFileSync(join(dir, 'dist', '.tsbuildinfo'), 'build 2');
    expect(staleCoreBundle(dir)).toMatch(/older than core's tsc build: run `pnpm build`/);
    writeFileSync(join(dir, 'dist', 'bundle', '.source'), `${createHash('sha1').update('build 1').digest('hex')}\n`);
    expect(staleCoreBundle(dir)).toMatch(/older than core's tsc build/);
    rmSync(join(dir, 'dist', '.tsbuildinfo'));
    expect(staleCoreBundle(dir)).toMatch(/tsbuildinfo is missing: run `pnpm build`/);
  });
});
