import type { Room } from '../contact/types.js';
import type { TextMessage } from '../message/types.js';
import { parseCommand, type ParsedCommand } from './command.js';
import { deriveContext } from './event-context.js';
import { assertFilterQuery, queryPredicate, type FilterQuery, type Narrow } from './filter.js';
import type { BotContext, ChatContext, MessageContext, Middleware, NextFunction } from './types.js';

/** Thrown (as a rejection of the second call) when a middleware calls `next()` twice. */
export class NextCalledTwiceError extends Error {
  override name = 'NextCalledTwiceError';
}

/** A mention among a command's arguments, resolved against the room when possible. */
export interface CommandMention {
  /** The name as typed after `@`. */
  readonly name: string;
  /** The member's session UserName; undefined when no member has that name. */
  readonly userName: string | undefined;
}

/** A command as `ctx.command` hands it to the handler. */
export interface CommandInvocation extends ParsedCommand {
  readonly mentions: readonly CommandMention[];
}

/** Context of `ctx.hears`: a text message and the match. */
export type HearsContext = MessageContext<TextMessage> & { readonly match: RegExpExecArray };
/** Context of `ctx.command`: a text message and its parsed command. */
export type CommandContext = MessageContext<TextMessage> & { readonly command: CommandInvocation };

/** Options of `ctx.command`. */
export interface CommandOptions {
  /** Prefixes that introduce a command. Default `['/']`. */
  readonly prefixes?: readonly string[];
}

/** Which rooms `inRoom` matches: a UserName, stable id or exact topic; a topic regex; or a predicate. */
export type RoomSelector = string | RegExp | ((room: ChatContext['chat']) => boolean);
/** Which senders `from` matches: a UserName, stable id, or exact display / remark / nick name; or a predicate. */
export type SenderSelector = string | ((sender: MessageContext['sender']) => boolean);

/** A filter test over a context: sync or async. */
export type Predicate<C> = (context: C) => boolean | Promise<boolean>;

/** `next()`'s answer when everything after it finished synchronously: no promise per step. */
const RESOLVED: Promise<void> = Promise.resolve();

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== undefined && value !== null && typeof (value as { readonly then?: unknown }).then === 'function';
}

/** A synchronous throw as the rejection an async step would have produced (the value unchanged). */
function rejection(error: unknown): Promise<never> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passes on what middleware threw, as is
  return Promise.reject(error);
}

/** A step's outcome as the promise `next()` hands back. */
function settle(outcome: unknown): Promise<void> {
  if (outcome instanceof Promise) return outcome as Promise<void>;
  if (isThenable(outcome)) return Promise.resolve(outcome).then(() => undefined);
  return RESOLVED;
}

/** Runs a predicate that may be async; a sync answer takes the sync path. */
function decide<C>(predicate: Predicate<C>, context: C, then: (yes: boolean) => unknown): unknown {
  const answer = predicate(context);
  return isThenable(answer) ? Promise.resolve(answer).then(then) : then(answer);
}

function flatten<C>(middleware: readonly Middleware<C>[]): Middleware<C> {
  if (middleware.length === 1) return middleware[0]!;
  return (context, next) => run(middleware, context, next);
}

/**
 * Runs `middleware` in order. Each step gets a `next` that runs the following
 * steps (and finally `last`); calling it twice rejects with NextCalledTwiceError.
 */
export function run<C>(middleware: readonly Middleware<C>[], context: C, last: NextFunction): Promise<void> {
  try {
    return settle(step(middleware, 0, context, last));
  } catch (error) {
    return rejection(error);
  }
}

/**
 * Calls step `index` and returns what it returned: undefined (or any
 * non-thenable) when it finished synchronously, so a chain of synchronous
 * middleware allocates no promises; it may throw, callers turn that into a
 * rejection.
 */
function step<C>(middleware: readonly Middleware<C>[], index: number, context: C, last: NextFunction): unknown {
  const current = middleware[index];
  if (current === undefined) return last();
  let called = false;
  return current(context, () => {
    if (called) {
      return Promise.reject(
        new NextCalledTwiceError(`next() was called twice by middleware #${index + 1}; call it at most once`),
      );
    }
    called = true;
    try {
      return settle(step(middleware, index + 1, context, last));
    } catch (error) {
      return rejection(error);
    }
  });
}

function hasChat(context: BotContext): context is ChatContext {
  return 'chat' in context;
}

function roomMatches(selector: RoomSelector, chat: ChatContext['chat']): boolean {
  if (!chat.isRoom) return false;
  if (typeof selector === 'function') return selector(chat);
  if (selector instanceof RegExp) return chat.name !== undefined && selector.test(chat.name);
  return selector === chat.userName || selector === chat.stableId || selector === chat.name;
}

function senderMatches(selector: SenderSelector, sender: MessageContext['sender']): boolean {
  if (typeof selector === 'function') return selector(sender);
  const contact = sender.contact;
  return (
    selector === sender.userName ||
    selector === sender.stableId ||
    selector === sender.name ||
    (contact !== undefined && (selector === contact.remarkName || selector === contact.nickName))
  );
}

function resolveMention(room: Room | undefined, name: string): string | undefined {
  if (room === undefined) return undefined;
  const found = [...room.members.values()].filter((m) => m.displayName === name || m.nickName === name);
  return found.length === 1 ? found[0]!.userName : undefined;
}

/**
 * A tree of middleware. Every registration method adds a step and returns a
 * Composer for that branch, whose context type is narrowed accordingly, so
 * `ctx.inRoom('Book club').on('message:image', ...)` reads left to right.
 */
export class Composer<C> {
  readonly #steps: Middleware<C>[] = [];

  /** Appends middleware that sees every event reaching this composer. */
  use(...middleware: Middleware<C>[]): Composer<C> {
    const branch = new Composer<C>();
    branch.#steps.push(...middleware);
    this.#steps.push(branch.middleware());
    return branch;
  }

  /** Runs `middleware` only for events the predicate accepts; the rest pass on. */
  filter<D extends C>(predicate: (context: C) => context is D, ...middleware: Middleware<D>[]): Composer<D>;
  filter(predicate: Predicate<C>, ...middleware: Middleware<C>[]): Composer<C>;
  filter(predicate: Predicate<C>, ...middleware: Middleware<C>[]): Composer<C> {
    const branch = new Composer<C>();
    branch.#steps.push(...middleware);
    const inner = branch.middleware();
    this.#steps.push((context, next) => {
      const answer = predicate(context);
      if (isThenable(answer)) return Promise.resolve(answer).then((yes) => (yes ? inner(context, next) : next()));
      return answer ? inner(context, next) : next();
    });
    return branch;
  }

  /** The opposite of `filter`: runs `middleware` for events the predicate rejects. */
  drop(predicate: Predicate<C>, ...middleware: Middleware<C>[]): Composer<C> {
    return this.filter(
      (context) => {
        const answer = predicate(context);
        return isThenable(answer) ? Promise.resolve(answer).then((yes) => !yes) : !answer;
      },
      ...middleware,
    );
  }

  /** Sends each event down one of two paths. */
  branch(predicate: Predicate<C>, onTrue: Middleware<C>, onFalse: Middleware<C>): this {
    this.#steps.push((context, next) =>
      decide(predicate, context, (yes) => (yes ? onTrue(context, next) : onFalse(context, next))),
    );
    return this;
  }

  /**
   * Handles events matching a filter query (or any of several). The query is
   * checked now: an unknown one throws, naming the closest valid query.
   */
  on<Q extends FilterQuery>(
    query: Q | readonly Q[],
    ...middleware: Middleware<Narrow<C, Q>>[]
  ): Composer<Narrow<C, Q>> {
    const queries: readonly unknown[] = Array.isArray(query) ? query : [query];
    if (queries.length === 0) throw new TypeError('ctx.on(): give at least one filter query');
    const predicates = queries.map((q) => {
      assertFilterQuery(q);
      return queryPredicate(q);
    });
    const only = predicates.length === 1 ? predicates[0]! : undefined;
    const matches = (context: C): boolean => {
      if (only !== undefined) return only(context as BotContext);
      for (const predicate of predicates) if (predicate(context as BotContext)) return true;
      return false;
    };
    // The predicate is what makes the narrowing true; TypeScript cannot follow it through the query table.
    return this.filter(matches, ...(middleware as unknown as Middleware<C>[])) as unknown as Composer<Narrow<C, Q>>;
  }

  /** Handles text messages matching a string (exact, trimmed) or a regex; `m.match` holds the match. */
  hears(
    trigger: string | RegExp | readonly (string | RegExp)[],
    ...middleware: Middleware<HearsContext>[]
  ): Composer<HearsContext> {
    const triggers = (Array.isArray(trigger) ? trigger : [trigger]) as readonly (string | RegExp)[];
    const branch = new Composer<HearsContext>();
    branch.#steps.push(...middleware);
    const inner = branch.middleware();
    this.#steps.push((context, next) => {
      const ctx = context as BotContext;
      if (ctx.type !== 'message' || ctx.message.kind !== 'text') return next();
      for (const t of triggers) {
        const match = typeof t === 'string' ? exact(ctx.text, t) : freshExec(t, ctx.text);
        if (match !== null) return inner(deriveContext(ctx as MessageContext<TextMessage>, 'match', match), next);
      }
      return next();
    });
    return branch;
  }

  /**
   * Handles commands like `/kick @Bob "too loud"`: `m.command` holds the
   * name, arguments (quotes honoured) and the @-mentions resolved to members.
   */
  command(name: string | readonly string[], ...middleware: Middleware<CommandContext>[]): Composer<CommandContext>;
  command(
    name: string | readonly string[],
    options: CommandOptions,
    ...middleware: Middleware<CommandContext>[]
  ): Composer<CommandContext>;
  command(
    name: string | readonly string[],
    ...rest: (CommandOptions | Middleware<CommandContext>)[]
  ): Composer<CommandContext> {
    const options = typeof rest[0] === 'object' ? (rest.shift() as CommandOptions) : {};
    const middleware = rest as Middleware<CommandContext>[];
    const names = new Set((typeof name === 'string' ? [name] : name).map((n) => n.toLowerCase()));
    for (const n of names) {
      if (!/^[\p{L}\p{N}_-]+$/u.test(n)) throw new TypeError(`ctx.command(): "${n}" is not a valid command name`);
    }
    const prefixes = options.prefixes ?? ['/'];
    const branch = new Composer<CommandContext>();
    branch.#steps.push(...middleware);
    const inner = branch.middleware();
    this.#steps.push((context, next) => {
      const ctx = context as BotContext;
      if (ctx.type !== 'message' || ctx.message.kind !== 'text') return next();
      const parsed = parseCommand(ctx.text, prefixes);
      if (parsed === undefined || !names.has(parsed.name)) return next();
      const mentions = parsed.mentionNames.map((n) => ({ name: n, userName: resolveMention(ctx.chat.room, n) }));
      return inner(deriveContext(ctx as MessageContext<TextMessage>, 'command', { ...parsed, mentions }), next);
    });
    return branch;
  }

  /** Only one-to-one chats. */
  privateChat(...middleware: Middleware<C>[]): Composer<C> {
    return this.filter(
      (context) => hasChat(context as BotContext) && !(context as ChatContext).chat.isRoom,
      ...middleware,
    );
  }

  /** Only rooms; with a selector, only those rooms. */
  inRoom(selector?: RoomSelector, ...middleware: Middleware<C>[]): Composer<C> {
    return this.filter(
      (context) => {
        const ctx = context as BotContext;
        return hasChat(ctx) && (selector === undefined ? ctx.chat.isRoom : roomMatches(selector, ctx.chat));
      },
      ...middleware,
    );
  }

  /**
   * Only messages from matching senders (any of several). A string matches the
   * sender's session UserName, stable id, room display name, nick name or the
   * bot owner's remark name for them.
   *
   * Not for authorisation by name: anyone can set their nick name or room
   * display name to `'Alice'`, so a name selector lets them in. To decide who
   * may run admin commands, match stable ids (`sender.stableId`, e.g.
   * `wxid_...`, when `stableIdConfidence` is `'wxid'`) or a remark name only
   * the owner sets, via a function selector.
   */
  from(selector: SenderSelector | readonly SenderSelector[], ...middleware: Middleware<C>[]): Composer<C> {
    const selectors = (Array.isArray(selector) ? selector : [selector]) as readonly SenderSelector[];
    return this.filter(
      (context) => {
        const ctx = context as BotContext;
        return ctx.type === 'message' && selectors.some((s) => senderMatches(s, ctx.sender));
      },
      ...middleware,
    );
  }

  /** Only messages that @-mention the bot. */
  mentioned(...middleware: Middleware<C>[]): Composer<C> {
    return this.filter(
      (context) => {
        const ctx = context as BotContext;
        return ctx.type === 'message' && ctx.message.mentionsSelf;
      },
      ...middleware,
    );
  }

  /**
   * The whole tree as one middleware. It returns undefined when every step
   * finished synchronously, else a promise; it never throws (a throw becomes
   * a rejection).
   */
  middleware(): Middleware<C> {
    const steps = this.#steps;
    return (context, next) => {
      try {
        return step(steps, 0, context, next);
      } catch (error) {
        return rejection(error);
      }
    };
  }
}

function exact(text: string, expected: string): RegExpExecArray | null {
  if (text.trim() !== expected) return null;
  const match = [text.trim()] as unknown as RegExpExecArray;
  match.index = 0;
  match.input = text;
  return match;
}

/** Global/sticky regexes keep `lastIndex` between calls; matching must not depend on history. */
function freshExec(regex: RegExp, text: string): RegExpExecArray | null {
  regex.lastIndex = 0;
  return regex.exec(text);
}

export { flatten as composeMiddleware };
