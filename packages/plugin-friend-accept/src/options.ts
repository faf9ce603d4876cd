import { DIRECT_ADD_MAX_MEMBERS } from '@wxbot/core';
import { z } from 'zod';

const isFunction = (v: unknown): boolean => typeof v === 'function';
const fn = <T>(what: string) => z.custom<T>(isFunction, { message: `${what} must be a function` });
// Not `instanceof`: configs loaded through a module loader may build their RegExps in another realm.
const isRegExp = (v: unknown): v is RegExp => Object.prototype.toString.call(v) === '[object RegExp]';
const nonEmpty = (what: string) => z.string().min(1, { message: `${what} must not be empty` });
const ms = z.number().int().min(0);

const objectSchema = z
  .strictObject(
    {
      /** Accept only when the verify text contains one of these (case-insensitive). */
      keywords: z.array(nonEmpty('keyword')).optional(),
      /** Accept only when the verify text matches (a RegExp, or its source text with `flags`). */
      regex: z
        .union([z.custom<RegExp>(isRegExp), nonEmpty('regex')], { error: 'regex must be a RegExp or its source text' })
        .optional(),
      flags: z
        .string()
        .regex(/^[imsu]*$/, { message: 'regex flags may only be i, m, s, u' })
        .optional(),
      /** Never accept these: stable id (`wxid_...`), WeChat alias, or nick name. */
      block: z.array(nonEmpty('blocked id')).default([]),
      /** Decline when the verify text contains one of these (case-insensitive): spam words. */
      blockKeywords: z.array(nonEmpty('blocked keyword')).default([]),
      /** At most this many accepts per local calendar day. */
      dailyCap: z.number().int().min(0).default(20),
      /** Each accept waits a random time in [min, max] after the previous one (accepting instantly gets accounts restricted). */
      delayMs: z
        .strictObject({ min: ms, max: ms })
        .refine((d) => d.min <= d.max, { message: 'delayMs.min must not exceed delayMs.max' })
        .default({ min: 10_000, max: 60_000 }),
      /** Sent to the new friend; `{nickname}` and `{verify}` are filled in. A list: one at random. */
      welcome: z
        .union([nonEmpty('welcome'), z.array(nonEmpty('welcome')).min(1), z.literal(false)], {
          error: 'welcome must be a text, a list of texts or false',
        })
        .default(false),
      /** Remark name given to the new friend; `{nickname}` is filled in (e.g. "{nickname} (github)"). */
      remark: nonEmpty('remark').optional(),
      /** Rooms (stable id `...@chatroom` or topic) to bring the new friend into. */
      rooms: z.array(nonEmpty('room')).default([]),
      /** Rooms with more members than this get an invitation instead of a direct add (WeChat requires it above 40). */
      inviteAbove: z.number().int().min(0).default(DIRECT_ADD_MAX_MEMBERS),
      /** How many accept/decline records storage keeps (oldest dropped first). */
      historyLimit: z.number().int().min(1).default(1_000),
      /** Clock (tests). */
      now: fn<() => number>('now').optional(),
      /** Random source in [0, 1) for delays and welcome texts (tests). */
      random: fn<() => number>('random').optional(),
    },
    { error: (issue) => (issue.code === 'invalid_type' ? 'friend-accept options must be an object' : undefined) },
  )
  .superRefine((o, ctx) => {
    if (typeof o.regex === 'string') {
      try {
        new RegExp(o.regex, o.flags);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['regex'], message: `invalid regex: ${(error as Error).message}` });
      }
    }
    if (o.flags !== undefined && typeof o.regex !== 'string') {
      ctx.addIssue({ code: 'custom', path: ['flags'], message: 'flags only apply to a string regex' });
    }
  });

/** Options are optional as a whole: none accepts everyone, slowly, within the daily cap. */
export const optionsSchema = objectSchema.optional().transform((o) => o ?? objectSchema.parse({}));

/** Options as written in bot.config.ts (all optional: no options accepts everyone, slowly). */
export type FriendAcceptOptions = z.input<typeof optionsSchema>;
export type ResolvedFriendAcceptOptions = z.output<typeof optionsSchema>;
