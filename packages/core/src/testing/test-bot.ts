import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';

import {
  createSimulator,
  defaultWorld,
  type BotAction,
  type PersonSpec,
  type Simulator,
  type WorldSpec,
} from '@wxbot/simulator';
import { pino, type Logger } from 'pino';

import { Bot, type ProcessedMessage } from '../bot/bot.js';
import { createClient } from '../client/client.js';
import type { Contact } from '../contact/types.js';
import type { PersonRef, SystemNotice } from '../message/types.js';
import { ActionLog } from '../plugin/actions.js';
import type { IsolationOptions, LoadedPlugin } from '../plugin/host.js';
import type { OwnerCommandsOptions } from '../plugin/owner-commands.js';
import type { ActionRecord } from '../plugin/types.js';
import { loadConfig } from '../config/prepare.js';
import { ConfigError, type ConfigIssue } from '../config/errors.js';
import { MemorySessionStore } from '../session/file-store.js';
import { createMemoryStorage } from '../storage/memory.js';
import type { StorageDriver } from '../storage/types.js';
import type { SessionStore } from '../session/types.js';
import { webTransport, type WebTransport } from '../transport/web.js';
import { loadTestEntries, type TestPluginEntry } from './entries.js';
import { findPerson, nameOf, personId, personIdOrNew, roomId } from './names.js';
import { matchesText, TestBotAssertionError, type ActionSummary, type TextMatcher } from './assertions.js';

/** A plugin, or `[plugin, options]` (options are validated like in bot.config.ts). */
export type { TestPluginEntry };
export { TestBotAssertionError } from './assertions.js';
export type { ActionSummary } from './assertions.js';

export interface TestBotOptions {
  /** Plugins in pipeline order (after those of `config`). */
  plugins?: readonly TestPluginEntry[];
  /**
   * A bot config file (bot.config.ts, .js, .mjs, .json) whose plugins to run,
   * loaded and checked exactly as \`wxbot start\` does; its isolation settings apply.
   */
  config?: string;
  /** The simulated world; default: the simulator's default world (Alice, Bob, 小红/Carol, Dave; rooms 测试群 and Family). */
  world?: WorldSpec;
  /** Plugin isolation settings. */
  isolation?: IsolationOptions;
  /** How long `receive` and friends wait for the bot. Default 5000 ms. */
  timeoutMs?: number;
  /** Plugin storage; default in memory. */
  storage?: StorageDriver;
  /**
   * The client's session store (session, journals, identity ledger under account `test`); default a
   * fresh one in memory. Pass one to two bots in turn to test what survives a re-login.
   */
  sessionStore?: SessionStore;
  /** The simulator's seed (session UserNames, ids); default 1. Another seed: other session UserNames. */
  seed?: number;
  /** Plugins' `ctx.baseDir`; default the directory of `config`, else the working directory. */
  baseDir?: string;
  /** Logger; default silent. */
  logger?: Logger;
  /** Most action records kept (oldest dropped first). Default 100,000: far more than a test does. */
  actionLogLimit?: number;
  /** Owner commands (`/plugin off <name>`), as `account.ownerCommands` in bot.config.ts; default off. */
  ownerCommands?: OwnerCommandsOptions | false;
}

/** A test keeps every action it could assert on; a running bot keeps far fewer (`DEFAULT_ACTION_LOG_LIMIT`). */
const TEST_ACTION_LOG_LIMIT = 100_000;

/**
 * A bot running the given plugins against an in-process simulator, with
 * helpers to act as people in the world and to assert on what the bot did.
 * Call `close()` when done (e.g. in `afterEach`).
 */
export class TestBot {
  readonly sim: Simulator;
  readonly bot: Bot<WebTransport>;
  readonly world: WorldSpec;
  readonly self: Contact;
  readonly #dir: string;
  readonly #timeoutMs: number;
  readonly #processed: ProcessedMessage[] = [];

  /** @internal use createTestBot */
  constructor(sim: Simulator, bot: Bot<WebTransport>, world: WorldSpec, self: Contact, dir: string, timeoutMs: number) {
    this.sim = sim;
    this.bot = bot;
    this.world = world;
    this.self = self;
    this.#dir = dir;
    this.#timeoutMs = timeoutMs;
    bot.onProcessed((p) => this.#processed.push(p));
  }

  /** Every action plugins asked for, in order (the latest `actionLogLimit` of them). */
  actions(): readonly ActionRecord[] {
    return this.bot.actions.all();
  }

  /**
   * How many actions the bot has recorded so far, dropped ones included: a
   * mark to pass to `expectNoActions(since)`. Equals `actions().length` until
   * the log drops its oldest records.
   */
  actionCount(): number {
    return this.bot.actions.lastSeq;
  }

  /** Actions with readable names, for custom assertions. */
  summary(records: readonly ActionRecord[] = this.actions()): ActionSummary[] {
    return records.map((r) => {
      const to = this.sim.stableIdOf(r.target) ?? undefined;
      return {
        action: r.action,
        plugin: r.plugin,
        to,
        toName: r.targetName ?? nameOf(this.world, to),
        text: r.content?.type === 'text' ? r.content.text : r.content?.name,
        members: (r.members ?? []).map((m) => nameOf(this.world, this.sim.stableIdOf(m))),
        status: r.status,
      };
    });
  }

  /** Texts the bot sent, in order. */
  replies(): string[] {
    return this.summary()
      .filter((a) => a.action === 'send' && a.text !== undefined)
      .map((a) => a.text!);
  }

  async #waitProcessed(predicate: (p: ProcessedMessage) => boolean, what: string): Promise<ProcessedMessage> {
    const found = this.#processed.find(predicate);
    if (found !== undefined) return this.#settle(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`test bot: the bot did not process ${what} within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      const off = this.bot.onProcessed((p) => {
        if (!predicate(p)) return;
        clearTimeout(timer);
        off();
        resolve(this.#settle(p));
      });
    });
  }

  /** Waits until the actions caused by a message have been carried out by the client. */
  async #settle(p: ProcessedMessage): Promise<ProcessedMessage> {
    const deadline = Date.now() + this.#timeoutMs;
    while (this.actions().some((a) => a.status === 'pending') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    return p;
  }

  #causedBy(ids: ReadonlySet<string>): ActionRecord[] {
    return this.actions().filter((a) => a.cause !== undefined && ids.has(a.cause));
  }

  /**
   * Someone says `text` to the bot (privately, or in `room`). Resolves once
   * every plugin has handled it, with the actions it caused.
   */
  async receive(text: string, options: { from: string; room?: string }): Promise<ActionRecord[]> {
    const from = personId(this.world, options.from);
    const room = options.room === undefined ? undefined : roomId(this.world, options.room);
    const { msgId } = this.sim.say({ from, text, ...(room === undefined ? {} : { room }) });
    await this.#waitProcessed((p) => p.message.id === msgId, `the message "${text}" from ${options.from}`);
    return this.#causedBy(new Set([msgId]));
  }

  /** A stranger (or a PersonSpec, added to the world) asks to be our friend. */
  async friendRequest(from: string | PersonSpec, text = ''): Promise<ActionRecord[]> {
    let spec: string | PersonSpec;
    if (typeof from !== 'string') spec = from;
    else {
      try {
        spec = personId(this.world, from);
      } catch {
        spec = { wxid: personIdOrNew(this.world, from), nickName: from };
      }
    }
    // New people join the world so later receive({ from }) calls can name them.
    if (typeof spec !== 'string') this.world.strangers = [...(this.world.strangers ?? []), spec];
    const before = this.#processed.length;
    this.sim.friendRequest({ from: spec, text });
    const p = await this.#waitProcessed(
      (x) => this.#processed.indexOf(x) >= before && x.message.kind === 'friend-request',
      `a friend request from ${typeof spec === 'string' ? spec : spec.nickName}`,
    );
    return this.#causedBy(new Set([p.message.id]));
  }

  /**
   * Triggers a room change and waits for the system message that announces it:
   * `matches` picks that very notice, so an earlier system message of the same
   * room still in flight (a rename just before a join) is not taken for it.
   */
  async #roomEvent(
    trigger: () => void,
    roomWxid: string,
    matches: (notice: SystemNotice) => boolean,
    what: string,
  ): Promise<ActionRecord[]> {
    const before = this.#processed.length;
    trigger();
    const p = await this.#waitProcessed(
      (x) =>
        this.#processed.indexOf(x) >= before &&
        x.message.kind === 'system' &&
        this.sim.stableIdOf(x.message.chat.userName) === roomWxid &&
        matches(x.message.notice),
      what,
    );
    return this.#causedBy(new Set([p.message.id]));
  }

  /** Whether a notice names the person `wxid` (resolved by the normaliser, or by the name the simulator writes). */
  #names(person: PersonRef, wxid: string): boolean {
    if (wxid === this.world.self.wxid) return person.isSelf;
    if (person.userName !== undefined) return this.sim.stableIdOf(person.userName) === wxid;
    const spec = findPerson(this.world, wxid);
    return spec !== undefined && person.name === (spec.remarkName || spec.nickName);
  }

  /** People join a room (invited by `inviter`, default the room's owner). Resolves with the actions the join message caused. */
  roomJoin(room: string, members: string | readonly string[], inviter?: string): Promise<ActionRecord[]> {
    const id = roomId(this.world, room);
    const list = (typeof members === 'string' ? [members] : members).map((m) => personId(this.world, m));
    const self = this.world.self.wxid;
    return this.#roomEvent(
      () => {
        this.sim.roomJoin({
          room: id,
          members: list,
          ...(inviter === undefined ? {} : { inviter: personId(this.world, inviter) }),
        });
      },
      id,
      (notice) =>
        notice.type === 'room-join' &&
        // "X invited you to the group" lists the others already there, not who joined with the bot.
        (list.includes(self)
          ? notice.invitees.some((p) => p.isSelf)
          : list.every((wxid) => notice.invitees.some((p) => this.#names(p, wxid)))),
      `the system message announcing ${list.join(', ')} joining ${room}`,
    );
  }

  /**
   * Someone leaves a room on their own. WeChat tells nobody (no system message,
   * so no plugin handler runs): only the roster changes. Resolves once the
   * bot's contact store shows `member` gone (or the room gone, when the bot
   * itself leaves), with the actions the bot recorded meanwhile that no
   * earlier message caused (normally none).
   */
  async roomLeave(room: string, member: string): Promise<ActionRecord[]> {
    const id = roomId(this.world, room);
    const wxid = personId(this.world, member);
    const earlier = new Set(this.#processed.map((p) => p.message.id));
    const actionsBefore = this.actionCount();
    const roomUserName = this.sim.userNameOf(id);
    const memberUserName = this.sim.userNameOf(wxid);
    const contacts = this.bot.transport.client.contacts;
    const applied = (): boolean =>
      wxid === this.world.self.wxid
        ? contacts.room(roomUserName) === undefined
        : !contacts.members(roomUserName).has(memberUserName);
    this.sim.roomLeave({ room: id, member: wxid });
    await this.#waitContacts(applied, `the roster of ${room} without ${member}`);
    return this.bot.actions.since(actionsBefore).filter((a) => a.cause === undefined || !earlier.has(a.cause));
  }

  /** Waits until the client has applied a contact change (it emits after updating its store). */
  #waitContacts(done: () => boolean, what: string): Promise<void> {
    const client = this.bot.transport.client;
    return new Promise((resolve, reject) => {
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        client.off('contacts-updated', onUpdate);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onUpdate = (): void => {
        if (done()) finish();
      };
      const timer = setTimeout(() => {
        finish(new Error(`test bot: the bot's contacts did not show ${what} within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      client.on('contacts-updated', onUpdate);
      // The sync that carries the change cannot have been applied yet, but check anyway in case it was.
      onUpdate();
    });
  }

  /** Someone renames a room. Resolves with the actions the rename message caused. */
  roomRename(room: string, topic: string, by?: string): Promise<ActionRecord[]> {
    const id = roomId(this.world, room);
    return this.#roomEvent(
      () => {
        this.sim.roomRename({ room: id, topic, ...(by === undefined ? {} : { by: personId(this.world, by) }) });
      },
      id,
      (notice) => notice.type === 'room-topic' && notice.topic === topic,
      `the system message announcing ${room} renamed to "${topic}"`,
    );
  }

  #describe(): string {
    const all = this.summary();
    if (all.length === 0) return 'the bot did nothing';
    return `the bot did:\n${all
      .map((a) => {
        const detail =
          a.action === 'send' ? `"${a.text ?? ''}"` : a.members.length > 0 ? a.members.join(', ') : (a.text ?? '');
        return `  - ${a.action} → ${a.toName}${detail ? `: ${detail}` : ''}${a.plugin ? ` (by ${a.plugin})` : ''}${a.status === 'failed' ? ' [FAILED]' : ''}`;
      })
      .join('\n')}`;
  }

  #targetIs(summary: ActionSummary, who: string): boolean {
    if (summary.toName === who || summary.to === who) return true;
    try {
      const id = summary.to?.endsWith('@chatroom') ? roomId(this.world, who) : personId(this.world, who);
      return summary.to === id;
    } catch {
      return false;
    }
  }

  /** Asserts the bot sent `text` (exact string or regex) to `to` (a name, wxid or room). */
  expectReply(to: string, text: TextMatcher): void {
    const ok = this.summary().some(
      (a) => a.action === 'send' && a.status === 'done' && this.#targetIs(a, to) && matchesText(text, a.text),
    );
    if (!ok)
      throw new TestBotAssertionError(
        `expected the bot to send ${String(typeof text === 'string' ? `"${text}"` : text)} to ${to}, but ${this.#describe()}`,
      );
  }

  /** Asserts the bot accepted a friend request from `who`. */
  expectAccepted(who: string): void {
    const ok = this.summary().some(
      (a) => a.action === 'acceptFriend' && a.status === 'done' && (a.toName === who || this.#targetIs(a, who)),
    );
    if (!ok)
      throw new TestBotAssertionError(
        `expected the bot to accept a friend request from ${who}, but ${this.#describe()}`,
      );
  }

  #expectMembers(
    action: 'removeMembers' | 'addMembers' | 'inviteMembers',
    verb: string,
    room: string,
    member: string,
  ): void {
    const memberName = (() => {
      try {
        return nameOf(this.world, personId(this.world, member));
      } catch {
        return member;
      }
    })();
    const ok = this.summary().some(
      (a) => a.action === action && a.status === 'done' && this.#targetIs(a, room) && a.members.includes(memberName),
    );
    if (!ok)
      throw new TestBotAssertionError(
        `expected the bot to ${verb} ${member} ${verb === 'remove' ? 'from' : 'to'} ${room}, but ${this.#describe()}`,
      );
  }

  /** Asserts the bot removed `member` from `room`. */
  expectRemoved(room: string, member: string): void {
    this.#expectMembers('removeMembers', 'remove', room, member);
  }
  /** Asserts the bot added `member` to `room`. */
  expectAdded(room: string, member: string): void {
    this.#expectMembers('addMembers', 'add', room, member);
  }
  /** Asserts the bot invited `member` to `room`. */
  expectInvited(room: string, member: string): void {
    this.#expectMembers('inviteMembers', 'invite', room, member);
  }
  /** Asserts the bot renamed `room` to `topic`. */
  expectTopic(room: string, topic: string): void {
    const ok = this.actions().some(
      (a) =>
        a.action === 'setTopic' &&
        a.status === 'done' &&
        a.topic === topic &&
        this.#targetIs(this.summary([a])[0]!, room),
    );
    if (!ok)
      throw new TestBotAssertionError(`expected the bot to rename ${room} to "${topic}", but ${this.#describe()}`);
  }
  /** Asserts the bot did nothing at all (or nothing after the first `since` actions; see `actionCount()`). */
  expectNoActions(since = 0): void {
    const later = this.bot.actions.since(since);
    if (later.length > 0) throw new TestBotAssertionError(`expected the bot to do nothing, but ${this.#describe()}`);
  }

  /** What the simulator saw the bot do, at the wire level. */
  wireActions(): BotAction[] {
    return this.sim.actions();
  }

  /** Stops the bot and the simulator and removes temporary files. */
  async close(): Promise<void> {
    await this.bot.stop();
    await this.sim.close();
    await rm(this.#dir, { recursive: true, force: true });
  }
}

/**
 * Starts a simulator with `world`, logs a bot running `plugins` into it and
 * resolves once it is ready. Plugin options are validated as in bot.config.ts.
 *
 * @example
 * const bot = await createTestBot({ plugins: [echo] });
 * await bot.receive('hello', { from: 'Alice' });
 * bot.expectReply('Alice', 'hello');
 * await bot.close();
 */
export async function createTestBot(options: TestBotOptions): Promise<TestBot> {
  const issues: ConfigIssue[] = [];
  const plugins: LoadedPlugin[] = [];
  let isolation = options.isolation;
  let baseDir = options.baseDir;
  let ownerCommands = options.ownerCommands;
  if (options.config !== undefined) {
    const resolved = await loadConfig({ file: resolvePath(options.config) });
    plugins.push(...resolved.plugins);
    isolation ??= resolved.config.runtime;
    ownerCommands ??= resolved.config.account?.ownerCommands;
    baseDir ??= resolved.dir;
  }
  const given = await loadTestEntries(options.plugins ?? []);
  plugins.push(...given.plugins);
  issues.push(...given.issues);
  if (issues.length > 0) throw new ConfigError(issues);
  // Before the simulator starts, so a bad limit leaves nothing running.
  const actionLog = new ActionLog({ limit: options.actionLogLimit ?? TEST_ACTION_LOG_LIMIT });

  const world = structuredClone(options.world ?? defaultWorld());
  const sim = await createSimulator({
    world,
    autoConfirm: true,
    loginPollHoldMs: 100,
    synccheckHoldMs: 200,
    seed: options.seed ?? 1,
  });
  const dir = await mkdtemp(join(tmpdir(), 'wxbot-test-'));
  const logger = options.logger ?? pino({ level: 'silent' });
  const fast = { burst: 1000, perSecond: 1000 };
  const client = createClient(
    {
      dataDir: dir,
      account: 'test',
      logger,
      sessionStore: options.sessionStore ?? new MemorySessionStore(),
      hosts: { login: sim.loginUrl, main: sim.url },
      qr: { terminal: false, pngPath: false },
      sendJitterMs: 0,
      rateLimits: { text: fast, media: fast, friend: fast, room: fast, misc: fast },
      timeouts: { requestMs: 3000, longPollMs: 3000, loginMs: 10_000 },
      recovery: { backoff: { baseMs: 20, maxMs: 200 }, keepAliveMs: 0, watchdogMs: 0 },
    },
    { minPollIntervalMs: 10, contactBatchDelayMs: 5, contactBatchGapMs: 5, drainTimeoutMs: 2000 },
  );
  const bot = new Bot({
    transport: webTransport(client),
    plugins,
    logger,
    storage: options.storage ?? createMemoryStorage(),
    actionLog,
    ...(isolation === undefined ? {} : { isolation }),
    ...(baseDir === undefined ? {} : { baseDir }),
    ...(ownerCommands === undefined ? {} : { ownerCommands }),
  });
  try {
    const self = await bot.start();
    return new TestBot(sim, bot, world, self, dir, options.timeoutMs ?? 5000);
  } catch (error) {
    await bot.stop().catch(() => undefined);
    await sim.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
