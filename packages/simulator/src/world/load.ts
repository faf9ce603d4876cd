import { readFile } from 'node:fs/promises';

import type { WorldSpec } from './types.js';
import { validateWorldSpec, WorldSpecError } from './validate.js';

/** Reads a world spec from a JSON file; errors name the file and the offending path. */
export async function loadWorldFile(path: string): Promise<WorldSpec> {
  const text = await readFile(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
  try {
    validateWorldSpec(parsed);
  } catch (err) {
    if (err instanceof WorldSpecError) throw new Error(`${path}: ${err.message}`);
    throw err;
  }
  return parsed;
}
