/**
 * The bench measures what ships: core, the simulator and the server from their bundles (decision 0034). A
 * bundle made from an older tsc build would measure old code while the sources say otherwise; the bins
 * refuse one, and so does this, with the repository's own check (scripts/bundle.mjs).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The checkout whose core this bench imports (also from a build of the bench under bench/dist/<name>/). */
const checkout = fileURLToPath(new URL('../..', import.meta.resolve('@wxbot/core/package.json')));

/** One line per bundle that is missing or older than its tsc build; empty when all are current. */
export async function staleBundles(repo = checkout): Promise<string[]> {
  const script = join(repo, 'scripts', 'bundle.mjs');
  if (!existsSync(script)) return [`${script} is missing: not a wxbot checkout`];
  const check = (await import(pathToFileURL(script).href)) as { staleBundles(root: string): string[] };
  return check.staleBundles(repo);
}
