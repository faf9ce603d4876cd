import { weakStableIdProblem } from '../contact/stable-id.js';
import { closest } from '../plugin/suggest.js';
import type { ConfigIssue } from './errors.js';
import { formatPath } from './errors.js';
import { TRANSPORTS } from './transport.js';

// A small checker rather than zod: the config shape is fixed and shallow, and zod made up a
// fifth of the heap of `import '@wxbot/core'` (plugins bring their own validator for options).

type Path = readonly PropertyKey[];
type Report = (path: Path, message: string) => void;
/** Checks a present (not undefined) value. */
type Check = (value: unknown, path: Path, report: Report) => void;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value;
}

const expected = (what: string, value: unknown) => `expected ${what}, got ${describe(value)}`;

/** An object with exactly these optional keys (any keys when `open`); unknown keys are reported with the closest known one. */
function object(shape: Record<string, Check>, open = false): Check {
  return (value, path, report) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      report(path, expected('object', value));
      return;
    }
    const record = value as Record<string, unknown>;
    for (const [key, inner] of Object.entries(shape)) {
      const v = record[key];
      if (v !== undefined) inner(v, [...path, key], report);
    }
    if (open) return;
    const known = Object.keys(shape);
    for (const key of Object.keys(record)) {
      if (Object.hasOwn(shape, key)) continue;
      const suggestion = closest(key, known);
      report([...path, key], `unknown option${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`);
    }
  };
}

/** Like `object`, but every key must be present. */
function required(shape: Record<string, Check>): Check {
  const inner = object(shape);
  return (value, path, report) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const key of Object.keys(shape))
        if ((value as Record<string, unknown>)[key] === undefined) report([...path, key], 'required');
    }
    inner(value, path, report);
  };
}

function string(pattern?: RegExp, hint?: string): Check {
  return (value, path, report) => {
    if (typeof value !== 'string') report(path, expected('string', value));
    else if (pattern !== undefined && !pattern.test(value)) report(path, hint ?? `does not match ${String(pattern)}`);
  };
}

const nonEmptyString: Check = (value, path, report) => {
  if (typeof value !== 'string') report(path, expected('string', value));
  else if (value.length === 0) report(path, 'expected a non-empty string');
};

const boolean: Check = (value, path, report) => {
  if (typeof value !== 'boolean') report(path, expected('boolean', value));
};

function number(o: { integer?: boolean; min: 0 | 'positive' }): Check {
  return (value, path, report) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) report(path, expected('finite number', value));
    else if (o.integer === true && !Number.isInteger(value)) report(path, `expected an integer, got ${value}`);
    else if (o.min === 'positive' ? value <= 0 : value < 0)
      report(path, `expected a number ${o.min === 'positive' ? '> 0' : '>= 0'}, got ${value}`);
  };
}

function oneOf(values: readonly string[]): Check {
  const shown = values.map((v) => JSON.stringify(v)).join('|');
  return (value, path, report) => {
    if (typeof value !== 'string' || !values.includes(value))
      report(
        path,
        `expected one of ${shown}, got ${typeof value === 'string' ? JSON.stringify(value) : describe(value)}`,
      );
  };
}

function withMethods(methods: readonly string[], what: string): Check {
  return (value, path, report) => {
    const ok =
      typeof value === 'object' &&
      value !== null &&
      methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');
    if (!ok) report(path, `expected ${what}`);
  };
}

const array: Check = (value, path, report) => {
  if (!Array.isArray(value)) report(path, expected('array', value));
};

const origin = string(/^https?:\/\/[^/\s]+$/, 'expected an origin like https://wx2.qq.com (no path)');
const bucket = required({ burst: number({ integer: true, min: 'positive' }), perSecond: number({ min: 'positive' }) });
const positiveMs = number({ integer: true, min: 'positive' });
const baseUrl = string(/^https?:\/\/[^/\s]+(\/\S*)?$/, 'expected a URL like https://ilinkai.weixin.qq.com');
const desktopObject = object({ clientVersion: string(), extspam: string(), userAgent: string() });

/** An owner: a strong stable id or a remark name, never a weak (name-based) id a namesake shares. */
const ownerEntry: Check = (value, path, report) => {
  nonEmptyString(value, path, report);
  const problem = typeof value === 'string' ? weakStableIdProblem(value) : undefined;
  if (problem !== undefined) report(path, problem);
};
const ownerCommandsObject = object({
  owners: arrayOf(ownerEntry),
  prefixes: arrayOf(nonEmptyString),
  command: string(/^[\p{L}\p{N}_-]+$/u, 'a command name is letters, digits, _ or -'),
});

/** What `account` and each entry of `accounts` take. */
const accountShape: Record<string, Check> = {
  name: string(/^[\w.-]+$/, 'use letters, digits, ".", "_" or "-" (it names files)'),
  dataDir: nonEmptyString,
  loginMode: oneOf(['auto', 'qr', 'push', 'hot']),
  desktop: (value, path, report) => {
    if (typeof value !== 'boolean') desktopObject(value, path, report);
  },
  hosts: object({ login: origin, main: origin, file: origin, push: origin }),
  sessionStore: withMethods(['get', 'set', 'delete'], 'a SessionStore ({ get, set, delete })'),
  qr: object({
    terminal: boolean,
    pngPath: (value, path, report) => {
      if (value !== false && typeof value !== 'string') report(path, expected('string or false', value));
    },
    maxRefreshes: number({ integer: true, min: 0 }),
  }),
  historyCutoffSeconds: (value, path, report) => {
    if (typeof value === 'number') number({ integer: true, min: 0 })(value, path, report);
    else if (value !== false) report(path, expected('seconds (an integer >= 0) or false', value));
  },
  proxy: (value, path, report) => {
    if (value === false) return;
    if (typeof value !== 'string') report(path, expected('a proxy URL or false', value));
    else if (!/^https?:\/\/[^/\s]+\/?$/.test(value))
      report(path, 'expected a proxy URL like http://proxy.example:3128 (http:// or https://, no path)');
  },
  transport: oneOf(TRANSPORTS),
  ownerCommands: (value, path, report) => {
    if (value !== false) ownerCommandsObject(value, path, report);
  },
  ilink: object({
    apiBaseUrl: baseUrl,
    cdnBaseUrl: baseUrl,
    replyWindowMs: (value, path, report) => {
      if (value !== null) positiveMs(value, path, report);
    },
  }),
};

const restartObject: Check = (value, path, report) => {
  object({
    initialDelayMs: positiveMs,
    maxDelayMs: positiveMs,
    maxAttempts: number({ integer: true, min: 'positive' }),
    stableMs: positiveMs,
  })(value, path, report);
  const r = value as { initialDelayMs?: unknown; maxDelayMs?: unknown } | null;
  if (typeof r?.initialDelayMs === 'number' && typeof r.maxDelayMs === 'number' && r.initialDelayMs > r.maxDelayMs)
    report([...path, 'maxDelayMs'], `expected at least initialDelayMs (${r.initialDelayMs}), got ${r.maxDelayMs}`);
};

/** Keys an account entry may set over the top-level ones of the same name. */
const perAccountShape: Record<string, Check> = {
  rateLimits: object({ text: bucket, media: bucket, friend: bucket, room: bucket, misc: bucket }),
  sends: object({ maxAgeMs: positiveMs, reconcileMs: positiveMs }),
  runtime: object({
    handlerTimeoutMs: positiveMs,
    setupTimeoutMs: positiveMs,
    maxFailures: number({ integer: true, min: 'positive' }),
    failureWindowMs: positiveMs,
  }),
  storage: withMethods(['namespace'], 'a StorageDriver ({ namespace(name) })'),
  restart: (value, path, report) => {
    if (value === false) return;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      report(path, `${expected('an object or false', value)} (restarts are on by default; false turns them off)`);
    else restartObject(value, path, report);
  },
};

const accountEntryObject = object({
  ...accountShape,
  // The same shapes as the top-level keys of these names (configSchema below).
  ...perAccountShape,
  plugins: array,
  pluginOverrides: object({}, true),
});

/** One entry of `accounts`: the account options plus its own limits, plugins and overrides; `name` required. */
function accountEntry(value: unknown, path: Path, report: Report): void {
  const record = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  if (record !== undefined && (record as Record<string, unknown>)['name'] === undefined)
    report([...path, 'name'], 'required (each account needs a unique name)');
  accountEntryObject(value, path, report);
}

/** An array whose every item passes `item`. */
function arrayOf(item: Check): Check {
  return (value, path, report) => {
    if (!Array.isArray(value)) report(path, expected('array', value));
    else for (const [i, v] of value.entries()) item(v, [...path, i], report);
  };
}

const WEBHOOK_KINDS = ['message', 'login', 'logout', 'recovered', 'plugin-failure'];
const webhookKind: Check = (value, path, report) => {
  if (typeof value === 'string' && (WEBHOOK_KINDS.includes(value) || /^message:[a-z-]+$/.test(value))) return;
  report(path, `expected one of ${WEBHOOK_KINDS.map((k) => JSON.stringify(k)).join('|')} or "message:<kind>"`);
};
/** An object of `shape` in which `keys` must be present. */
function withRequired(keys: readonly string[], shape: Record<string, Check>): Check {
  const inner = object(shape);
  return (value, path, report) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const key of keys)
        if ((value as Record<string, unknown>)[key] === undefined) report([...path, key], 'required');
    }
    inner(value, path, report);
  };
}

const webhook = withRequired(['url', 'secret'], {
  url: string(/^https?:\/\/\S+$/, 'expected an http:// or https:// URL'),
  secret: string(/^.{16,}$/s, 'expected a secret of at least 16 characters (e.g. `openssl rand -hex 32`)'),
  kinds: arrayOf(webhookKind),
  chats: arrayOf(nonEmptyString),
  timeoutMs: positiveMs,
});

/** The shape of everything but plugin entries (those are checked against each plugin's own schema). */
const configSchema = object({
  account: object(accountShape),
  accounts: (value, path, report) => {
    if (!Array.isArray(value)) report(path, expected('array', value));
    else
      value.forEach((entry: unknown, i) => {
        accountEntry(entry, [...path, i], report);
      });
  },
  logging: object({
    level: oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
    pretty: boolean,
  }),
  ...perAccountShape,
  api: object({
    enabled: boolean,
    host: nonEmptyString,
    port: number({ integer: true, min: 0 }),
    token: string(/^[\x21-\x7e]{16,}$/, 'expected a token of at least 16 printable characters, no spaces'),
    allowedOrigins: arrayOf(origin),
    allowedHosts: arrayOf(nonEmptyString),
    allowRemote: boolean,
    recentPerChat: number({ integer: true, min: 'positive' }),
  }),
  webhooks: arrayOf(webhook),
  plugins: array,
});

/** Checks everything but plugin entries; returns every problem (empty when fine). */
export function checkConfigShape(config: unknown): ConfigIssue[] {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    return [
      {
        path: '',
        message: `expected the config to be an object, got ${Array.isArray(config) ? 'an array' : typeof config}`,
      },
    ];
  }
  const issues: ConfigIssue[] = [];
  configSchema(config, [], (path, message) => issues.push({ path: formatPath(path), message }));
  const { restart, accounts } = config as { restart?: unknown; accounts?: unknown };
  if (restart !== undefined && accounts === undefined)
    issues.push({
      path: 'restart',
      message:
        'restarts are for `accounts: [...]` (the supervisor restarts a failed account); with one `account`, let the process manager restart wxbot (e.g. systemd Restart=on-failure)',
    });
  return issues;
}
