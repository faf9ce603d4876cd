import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../../scripts/check-cycles.mjs', import.meta.url));

async function check(...dirs: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, [script, ...dirs]);
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, out: e.stderr };
  }
}

test('no source file of any package is part of an import cycle', async () => {
  const { code, out } = await check();
  expect(out).toBe('no import cycles\n');
  expect(code).toBe(0);
}, 60_000);

test('a cycle, even through a type-only import, fails the check and is named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cycles-'));
  try {
    writeFileSync(join(dir, 'a.ts'), "import type { B } from './b.js';\nexport type A = { b?: B };\n");
    writeFileSync(join(dir, 'b.ts'), "import type { A } from './a.js';\nexport type B = { a?: A };\n");
    const { code, out } = await check(dir);
    expect(code).toBe(1);
    expect(out).toMatch(/1 import cycle/);
    expect(out).toMatch(/a\.ts → .*b\.ts/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
