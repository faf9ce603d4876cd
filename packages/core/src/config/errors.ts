/** One problem in a bot configuration. */
export interface ConfigIssue {
  /** Where: `plugins[1] (@wxbot/plugin-group-admin).admins[0]`, `account.dataDir`, or '' for the whole file. */
  readonly path: string;
  readonly message: string;
}

/** Formats a path like `admins[0].name` from segments. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number' || (typeof segment === 'string' && /^\d+$/.test(segment))) {
      out += `[${String(segment)}]`;
    } else if (typeof segment === 'string' && /^[A-Za-z_$][\w$]*$/.test(segment)) {
      out += out.length === 0 ? segment : `.${segment}`;
    } else {
      out += `[${JSON.stringify(String(segment))}]`;
    }
  }
  return out;
}

/** Joins a prefix and a sub-path (`plugins[1] (x)` + `admins[0]` → `plugins[1] (x).admins[0]`). */
export function joinPath(prefix: string, sub: string): string {
  if (sub.length === 0) return prefix;
  if (prefix.length === 0) return sub;
  return sub.startsWith('[') ? `${prefix}${sub}` : `${prefix}.${sub}`;
}

/** Every problem found in a configuration, reported together. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly issues: readonly ConfigIssue[],
    /** The config file, when known. */
    readonly file?: string,
    /** What the config's own code threw, when it threw (for --verbose). */
    cause?: unknown,
  ) {
    const where = file === undefined ? 'the bot configuration' : file;
    const lines = issues.map((i) => `  - ${i.path.length > 0 ? `${i.path}: ` : ''}${i.message}`);
    super(
      `${issues.length} problem${issues.length === 1 ? '' : 's'} in ${where}:\n${lines.join('\n')}`,
      cause === undefined ? undefined : { cause },
    );
  }
}
