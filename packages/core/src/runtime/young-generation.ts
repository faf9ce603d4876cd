import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags that size the young generation. When the user passed any of them
 * (command line or NODE_OPTIONS), their choice wins and we change nothing.
 */
const SIZING_FLAG =
  /--(?:max|min)[-_]semi[-_]space[-_]size\b|--semi[-_]space[-_]growth[-_]factor\b|--max[-_]heap[-_]size\b/;

/** What `capYoungGeneration` hands to V8. */
export const YOUNG_GENERATION_FLAG = '--semi-space-growth-factor=1';

export interface CapYoungGenerationOptions {
  /** Defaults to `process.execArgv`. */
  readonly execArgv?: readonly string[];
  /** Defaults to `process.env.NODE_OPTIONS`. */
  readonly nodeOptions?: string | undefined;
  /** Defaults to `v8.setFlagsFromString`; tests pass a recorder. */
  readonly setFlags?: (flags: string) => void;
}

/**
 * Keeps V8's young generation at its starting size (two 1 MB semi-spaces on
 * 64-bit) for the rest of the process, instead of letting it grow to 2 × 16 MB.
 *
 * Why: a bot allocates little per message, but parsing a big account's login
 * answers (thousands of contacts, 100k room members) makes V8 grow the young
 * generation, and it keeps those pages until the memory reducer runs much
 * later. For the large world of the benchmarks this is ~30 MB of RSS right
 * after login, for ~7% more CPU during login (measured: bench README).
 *
 * How: `--max-semi-space-size` is read only when the isolate is created, but
 * the growth factor is read each time the young generation would grow, so
 * setting it to 1 at run time stops growth from here on. Call it before
 * loading anything big. The `wxbot` CLI calls it first thing; a program that
 * embeds `Bot` decides for its own process (or starts node with
 * `--max-semi-space-size=1`, which is the supported form of the same thing).
 *
 * Returns false, changing nothing, when the process was given its own
 * young-generation flags (e.g. `NODE_OPTIONS=--max-semi-space-size=16` to get
 * V8's default back).
 */
export function capYoungGeneration(options: CapYoungGenerationOptions = {}): boolean {
  const execArgv = options.execArgv ?? process.execArgv;
  const nodeOptions = options.nodeOptions ?? process.env['NODE_OPTIONS'] ?? '';
  if (execArgv.some((a) => SIZING_FLAG.test(a)) || SIZING_FLAG.test(nodeOptions)) return false;
  (options.setFlags ?? setFlagsFromString)(YOUNG_GENERATION_FLAG);
  // Only a cap on this process's own V8 may be released later (a recorder in a test caps nothing).
  if (options.setFlags === undefined) cappedHere = true;
  return true;
}

/** What `releaseYoungGeneration` hands to V8: its default growth factor. */
export const YOUNG_GENERATION_RELEASE_FLAG = '--semi-space-growth-factor=2';

/**
 * From how many accounts in one process the cap costs more than it saves. Measured with 1,000 small
 * accounts (bench README, issue 17): capped, the bot spent 43–45 % of its CPU in ~2,800 young-generation
 * pauses of ~11 ms each (each scavenge walks a 1.2 GB old generation's remembered set); V8's default
 * young generation brought GC to 5 % for 50–190 MB more RSS. The cap's gain (~30 MB after a big
 * login) is for one account; a handful of accounts keeps it.
 */
export const MANY_ACCOUNTS = 8;

let cappedHere = false;

export interface ReleaseYoungGenerationOptions {
  /** Whether `capYoungGeneration` capped this process; defaults to what it recorded. */
  readonly capped?: boolean;
  /** Defaults to `v8.setFlagsFromString`; tests pass a recorder. */
  readonly setFlags?: (flags: string) => void;
}

/**
 * Lets the young generation grow again as V8 would by default, undoing `capYoungGeneration`. For a
 * process that turns out to run many accounts ({@link MANY_ACCOUNTS}): the growth factor is read each
 * time the young generation would grow, so this takes effect from the next growth. Returns false,
 * changing nothing, when this process was not capped (the user's own flags, or an embedding program).
 */
export function releaseYoungGeneration(options: ReleaseYoungGenerationOptions = {}): boolean {
  if (!(options.capped ?? cappedHere)) return false;
  (options.setFlags ?? setFlagsFromString)(YOUNG_GENERATION_RELEASE_FLAG);
  if (options.setFlags === undefined) cappedHere = false;
  return true;
}
