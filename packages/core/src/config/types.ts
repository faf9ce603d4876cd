import type { LoginMode, ActionClass, Bucket, DesktopOptions, QrOptions, SendOptions } from '../client/types.js';
import type { Plugin } from '../plugin/define.js';
import type { IsolationOptions } from '../plugin/host.js';
import type { OwnerCommandsOptions } from '../plugin/owner-commands.js';
import type { PluginEntrySettings } from '../plugin/permissions.js';
import type { Hosts, SessionStore } from '../session/types.js';
import type { StorageDriver } from '../storage/types.js';
import type { TransportKind } from './transport.js';

/**
 * Options of plugins known by package name. Plugin packages add themselves
 * by declaration merging, which makes their options type-checked and
 * autocompleted in `bot.config.ts`:
 *
 * ```ts
 * declare module '@wxbot/core' {
 *   interface PluginRegistry {
 *     '@wxbot/plugin-autoreply': AutoreplyOptions;
 *   }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface PluginRegistry {}

// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- `string` matters while the registry is empty
export type RegisteredName = keyof PluginRegistry & string;
export type Shorthand<N extends string> = N extends `@wxbot/plugin-${infer S}`
  ? S
  : N extends `wxbot-plugin-${infer S}`
    ? S
    : never;
/** Registered names and their shorthands (`'autoreply'` for `'@wxbot/plugin-autoreply'`). */
export type PluginNameOptions = { [N in RegisteredName as N | Shorthand<N>]: PluginRegistry[N] };
/** Plugin names with type-checked options. */
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- as above
export type KnownPluginName = keyof PluginNameOptions & string;

/** Entries that are skipped, so `cond && plugin` works in the list. */
export type FalsyEntry = false | null | undefined | 0 | '';

/**
 * One item of `plugins`: a plugin value, a package name (or shorthand), a
 * local path (`./plugins/x.ts`), or `[entry, options]`. Falsy entries are skipped.
 */
export type PluginEntry =
  | FalsyEntry // eslint-disable-line @typescript-eslint/no-redundant-type-constituents -- '' is listed for readers: it is skipped
  | Plugin<any, any> // eslint-disable-line @typescript-eslint/no-explicit-any -- any plugin, whatever its options
  | string
  | readonly [Plugin<any, any>, unknown] // eslint-disable-line @typescript-eslint/no-explicit-any
  | readonly [string, unknown]
  // The third element narrows the plugin's permissions (see PermissionNarrowing).
  | readonly [Plugin<any, any>, unknown, PluginEntrySettings] // eslint-disable-line @typescript-eslint/no-explicit-any
  | readonly [string, unknown, PluginEntrySettings];

export type OptionsOfName<N> = N extends KnownPluginName ? PluginNameOptions[N] : unknown;

/**
 * Checks one entry against what its plugin expects: `[plugin, options]` and
 * `[registeredName, options]` get their options type-checked; bare entries
 * are refused when the plugin needs options.
 */
export type CheckPluginEntry<E> = E extends FalsyEntry
  ? E
  : E extends Plugin<infer I, unknown>
    ? undefined extends I
      ? E
      : readonly [E, I]
    : E extends readonly [Plugin<infer I, unknown>, unknown]
      ? readonly [E[0], I]
      : E extends readonly [Plugin<infer I, unknown>, unknown, PluginEntrySettings]
        ? readonly [E[0], I, PluginEntrySettings]
        : E extends readonly [infer N extends string, unknown]
          ? readonly [N | KnownPluginName, OptionsOfName<N>]
          : E extends readonly [infer N extends string, unknown, PluginEntrySettings]
            ? readonly [N | KnownPluginName, OptionsOfName<N>, PluginEntrySettings]
            : E extends string
              ? E extends KnownPluginName
                ? undefined extends PluginNameOptions[E]
                  ? E
                  : readonly [E, PluginNameOptions[E]]
                : E | KnownPluginName
              : PluginEntry;

/** The account this bot runs. */
export interface AccountConfig {
  /** Account name (session key, log field). Default 'default'. */
  name?: string;
  /**
   * Where the session, journals, plugin storage and QR code live; relative to the config file. Default `.wxbot`.
   * Not a place for downloads: `download` refuses it (it holds the session).
   */
  dataDir?: string;
  /** Login strategy. Default 'auto' (saved session → phone confirm → QR). */
  loginMode?: LoginMode;
  /** UOS desktop mode (default on); `false` uses the plain web login. */
  desktop?: boolean | DesktopOptions;
  /** Full origins overriding the hosts derived at login (proxies, the simulator). */
  hosts?: Partial<Hosts>;
  /** Where the session is persisted; default JSON files under `dataDir`. */
  sessionStore?: SessionStore;
  /** QR presentation. */
  qr?: QrOptions;
  /**
   * After a fresh QR login (no saved session), the server hands over messages that arrived while the
   * account was offline. Those created more than this many seconds before the login are not handed to
   * plugins (they are marked handled, so they never come back). Default 60; `false` hands all history
   * to plugins. Logins that resume a saved session miss nothing and skip nothing.
   */
  historyCutoffSeconds?: number | false;
  /**
   * HTTP(S) proxy for every request (API calls, long polls, uploads, downloads):
   * a URL such as `http://proxy.example:3128` or `http://user:pass@proxy.example:3128`
   * (credentials are never logged), or `false` to ignore the environment.
   * Default: the `HTTPS_PROXY` / `HTTP_PROXY` environment variables (or their
   * lower-case forms), except for hosts listed in `NO_PROXY`, which also applies to an explicit URL.
   */
  proxy?: string | false;
  /**
   * How this account reaches WeChat: `'web'` (the Web WeChat protocol, the default) or `'ilink'` (WeChat's
   * official bot API: direct chats only, replies within a window after the user's last message; needs
   * `@wxbot/transport-ilink` installed). Plugins that `requires` what the transport lacks are refused at start.
   */
  transport?: TransportKind;
  /** Settings of the iLink transport (only read with `transport: 'ilink'`). */
  ilink?: IlinkAccountConfig;
  /**
   * Owner commands typed in a chat: `/plugin off <name>`, `/plugin on <name>`, `/plugin list` switch
   * plugins for that chat (persisted). The account itself may always run them; `owners` adds people by
   * strong stable id or a remark you set. Off unless set (`{}` enables them for the account only).
   */
  ownerCommands?: OwnerCommandsOptions | false;
}

/** `account.ilink`: where the official bot API lives and how long replies stay allowed. */
export interface IlinkAccountConfig {
  /** API base the QR login starts at. Default `https://ilinkai.weixin.qq.com`. */
  apiBaseUrl?: string;
  /** CDN base for media. Default `https://novac2c.cdn.weixin.qq.com/c2c`. */
  cdnBaseUrl?: string;
  /** How long after a user's last message the bot may answer (ms); `null`: no limit. Default a day. */
  replyWindowMs?: number | null;
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export interface LoggingConfig {
  /** Default 'info' (or `WXBOT_LOG_LEVEL`). */
  level?: LogLevel;
  /** Human-readable lines instead of JSON. Default: when stdout is a terminal. */
  pretty?: boolean;
}

/** How plugins are run and isolated. */
export type PluginRuntimeConfig = IsolationOptions;

/**
 * Per-account changes to the shared top-level `plugins` list, by the name the
 * entry was written with (`'autoreply'`) or the plugin's own name: `false`
 * leaves that plugin out for this account, anything else replaces its options.
 */
export type PluginOverrides = { readonly [N in KnownPluginName]?: PluginNameOptions[N] | false } & {
  readonly [name: string]: unknown;
};

/** One account of a multi-account config (`accounts: [...]`): everything `account` takes, plus its own limits and plugins. */
export interface AccountEntryBase extends Omit<AccountConfig, 'name'> {
  /**
   * Unique name: the log field (`account`), the key of its documents in the session store (`<name>/session`,
   * so accounts may share one store) and its default data dir `.wxbot/<name>`.
   */
  name: string;
  /**
   * Default `.wxbot/<name>` (relative to the config file); no two accounts may share one, or nest one inside another.
   */
  dataDir?: string;
  /** Token buckets of this account, per action class over the top-level `rateLimits`. */
  rateLimits?: Partial<Record<ActionClass, Bucket>>;
  /** Refused and lost sends of this account (over the top-level `sends`). */
  sends?: SendOptions;
  /** Plugin isolation of this account (over the top-level `runtime`). */
  runtime?: PluginRuntimeConfig;
  /** Plugin storage of this account; default JSON files under its `dataDir`. */
  storage?: StorageDriver;
  /** Changes to the shared top-level `plugins` for this account; not together with its own `plugins`. */
  pluginOverrides?: PluginOverrides;
  /** Restarts of this account after a failure (over the top-level `restart`); `false`: never. */
  restart?: RestartConfig | false;
}

/**
 * How the supervisor brings back an account of `accounts` that failed (its loop crashed, the network was gone
 * too long, the server ended its session): a new bot, logged in from the stored session (no scan), after a
 * delay that doubles from `initialDelayMs` to `maxDelayMs` (jittered). A ban (1203), a login that needs a
 * scan nobody can make, or a setup error is never restarted. `restart: false` turns restarts off.
 */
export interface RestartConfig {
  /** Delay before the first restart, ms. Default 1 000. */
  initialDelayMs?: number;
  /** Longest delay between restarts, ms. Default 300 000 (5 minutes). */
  maxDelayMs?: number;
  /** Restarts in a row without a stable run before giving up for good. Default: no limit. */
  maxAttempts?: number;
  /** Running this long counts as stable: the next failure starts again at `initialDelayMs`. Default 600 000. */
  stableMs?: number;
}

/** An account entry; its own `plugins` replace the shared top-level list. */
export interface AccountEntry<P extends readonly PluginEntry[] = readonly PluginEntry[]> extends AccountEntryBase {
  /** This account's plugins in pipeline order, instead of the top-level list. */
  plugins?: P;
}

/** `AccountEntry` whose plugin entries are each checked (what `defineAccount` enforces). */
export interface CheckedAccountEntry<P extends readonly PluginEntry[]> extends AccountEntryBase {
  plugins?: { [I in keyof P]: CheckPluginEntry<P[I]> };
}

/** The control plane's HTTP API (served by `@wxbot/server` when it is installed). */
export interface ApiConfig {
  /** Serve the API. Default true when `@wxbot/server` is installed. */
  enabled?: boolean;
  /** Address to listen on. Default '127.0.0.1'; a non-loopback address needs `allowRemote: true`. */
  host?: string;
  /** Port; 0 picks a free one. Default 8720. */
  port?: number;
  /** Bearer token. Default: generated once into `<dataDir>/api-token` (mode 0600) and reused. */
  token?: string;
  /** Browser origins allowed to call the API besides its own (a console served elsewhere). */
  allowedOrigins?: string[];
  /** Host header names accepted besides the listen address, `localhost` and `127.0.0.1` (a reverse proxy's name). */
  allowedHosts?: string[];
  /** Required to listen on a non-loopback address (the API can send as the account). */
  allowRemote?: boolean;
  /** Messages kept per chat for `GET .../messages`. Default 100. */
  recentPerChat?: number;
}

/** What a webhook is sent: the `type` of the posted event (`message` also matches `message:<kind>`, e.g. `message:text`). */
export type WebhookKind = 'message' | 'login' | 'logout' | 'recovered' | 'plugin-failure' | `message:${string}`;

/** A URL incoming messages and events are POSTed to, signed with `secret` (HMAC-SHA256). */
export interface WebhookConfig {
  /** http(s) URL. */
  url: string;
  /** HMAC-SHA256 key of the `x-wxbot-signature` header; at least 16 characters. */
  secret: string;
  /** Only these kinds (default: all). */
  kinds?: WebhookKind[];
  /** Only these chats: stable ids (`wxid_...`, `...@chatroom`) or display names (default: all). */
  chats?: string[];
  /** Per-attempt timeout in ms. Default 10 000. */
  timeoutMs?: number;
}

/** Everything except the plugin list. */
export interface BotConfigBase {
  account?: AccountConfig;
  /**
   * Several accounts in one process (instead of `account`): each gets its own client, session, data dir,
   * storage, rate limits and log field, and the top-level `plugins`, `rateLimits`, `sends`, `runtime` are
   * shared defaults. One account failing (ban, logout, a failed login) never stops the others.
   */
  accounts?: readonly AccountEntry[];
  /** Restarts of failed accounts of `accounts` (each may override it); `false`: never. Default on. */
  restart?: RestartConfig | false;
  logging?: LoggingConfig;
  /** Outbound token buckets per action class (messages, media, friend, room, misc). */
  rateLimits?: Partial<Record<ActionClass, Bucket>>;
  /**
   * Sends the server refuses (1205) or whose answer was lost: `maxAgeMs` (default
   * 600 000) is how long a refused send is retried before the caller gets
   * `SendExpired`; `reconcileMs` (default 60 000) how long a lost answer is checked
   * against the server's echo before the caller gets `SendOutcomeUnknown`.
   */
  sends?: SendOptions;
  /** Plugin isolation: handler timeout, failure budget. */
  runtime?: PluginRuntimeConfig;
  /** Plugin storage; default JSON files under `<dataDir>/storage`. */
  storage?: StorageDriver;
  /** The control API (on by default, on loopback, when `@wxbot/server` is installed). */
  api?: ApiConfig;
  /** Where incoming messages and events are POSTed (needs `@wxbot/server`). */
  webhooks?: WebhookConfig[];
}

/** A bot configuration (`export default defineConfig({...})` in `bot.config.ts`). */
export interface BotConfig<P extends readonly PluginEntry[] = readonly PluginEntry[]> extends BotConfigBase {
  /** Plugins in pipeline order. */
  plugins?: P;
}

/** `BotConfig` whose plugin entries are each checked (what `defineConfig`'s object form enforces). */
export interface CheckedBotConfig<P extends readonly PluginEntry[]> extends BotConfigBase {
  plugins?: { [I in keyof P]: CheckPluginEntry<P[I]> };
}

/** What a config file may export: a config, a promise of one, or a (possibly async) function returning one. */
export type BotConfigExport = BotConfig | Promise<BotConfig> | (() => BotConfig | Promise<BotConfig>);
