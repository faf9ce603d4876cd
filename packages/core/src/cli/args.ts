import { closest } from '../plugin/suggest.js';

/** Parsed command line: positional words and `--flag [value]` options. */
export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Map<string, string | true>;
}

/** Flags that take a value (`--config path` or `--config=path`). */
const VALUE_FLAGS = new Set(['config', 'dir', 'log-level', 'data-dir', 'account', 'redis', 'capacity', 'id', 'root']);

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseArgs(argv: readonly string[], allowed: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') {
      flags.set('help', true);
      continue;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (!allowed.includes(name) && name !== 'help') {
      const guess = closest(name, [...allowed, 'help', 'verbose']);
      const hint =
        guess !== undefined
          ? ` (did you mean --${guess}?)`
          : allowed.length > 0
            ? ` (options: ${allowed.map((a) => `--${a}`).join(', ')})`
            : '';
      throw new UsageError(`unknown option --${name}${hint}`);
    }
    if (VALUE_FLAGS.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
    } else {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
    }
  }
  return { positionals, flags };
}
