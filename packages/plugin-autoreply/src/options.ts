import { weakStableIdProblem, type MessageContext, type OutgoingContent, type TextMessage } from '@wxbot/core';
import { z } from 'zod';

import { AutoreplyController } from './controller.js';
import type { TriggerMatch } from './match.js';

/** What a reply function receives. */
export interface ReplyContext {
  /** The message being answered (reply, sender, chat, actions...). */
  readonly message: MessageContext<TextMessage>;
  /** The text the rule matched against (leading @-mentions of the bot removed). */
  readonly text: string;
  /** Captures of the trigger (regex groups; for keyword/exact, the matched text). */
  readonly match: TriggerMatch;
}

/** A reply function's result; `null`/`undefined` means "no answer", and the next rule is tried. */
export type ReplyResult = OutgoingContent | null | undefined;
export type ReplyFunction = (context: ReplyContext) => ReplyResult | Promise<ReplyResult>;

/**
 * A custom trigger: truthy matches. Return an array to provide captures
 * usable as `$1`... in a text reply.
 */
export type MatchFunction = (
  text: string,
  message: MessageContext<TextMessage>,
) => boolean | readonly string[] | null | undefined;

/** Rules computed in code; called at start and at every reload. */
export type RulesFactory = () => readonly AutoreplyRule[] | Promise<readonly AutoreplyRule[]>;

const isFunction = (v: unknown): boolean => typeof v === 'function';
// Not `instanceof`: rule files loaded through a module loader may build their RegExps in another realm.
const isRegExp = (v: unknown): v is RegExp => Object.prototype.toString.call(v) === '[object RegExp]';
const fn = <T>(what: string) => z.custom<T>(isFunction, { message: `${what} must be a function` });

const nonEmpty = (what: string) => z.string().min(1, { message: `${what} must not be empty` });

/** An admin entry: a weak (name-based) stable id would let anyone with that name in, so it is refused here. */
const adminEntry = nonEmpty('admin').superRefine((entry, ctx) => {
  const problem = weakStableIdProblem(entry);
  if (problem !== undefined)
    ctx.addIssue({
      code: 'custom',
      message: `${problem} autoreply logs the strong id of each sender whose reload command it refuses.`,
    });
});
const textList = (what: string) =>
  z.union([nonEmpty(what), z.array(nonEmpty(what)).min(1, { message: `${what} needs at least one entry` })]);

/** `HH:MM`, 00:00–23:59. */
export const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'expected a 24-hour time "HH:MM" such as "23:30"' });

const chatScope = z.enum(['all', 'private', 'rooms']);

const media = z.union([
  z.strictObject({ text: nonEmpty('reply text') }),
  z.strictObject({ image: nonEmpty('image path'), name: z.string().optional() }),
  z.strictObject({ file: nonEmpty('file path'), name: z.string().optional() }),
]);

const reply = z.union(
  [
    nonEmpty('reply text'),
    z.array(nonEmpty('reply text')).min(1, { message: 'a random reply needs at least one text' }),
    media,
    fn<ReplyFunction>('reply'),
  ],
  {
    error:
      'reply must be a text, a list of texts (one is picked at random), { text }, { image }, { file } or a function',
  },
);

const TRIGGERS = ['keyword', 'exact', 'regex', 'match'] as const;

/** One rule: exactly one trigger (`keyword`, `exact`, `regex` or `match`) and a `reply`. */
export const ruleSchema = z
  .strictObject({
    /** Shown in logs and reload messages. */
    name: z.string().optional(),
    keyword: textList('keyword').optional(),
    exact: textList('exact text').optional(),
    /** A RegExp, or its source as a string (JSON rule files). */
    regex: z
      .union([z.custom<RegExp>(isRegExp), nonEmpty('regex')], { error: 'regex must be a RegExp or its source text' })
      .optional(),
    /** Flags for a string `regex` (i, m, s, u). */
    flags: z
      .string()
      .regex(/^[imsu]*$/, { message: 'regex flags may only be i, m, s, u' })
      .optional(),
    match: fn<MatchFunction>('match').optional(),
    reply,
    /** Overrides the plugin's `chats` for this rule. */
    chats: chatScope.optional(),
    /** Overrides the plugin's `only` for this rule. */
    only: z.array(nonEmpty('chat')).optional(),
    /** Overrides the plugin's `mentionOnly` for this rule. */
    mentionOnly: z.boolean().optional(),
    /** Overrides the plugin's `addressAsker` for this rule. */
    addressAsker: z.boolean().optional(),
  })
  .superRefine((rule, ctx) => {
    const given = TRIGGERS.filter((t) => rule[t] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          given.length === 0
            ? 'a rule needs a trigger: one of keyword, exact, regex or match'
            : `a rule takes exactly one trigger, got ${given.join(' and ')}`,
      });
    }
    if (typeof rule.regex === 'string') {
      try {
        new RegExp(rule.regex, rule.flags);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['regex'], message: `invalid regex: ${(error as Error).message}` });
      }
    }
    if (rule.flags !== undefined && typeof rule.regex !== 'string') {
      ctx.addIssue({ code: 'custom', path: ['flags'], message: 'flags only apply to a string regex' });
    }
  });

/** A rule as written in options or a rules file. */
export type AutoreplyRule = z.input<typeof ruleSchema>;

export const optionsSchema = z
  .strictObject(
    {
      /** Rules in order, or a function returning them (called again on reload). */
      // Checked rule by rule in superRefine: a union would only say "Invalid input" for a bad rule.
      rules: z
        .custom<AutoreplyRule[] | RulesFactory>((v) => Array.isArray(v) || isFunction(v), {
          message: 'rules must be an array of rules or a function returning one',
        })
        .default([]),
      /** A JSON (array of rules, or `{ "rules": [...] }`) or JS/TS (default export) file of more rules, read at start and on reload. */
      rulesFile: nonEmpty('rulesFile').optional(),
      /** Re-read `rulesFile` when it changes. */
      watch: z.boolean().default(false),
      /** How long to wait after a change before re-reading (editors write files in several steps). */
      watchDebounceMs: z.number().int().min(0).default(200),
      /** A command (without prefix) that reloads rules, e.g. `"reload-replies"`; only the account itself and `admins` may run it. */
      reloadCommand: z
        .string()
        .regex(/^[\p{L}\p{N}_-]+$/u, { message: 'a command name is letters, digits, _ or -' })
        .optional(),
      /** Who may run `reloadCommand` besides the account itself: stable ids (`wxid_...`) or remark names you set. */
      admins: z.array(adminEntry).default([]),
      /** Reload when the process receives this signal. */
      reloadSignal: z.enum(['SIGHUP', 'SIGUSR1', 'SIGUSR2']).optional(),
      /** A handle for reloading from code: `new AutoreplyController()`, then `controller.reload()`. */
      controller: z
        .instanceof(AutoreplyController, { message: 'controller must be an AutoreplyController' })
        .optional(),
      /** Where rules apply: private chats, rooms or both. */
      chats: chatScope.default('all'),
      /** Only these chats: rooms or contacts by stable id, UserName, room topic or remark/nick name. */
      only: z.array(nonEmpty('chat')).optional(),
      /** Never answer these senders (other bots): stable id, UserName, remark or nick name. */
      ignore: z.array(nonEmpty('ignored sender')).default([]),
      /** In rooms, answer only when the bot is @-mentioned. */
      mentionOnly: z.boolean().default(false),
      /**
       * In rooms, start text replies with `@<asker>`. Plain text: Web WeChat cannot send a real mention, so
       * the asker sees their name but gets no notification (`limitsOf(ctx.capabilities).mentionsNotify`
       * is false; written with `textMention`, which says so as `notifies: false`, logged once).
       */
      addressAsker: z.boolean().default(false),
      /** Match case-sensitively (keyword, exact). */
      caseSensitive: z.boolean().default(false),
      /** `first`: the first matching rule answers; `all`: every matching rule does. */
      mode: z.enum(['first', 'all']).default('first'),
      cooldown: z
        .strictObject({
          /** After answering in a chat, stay silent there this long. */
          chatMs: z.number().int().min(0).default(1_000),
          /** After answering someone, ignore them (in that chat) this long. */
          userMs: z.number().int().min(0).default(5_000),
          /** At most this many answers to one person in one chat per `windowMs` (stops two bots ping-ponging). */
          maxPerUser: z.number().int().min(1).default(5),
          windowMs: z.number().int().min(1).default(600_000),
        })
        .prefault({}),
      /** No answers between `from` and `to` (local time; may span midnight). */
      quietHours: z
        .strictObject({ from: clockTime, to: clockTime })
        .refine((q) => q.from !== q.to, { message: 'quietHours.from and .to must differ' })
        .optional(),
      /** Clock for cooldowns and quiet hours (tests). */
      now: fn<() => number>('now').optional(),
      /** Random source in [0, 1) for random replies (tests). */
      random: fn<() => number>('random').optional(),
    },
    {
      error: (issue) =>
        issue.input === undefined
          ? 'autoreply needs options, e.g. { rules: [{ keyword: "hi", reply: "hello" }] }'
          : undefined,
    },
  )
  .superRefine((o, ctx) => {
    if (Array.isArray(o.rules)) {
      const checked = z.array(ruleSchema).safeParse(o.rules);
      for (const issue of checked.success ? [] : checked.error.issues) {
        ctx.addIssue({ code: 'custom', path: ['rules', ...issue.path], message: issue.message });
      }
    }
    if (Array.isArray(o.rules) && o.rules.length === 0 && o.rulesFile === undefined) {
      ctx.addIssue({ code: 'custom', path: ['rules'], message: 'give some rules, a rules function or a rulesFile' });
    }
    if (o.watch && o.rulesFile === undefined) {
      ctx.addIssue({ code: 'custom', path: ['watch'], message: 'watch needs rulesFile' });
    }
  });

/** Options as written in bot.config.ts. */
export type AutoreplyOptions = z.input<typeof optionsSchema>;
/** Options after defaults are applied. */
export type ResolvedAutoreplyOptions = z.output<typeof optionsSchema>;
