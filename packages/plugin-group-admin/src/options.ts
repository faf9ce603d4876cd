import { DIRECT_ADD_MAX_MEMBERS, weakStableIdProblem } from '@wxbot/core';
import { z } from 'zod';

const nonEmpty = (what: string) => z.string().min(1, { message: `${what} must not be empty` });

/** An admin entry: a weak (name-based) stable id would let anyone with that name in, so it is refused here. */
const adminEntry = nonEmpty('admin').superRefine((entry, ctx) => {
  const problem = weakStableIdProblem(entry);
  if (problem !== undefined)
    ctx.addIssue({
      code: 'custom',
      message: `${problem} group-admin logs the strong id of each sender whose command it refuses.`,
    });
});
const ms = z.number().int().min(0);

export const COMMANDS = ['kick', 'topic', 'invite', 'warn', 'help', 'pin', 'unpin', 'remark'] as const;
export type CommandName = (typeof COMMANDS)[number];

const antiSpamSchema = z.strictObject({
  /** Strike messages with links (URLs, bare domains, shared link cards). */
  links: z.boolean().default(false),
  /** Domains links may point to without a strike (subdomains included). */
  allowDomains: z.array(nonEmpty('domain')).default([]),
  /** Strike messages containing one of these (case-insensitive). */
  keywords: z.array(nonEmpty('keyword')).default([]),
  /** Strike someone sending more than `max` messages within `windowMs`. */
  flood: z
    .union([z.strictObject({ max: z.number().int().min(1), windowMs: z.number().int().min(1) }), z.literal(false)])
    .default(false),
  /** The strike that removes the member (earlier strikes warn). 1 kicks at once. */
  kickAfter: z.number().int().min(1).default(3),
});

export const optionsSchema = z.strictObject(
  {
    /**
     * Who may run commands: stable ids (`wxid_...`) or remark names you set.
     * Never nick names or room display names: anyone can take those.
     */
    admins: z.array(adminEntry).min(1, { message: 'name at least one admin (stable id or a remark name you set)' }),
    /** Rooms to manage (stable id `...@chatroom` or topic); default every room. */
    rooms: z.array(nonEmpty('room')).optional(),
    /** What starts a command. */
    prefix: nonEmpty('prefix').default('/'),
    /** Commands to enable. */
    commands: z.array(z.enum(COMMANDS)).default([...COMMANDS]),
    /** Greets new members; `{names}` and `{room}` are filled in. */
    welcome: z.union([nonEmpty('welcome'), z.literal(false)]).default(false),
    /**
     * Says goodbye when WeChat announces a departure; `{names}`, `{room}`. WeChat announces only removals
     * by the bot's account (e.g. the owner removing someone on the phone), not voluntary leaves; members
     * this plugin removed are not bid farewell (their removal was already announced).
     */
    farewell: z.union([nonEmpty('farewell'), z.literal(false)]).default(false),
    antiSpam: z.union([antiSpamSchema, z.literal(false)]).default(false),
    /**
     * `/invite` sends an invitation instead of adding directly in rooms with more members than this.
     * Web WeChat refuses direct adds from 40 members on, hence 39.
     */
    inviteAbove: z.number().int().min(0).default(DIRECT_ADD_MAX_MEMBERS),
    /** A failing room operation is reported in the room at most once per kind in this window; later ones are only logged. */
    failureReportMs: ms.default(600_000),
    /** At most one "only admins can..." answer per person in this window (so non-admins cannot make the bot spam). */
    refusalCooldownMs: ms.default(60_000),
    /** Clock for flood windows and report windows (tests). */
    now: z.custom<() => number>((v) => typeof v === 'function', { message: 'now must be a function' }).optional(),
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type'
        ? 'group-admin needs options, at least { admins: ["wxid_..."] } (stable ids or remark names you set)'
        : undefined,
  },
);

export type GroupAdminOptions = z.input<typeof optionsSchema>;
export type ResolvedGroupAdminOptions = z.output<typeof optionsSchema>;
export type AntiSpamOptions = Exclude<z.output<typeof optionsSchema>['antiSpam'], false>;
