/**
 * The bench measures what ships: `@wxbot/core` from its bundle (decision 0034). A bundle made from an older
 * tsc build would measure old code while the sources say otherwise; the bin refuses one, and so does this.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The core this bench imports (also from a build of the bench under bench/dist/<name>/, as its tests make).
const core = fileURLToPath(new URL('.', import.meta.resolve('@wxbot/core/package.json')));

/** Why core's bundle cannot be measured, or undefined when it is current. */
export function staleCoreBundle(dir = core): string | undefined {
  const info = `${dir}dist/.tsbuildinfo`;
  const stamp = `${dir}dist/bundle/.source`;
  if (!existsSync(info)) return `${info} is missing: run \`pnpm build\``;
  const now = createHash('sha1').update(readFileSync(info)).digest('hex');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== now)
    return `${dir}dist/bundle/ is older than core's tsc build: run \`pnpm build\` (or \`node packages/core/scripts/bundle.mjs\`)`;
  return undefined;
}
