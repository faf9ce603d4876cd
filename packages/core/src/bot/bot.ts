import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';

import type { Contact } from '../contact/types.js';
import { isChatMessage } from '../message/kinds.js';
import type { Message, NormalizedEvent } from '../message/types.js';
import { ActionLog } from '../plugin/actions.js';
import { ChatSwitches, CHAT_SWITCHES_NAMESPACE } from '../plugin/chat-switches.js';
import { PluginHost, type IsolationOptions, type LoadedPlugin, type PluginStatus } from '../plugin/host.js';
import { ownerCommandsPlugin, type OwnerCommandsOptions } from '../plugin/owner-commands.js';
import type { StorageDriver } from '../storage/types.js';
import type { InboundMessage, Transport } from '../transport/types.js';
import { ensureDir } from '../util/ensure-dir.js';
import type { HostEvent } from '../plugin/host-events.js';
import { bridgeClientEvents } from './client-events.js';

/** What the bot did with one incoming message; the testing kit waits on these. */
export interface ProcessedMessage {
  readonly message: Message;
  /** False for internal entries (status-notify) that plugins never see. */
  readonly dispatched: boolean;
  readonly sentByBot: boolean;
  /** Milliseconds the plugins took over it (every plugin, in order). */
  readonly ms?: number;
}

/** How long one plugin's handler took over one message or event (its own time, not downstream's). */
export interface PluginTime {
  /** The plugin's name. */
  readonly plugin: string;
  /** Milliseconds from the handler's call until it settled, minus the time spent inside `next()`. */
  readonly ms: number;
}

/** A counted plugin failure (a throw, a rejection or a timeout). */
export interface PluginFailure {
  readonly plugin: string;
  /** What was being done: 'failed handling an event', 'timed out', 'setup failed', ... */
  readonly what: string;
}

export interface BotOptions<T extends Transport = Transport> {
  /** The account's transport: `webTransport(createClient(...))` for Web WeChat. */
  readonly transport: T;
  readonly plugins: readonly LoadedPlugin[];
  readonly logger: Logger;
  readonly storage: StorageDriver;
  readonly isolation?: IsolationOptions;
  /** Plugins' `ctx.baseDir`: where relative paths in their options resolve from. Default `process.cwd()`. */
  readonly baseDir?: string;
  /**
   * Share an action log (the testing kit reads it); default a new one keeping
   * the latest `DEFAULT_ACTION_LOG_LIMIT` (1,000) records. Pass
   * `new ActionLog({ limit })` to keep more or fewer.
   */
  readonly actionLog?: ActionLog;
  /**
   * `account.dataDir`: created and checked before login, so a path that cannot
   * work (a dangling link, /proc, a file in the way) fails at once with what to fix.
   */
  readonly dataDir?: string;
  /**
   * Owner commands (`/plugin off <name>` typed in a chat by the account or one of `owners`): a
   * built-in placed first in the pipeline that switches plugins per chat. Off unless given.
   */
  readonly ownerCommands?: OwnerCommandsOptions | false;
}

/**
 * Glues a transport to the plugins: every incoming message (normalised by the
 * transport) is passed through the plugin pipeline (in order within a chat,
 * chats in parallel), and what plugins ask for goes back through the
 * transport's actions. Nothing a plugin does can stop the transport's poll loop.
 */
export class Bot<T extends Transport = Transport> {
  /** Typed as given, so code that built a Web bot reaches `bot.transport.client`. */
  readonly transport: T;
  readonly actions: ActionLog;
  readonly logger: Logger;
  /** Plugins switched off per chat (persisted in plugin storage); the control API sets them. */
  readonly chatSwitches: ChatSwitches;
  readonly #host: PluginHost;
  readonly #plugins: readonly LoadedPlugin[];
  readonly #events = new EventEmitter();
  /** How many listen to plugin times: read per handler call, so a plain count rather than listenerCount(). */
  readonly #timing = { listeners: 0 };
  readonly #sinks: Array<(processed: ProcessedMessage) => Promise<void>> = [];
  /** Per-chat tail of the processing chain, so replies in one chat keep their order. */
  readonly #chains = new Map<string, Promise<void>>();
  #state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';
  readonly #dataDir: string | undefined;
  /** Client events seen while logging in and starting plugins: delivered once plugins run. */
  #early: HostEvent[] | undefined = [];
  #unbridge: (() => void) | undefined;

  constructor(options: BotOptions<T>) {
    const timing = this.#timing;
    this.transport = options.transport;
    this.logger = options.logger;
    this.actions = options.actionLog ?? new ActionLog();
    this.#dataDir = options.dataDir;
    this.chatSwitches = new ChatSwitches(options.storage.namespace(CHAT_SWITCHES_NAMESPACE));
    this.#plugins = withOwnerCommands(options.plugins, this.chatSwitches, options.ownerCommands);
    this.#host = new PluginHost({
      switches: this.chatSwitches,
      onFailure: (plugin, what) => {
        this.#events.emit('plugin-failure', { plugin, what } satisfies PluginFailure);
      },
      // Timed only while someone listens (metrics): an unobserved bot reads no clocks per handler.
      handlerTime: {
        get active() {
          return timing.listeners > 0;
        },
        observe: (plugin, ms) => {
          this.#events.emit('plugin-time', { plugin, ms } satisfies PluginTime);
        },
      },
      logger: options.logger,
      storage: options.storage,
      transport: options.transport,
      log: this.actions,
      ...(options.baseDir === undefined ? {} : { baseDir: options.baseDir }),
      ...options.isolation,
    });
    this.#events.setMaxListeners(0);
  }

  /** Plugins and their states. */
  plugins(): { name: string; state: string }[] {
    return this.#host.status();
  }

  /** Plugins with their last (masked) failure and their options' JSON Schema, for the control API. */
  pluginDetails(): PluginStatus[] {
    return this.#host.details();
  }

  /** Calls `listener` after each incoming message has gone through every plugin. */
  onProcessed(listener: (processed: ProcessedMessage) => void): () => void {
    this.#events.on('processed', listener);
    return () => this.#events.off('processed', listener);
  }

  /**
   * Adds an awaited consumer of processed messages (a webhook journal): the message counts as handled
   * (leaves the client's inbox journal) only once `sink` has settled, so what it records durably before
   * settling survives a crash, and a crash before that hands the message over again. A rejection is logged.
   */
  addSink(sink: (processed: ProcessedMessage) => Promise<void>): () => void {
    this.#sinks.push(sink);
    return () => {
      const at = this.#sinks.indexOf(sink);
      if (at >= 0) this.#sinks.splice(at, 1);
    };
  }

  /** Calls `listener` on every counted plugin failure. */
  onPluginFailure(listener: (failure: PluginFailure) => void): () => void {
    this.#events.on('plugin-failure', listener);
    return () => this.#events.off('plugin-failure', listener);
  }

  /** Calls `listener` with each plugin's handler time, per message or event it handled (see handler-time.ts). */
  onPluginTime(listener: (time: PluginTime) => void): () => void {
    this.#events.on('plugin-time', listener);
    this.#timing.listeners += 1;
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      this.#timing.listeners -= 1;
      this.#events.off('plugin-time', listener);
    };
  }

  /**
   * Logs in, starts plugins in config order, then serves messages. Resolves with the account. Rejects
   * with `CapabilityMissing`, before logging in, when a plugin requires what the transport lacks.
   */
  async start(): Promise<Contact> {
    if (this.#state !== 'new') throw new Error(`bot.start(): the bot is ${this.#state}`);
    this.#host.check(this.#plugins);
    this.#state = 'starting';
    if (this.#dataDir !== undefined) await ensureDir(this.#dataDir, { setting: 'account.dataDir' });
    // Unreadable switches must not keep the bot from starting: every plugin stays on everywhere.
    await this.chatSwitches.load().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'per-chat plugin switches could not be read; all plugins are on in every chat');
    });
    const unbridge = bridgeClientEvents(this.transport, (event) => {
      this.#hostEvent(event);
    });
    this.#unbridge = unbridge;
    let self: Contact;
    try {
      self = await this.transport.start();
    } catch (error) {
      unbridge();
      throw error;
    }
    // Looked up per call, as the plugin host does: the transport may replace its contact store at a re-login.
    this.chatSwitches.attach({ contact: (userName) => this.transport.contacts.contact(userName) });
    await this.#host.start(this.#plugins);
    // stop() came during login or plugin setup: it has stopped the transport; nothing more to serve.
    if (this.#state !== 'starting') return self;
    // Only now: until a handler is set the inbox keeps what arrives journaled, then delivers it in order.
    // The bot's own echoes need a journal record only when something consumes them durably.
    this.transport.setHandler((inbound) => this.#handle(inbound), {
      durableOwnMessages: () => this.#sinks.length > 0 || this.#host.receivesOwnMessages(),
    });
    const failed = this.#host.status().filter((p) => p.state !== 'active');
    this.logger.info(
      `bot ready as ${self.nickName || self.userName}: ${this.#plugins.length - failed.length} plugin(s) running` +
        (failed.length > 0 ? `, ${failed.length} failed to start (${failed.map((p) => p.name).join(', ')})` : ''),
    );
    this.#state = 'running';
    // The first login (and the contacts it loaded) happened before plugins ran: they hear of it now.
    const early = this.#early ?? [];
    this.#early = undefined;
    for (const event of early) this.#hostEvent(event);
    return self;
  }

  /** Delivers a lifecycle event to the plugins, in order with the other lifecycle events. */
  #hostEvent(event: HostEvent): void {
    if (this.#early !== undefined) {
      // Bounded: a login emits a handful of these.
      if (this.#early.length < 100) this.#early.push(event);
      return;
    }
    if (this.#state !== 'running') return;
    void this.#chain(HOST_CHAIN, () => this.#host.dispatch({ kind: 'host', event }));
  }

  /** Runs `step` after everything queued on chain `key` (kept only while busy). */
  async #chain(key: string, step: () => Promise<void>): Promise<void> {
    const previous = this.#chains.get(key) ?? Promise.resolve();
    const tail = previous.then(step).catch((error: unknown) => {
      this.logger.error({ err: error }, 'delivering an event failed');
    });
    this.#chains.set(key, tail);
    await tail;
    if (this.#chains.get(key) === tail) this.#chains.delete(key);
  }

  async #handle(inbound: InboundMessage): Promise<void> {
    const { message, events, sentByBot } = inbound;
    const key = message.chat.userName;
    const previous = this.#chains.get(key) ?? Promise.resolve();
    const run = previous.then(async () => {
      const started = performance.now();
      const dispatched = isChatMessage(message) && (this.#state === 'running' || this.#state === 'stopping');
      if (dispatched) {
        await this.#host.dispatch({ kind: 'message', message, sentByBot }, key);
        if (!sentByBot) {
          for (const event of events) await this.#host.dispatch({ kind: 'event', event }, key);
          for (const event of derivedEvents(message, events)) await this.#host.dispatch({ kind: 'host', event }, key);
        }
      }
      const processed: ProcessedMessage = {
        message,
        dispatched,
        sentByBot,
        ms: performance.now() - started,
      };
      this.#events.emit('processed', processed);
      for (const sink of this.#sinks) {
        await sink(processed).catch((error: unknown) => {
          this.logger.error({ err: error, messageId: message.id }, 'a message sink failed');
        });
      }
    });
    const tail = run.catch((error: unknown) => {
      // dispatch never rejects; this guards the chain against listener errors.
      this.logger.error({ err: error, messageId: message.id }, 'processing a message failed');
    });
    this.#chains.set(key, tail);
    await tail;
    if (this.#chains.get(key) === tail) this.#chains.delete(key);
  }

  /**
   * Stops serving: the transport stops polling, lets in-flight handlers finish,
   * drains its outbound queue and saves the session; then plugins stop
   * (timers, jobs, dispose callbacks) and storage is flushed.
   */
  async stop(): Promise<void> {
    if (this.#state === 'stopping' || this.#state === 'stopped') return;
    const started = this.#state !== 'new';
    this.#state = 'stopping';
    if (started) {
      try {
        await this.transport.stop();
      } catch (error) {
        this.logger.error({ err: error }, 'the transport did not stop cleanly');
      }
    }
    await Promise.allSettled([...this.#chains.values()]);
    this.#unbridge?.();
    await this.#host.stop();
    this.#state = 'stopped';
  }
}

/** `plugins` with the owner-command built-in first when `settings` asks for it. */
function withOwnerCommands(
  plugins: readonly LoadedPlugin[],
  switches: ChatSwitches,
  settings: OwnerCommandsOptions | false | undefined,
): readonly LoadedPlugin[] {
  if (settings === undefined || settings === false) return plugins;
  const names = plugins.map((p) => p.plugin.name);
  const builtin = ownerCommandsPlugin({ switches, plugins: () => names }, settings);
  return [{ plugin: builtin, options: undefined }, ...plugins];
}

/** The chain lifecycle events are delivered on (no chat has this key: UserNames start with @ or a letter). */
const HOST_CHAIN = '\u0000lifecycle';

/**
 * Events a message implies besides its normalised events: a recall (also a `recall` event), and the bot
 * among a join's invitees (`room:bot-added`). Ids follow the message's, so a re-delivered message's
 * handlers are attributed to the same cause.
 */
function derivedEvents(message: Message, events: readonly NormalizedEvent[]): HostEvent[] {
  const out: HostEvent[] = [];
  if (message.kind === 'recall') out.push({ type: 'recall', id: `recall:${message.id}`, message });
  for (const event of events) {
    if (event.type === 'room-join' && event.invitees.some((p) => p.isSelf)) {
      out.push({ type: 'bot-added', id: `bot-added:${event.messageId}`, event });
    }
  }
  return out;
}
