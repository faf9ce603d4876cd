import {
  definePlugin,
  isOwner,
  TargetError,
  WxError,
  type ChatRef,
  type CommandContext,
  type MessageContext,
  type OutgoingContent,
  type PluginContext,
  type Room,
  type RoomMember,
  type SenderRef,
  strongStableId,
  type Plugin,
} from '@wxbot/core';

import { optionsSchema, type CommandName, type GroupAdminOptions, type ResolvedGroupAdminOptions } from './options.js';
import { FloodMeter, hostAllowed, linkHosts } from './spam.js';
import { StrikeBook } from './strikes.js';

const MENTION_END = '\u2005';

const USAGE: Record<CommandName, string> = {
  kick: 'kick @name — remove a member',
  topic: 'topic <name> — rename the room',
  invite: 'invite <name> — bring a friend of the bot into the room',
  warn: 'warn @name — give a warning (too many remove the member)',
  help: 'help — this list',
  pin: 'pin — pin this room in the bot’s chat list',
  unpin: 'unpin — unpin it',
  remark: 'remark @name <text> — set the bot’s remark name for a member who is its friend',
};

/**
 * Admins are named by a strong stable id or a remark the owner set — never by a name anyone can give
 * themselves, nor by a weak (name-based) stable id, which namesakes share.
 */
export function isAdmin(
  admins: readonly string[],
  sender: Pick<SenderRef, 'isSelf' | 'stableId' | 'contact'>,
): boolean {
  // The same rule as core's owner commands: one definition of who may give orders.
  return isOwner(admins, sender);
}

/** Members whose room display name or nick name is exactly `name`. */
export function findMembers(room: Room, name: string): RoomMember[] {
  return [...room.members.values()].filter((m) => m.displayName === name || m.nickName === name);
}

const memberName = (m: RoomMember): string => m.displayName || m.nickName || m.userName;

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/** The server refused the operation: Ret 1 (`ACTION_REFUSED`, e.g. not the room's owner) or another Ret. */
function isRefusal(error: WxError): boolean {
  return error.code === 'SERVER_ERROR' || error.code === 'ACTION_REFUSED';
}

/** A human reason for a failed room operation. */
export function describeFailure(error: unknown): { code: string; text: string } {
  if (error instanceof WxError) {
    if (error.ret === 1205) return { code: '1205', text: 'WeChat is rate-limiting the bot (1205); try again later' };
    if (isRefusal(error)) {
      return {
        code: `ret${error.ret ?? ''}`,
        text: `WeChat refused (Ret ${error.ret ?? '?'}); the bot may not be the room owner`,
      };
    }
    return { code: error.code, text: error.message };
  }
  if (error instanceof TargetError) return { code: 'target', text: error.message };
  return { code: 'error', text: error instanceof Error ? error.message : String(error) };
}

function setup(ctx: PluginContext, options: ResolvedGroupAdminOptions): Promise<void> {
  const now = options.now ?? Date.now;
  const enabled = new Set<CommandName>(options.commands);
  const spam = options.antiSpam === false ? undefined : options.antiSpam;
  const kickAfter = spam?.kickAfter ?? 3;
  const flood =
    spam !== undefined && spam.flood !== false ? new FloodMeter(spam.flood.max, spam.flood.windowMs) : undefined;
  const strikes = new StrikeBook(ctx.storage);
  const reported = new Map<string, number>();
  const refused = new Map<string, number>();

  const managed = (chat: ChatRef): chat is ChatRef & { room: Room } => {
    if (!chat.isRoom || chat.room === undefined) return false;
    const rooms = options.rooms;
    if (rooms === undefined) return true;
    return rooms.some((r) => r === chat.stableId || r === chat.userName || r === chat.name || r === chat.room?.topic);
  };
  const roomKey = (chat: ChatRef) => chat.stableId ?? chat.userName;

  /** Replies without ever throwing: a failed notice is logged, never retried (no loops). */
  const say = async (reply: (c: OutgoingContent) => Promise<unknown>, text: string): Promise<void> => {
    try {
      await reply(text);
    } catch (error) {
      ctx.logger.warn({ err: error }, 'group-admin: could not post a notice in the room');
    }
  };

  /** Reports a failure in the room once per (room, operation, cause) and window. */
  const reportFailure = async (
    chat: ChatRef,
    reply: (c: OutgoingContent) => Promise<unknown>,
    what: string,
    op: string,
    error: unknown,
  ) => {
    const { text } = describeFailure(error);
    // Keyed by operation, not cause: "not the owner" found by us or by WeChat is one problem, reported once.
    const key = `${roomKey(chat)}\n${op}`;
    const at = now();
    const last = reported.get(key);
    ctx.logger.warn({ err: error }, `group-admin: could not ${what} in ${chat.name ?? chat.userName}: ${text}`);
    if (last !== undefined && at - last < options.failureReportMs) return;
    reported.set(key, at);
    await say(reply, `Could not ${what}: ${text}.`);
  };

  /** Members this plugin removed: their removal notice gets no farewell (the removal was announced already). */
  const removedByUs = new Map<string, RoomMember>();
  /** The notice names the person, and they are no longer in the roster: match by UserName or by name. */
  const takeRemovedByUs = (p: { userName: string | undefined; name: string }): boolean => {
    for (const [userName, member] of removedByUs) {
      if (p.userName === userName || p.name === member.displayName || p.name === member.nickName) {
        removedByUs.delete(userName);
        return true;
      }
    }
    return false;
  };
  /** Rooms where WeChat refused a removal: not retried until the report window passes (no call per spam message). */
  const refusedRemoval = new Map<string, number>();
  const notOwner = (chat: ChatRef & { room: Room }): boolean => {
    const owner = chat.room.ownerUserName;
    if (owner !== undefined && owner !== ctx.contacts.self.userName) return true;
    const since = refusedRemoval.get(roomKey(chat));
    return since !== undefined && now() - since < options.failureReportMs;
  };

  const remove = async (
    chat: ChatRef & { room: Room },
    reply: (c: OutgoingContent) => Promise<unknown>,
    member: RoomMember,
    why: string,
  ) => {
    const what = `remove ${memberName(member)}`;
    if (notOwner(chat)) {
      await reportFailure(
        chat,
        reply,
        what,
        'remove',
        new Error('the bot is not the owner of this room, and only the owner can remove members'),
      );
      return false;
    }
    try {
      removedByUs.set(member.userName, member);
      // Notices can fail to arrive; keep the memory bounded.
      if (removedByUs.size > 100) removedByUs.delete(removedByUs.keys().next().value!);
      await ctx.rooms.remove(chat.userName, [member.userName]);
    } catch (error) {
      removedByUs.delete(member.userName);
      if (error instanceof WxError && isRefusal(error)) refusedRemoval.set(roomKey(chat), now());
      await reportFailure(chat, reply, what, 'remove', error);
      return false;
    }
    await say(reply, `Removed ${memberName(member)}${why === '' ? '' : `: ${why}`}.`);
    return true;
  };

  /** Stable id when the member is a known contact; else the session UserName. */
  const memberKey = (member: RoomMember): string => ctx.contacts.get(member.userName)?.stableId ?? member.userName;

  /** Adds a strike; the `kickAfter`-th removes the member. */
  const strike = async (
    chat: ChatRef & { room: Room },
    reply: (c: OutgoingContent) => Promise<unknown>,
    member: RoomMember,
    reason: string,
  ) => {
    const key = memberKey(member);
    const count = await strikes.add(roomKey(chat), key, memberName(member));
    if (count >= kickAfter) {
      if (await remove(chat, reply, member, `${reason} (warning ${count}/${kickAfter})`))
        await strikes.clear(roomKey(chat), key);
      return;
    }
    await say(
      reply,
      `@${memberName(member)}${MENTION_END}warning ${count}/${kickAfter}: ${reason}. At ${kickAfter} you will be removed.`,
    );
  };

  const resolveOne = async (
    m: CommandContext & { chat: { room: Room } },
    name: string | undefined,
  ): Promise<RoomMember | undefined> => {
    if (name === undefined) return undefined;
    const found = findMembers(m.chat.room, name);
    if (found.length === 1) return found[0];
    await say(
      (c) => m.reply(c),
      found.length === 0
        ? `Member not found: nobody in this room is called "${name}".`
        : `Ambiguous name: ${found.length} members are called "${name}"; ask them to set distinct room names, or remove by hand.`,
    );
    return undefined;
  };

  const commands: Record<CommandName, (m: CommandContext & { chat: ChatRef & { room: Room } }) => Promise<void>> = {
    help: async (m) => {
      const lines = options.commands.map((c) => `${options.prefix}${USAGE[c]}`);
      await say((c) => m.reply(c), `Admin commands:\n${lines.join('\n')}`);
    },
    kick: async (m) => {
      const name = m.command.mentions[0]?.name;
      if (name === undefined) return say((c) => m.reply(c), `Usage: ${options.prefix}kick @name`);
      const member = await resolveOne(m, name);
      if (member === undefined) return;
      if (member.userName === ctx.contacts.self.userName || isAdminMember(member)) {
        return say((c) => m.reply(c), `${memberName(member)} is an admin; not removing.`);
      }
      await remove(m.chat, (c) => m.reply(c), member, '');
    },
    warn: async (m) => {
      const name = m.command.mentions[0]?.name;
      if (name === undefined) return say((c) => m.reply(c), `Usage: ${options.prefix}warn @name`);
      const member = await resolveOne(m, name);
      if (member === undefined) return;
      if (member.userName === ctx.contacts.self.userName || isAdminMember(member)) {
        return say((c) => m.reply(c), `${memberName(member)} is an admin; not warning.`);
      }
      const reason = m.command.args.join(' ') || 'warned by an admin';
      await strike(m.chat, (c) => m.reply(c), member, reason);
    },
    topic: async (m) => {
      const topic = m.command.rest.trim();
      if (topic === '') return say((c) => m.reply(c), `Usage: ${options.prefix}topic <new name>`);
      try {
        await ctx.rooms.setTopic(m.chat.userName, topic);
      } catch (error) {
        await reportFailure(m.chat, (c) => m.reply(c), 'rename the room', 'topic', error);
      }
    },
    invite: async (m) => {
      const name = m.command.rest
        .trim()
        .replace(/^@/, '')
        .replace(new RegExp(`${MENTION_END}$`), '')
        .trim();
      if (name === '') return say((c) => m.reply(c), `Usage: ${options.prefix}invite <name>`);
      if (findMembers(m.chat.room, name).length > 0) return say((c) => m.reply(c), `${name} is already in this room.`);
      // People only: a room's topic can equal the name, and a room is never a member.
      const people = ctx.contacts.find(name).filter((c) => c.kind !== 'room');
      if (people.length > 1)
        return say(
          (c) => m.reply(c),
          `Ambiguous name: several of the bot’s contacts are called "${name}"; use their remark name.`,
        );
      const contact = people[0];
      if (contact === undefined) return say((c) => m.reply(c), `Not found: the bot has no contact called "${name}".`);
      const invite = m.chat.room.members.size > options.inviteAbove;
      try {
        if (invite) await ctx.rooms.invite(m.chat.userName, [contact.userName]);
        else await ctx.rooms.add(m.chat.userName, [contact.userName]);
      } catch (error) {
        await reportFailure(m.chat, (c) => m.reply(c), `${invite ? 'invite' : 'add'} ${name}`, 'invite', error);
        return;
      }
      if (invite) await say((c) => m.reply(c), `Invitation sent to ${name}.`);
    },
    pin: async (m) => {
      try {
        await ctx.chats.pin(m.chat.userName);
        await say((c) => m.reply(c), 'Pinned this room.');
      } catch (error) {
        await reportFailure(m.chat, (c) => m.reply(c), 'pin the room', 'pin', error);
      }
    },
    unpin: async (m) => {
      try {
        await ctx.chats.unpin(m.chat.userName);
        await say((c) => m.reply(c), 'Unpinned this room.');
      } catch (error) {
        await reportFailure(m.chat, (c) => m.reply(c), 'unpin the room', 'pin', error);
      }
    },
    remark: async (m) => {
      const name = m.command.mentions[0]?.name;
      const remark = m.command.args.join(' ').trim();
      if (name === undefined || remark === '')
        return say((c) => m.reply(c), `Usage: ${options.prefix}remark @name <remark>`);
      const member = await resolveOne(m, name);
      if (member === undefined) return;
      try {
        await ctx.contacts.setRemark(member.userName, remark);
        await say((c) => m.reply(c), `Remark for ${memberName(member)} set to "${remark}".`);
      } catch (error) {
        await reportFailure(m.chat, (c) => m.reply(c), `set the remark of ${memberName(member)}`, 'remark', error);
      }
    },
  };

  const isAdminMember = (member: RoomMember): boolean => {
    const contact = ctx.contacts.get(member.userName);
    return isAdmin(options.admins, { isSelf: false, stableId: contact?.stableId, contact });
  };

  // Before the commands: a refused command must not carry spam past the filter.
  if (spam !== undefined) {
    ctx.on('message', async (m, next) => {
      if (managed(m.chat) && !m.sender.isSelf && !isAdmin(options.admins, m.sender)) await checkSpam(m, m.chat);
      await next();
    });
  }

  ctx.command([...enabled], { prefixes: [options.prefix] }, async (m, next) => {
    if (!managed(m.chat)) return next();
    const chat = m.chat;
    if (!isAdmin(options.admins, m.sender)) {
      const key = `${roomKey(chat)}\n${m.sender.stableId ?? m.sender.userName}`;
      const at = now();
      const last = refused.get(key);
      if (last === undefined || at - last >= options.refusalCooldownMs) {
        refused.set(key, at);
        // What the owner needs to make this sender an admin: the strong id to list, or why there is none.
        const strongId = strongStableId(m.sender);
        ctx.logger.info(
          { sender: m.sender.name, command: m.command.name, ...(strongId === undefined ? {} : { strongId }) },
          strongId === undefined
            ? 'refused a command from a non-admin (no strong id known: list a remark name you set for them)'
            : 'refused a command from a non-admin (list strongId in admins to allow them)',
        );
        await say((c) => m.reply(c), `Only admins can use ${options.prefix}${m.command.name}.`);
      }
      return;
    }
    await commands[m.command.name as CommandName](m as CommandContext & { chat: ChatRef & { room: Room } });
  });

  const checkSpam = async (m: MessageContext, chat: ChatRef & { room: Room }): Promise<void> => {
    if (spam === undefined) return;
    const member = chat.room.members.get(m.sender.userName);
    if (member === undefined) return;
    const reply = (c: OutgoingContent) => m.reply(c);
    const text = m.text;
    let reason: string | undefined;
    if (spam.links) {
      const hosts = linkHosts(text);
      if (m.message.kind === 'link') hosts.push(...linkHosts(m.message.url));
      if (m.message.kind === 'link' && hosts.length === 0) reason = 'no links';
      else if (hosts.some((h) => !hostAllowed(h, spam.allowDomains))) reason = 'no links';
    }
    if (reason === undefined) {
      const lower = text.toLowerCase();
      const word = spam.keywords.find((k) => lower.includes(k.toLowerCase()));
      if (word !== undefined) reason = 'forbidden words';
    }
    if (reason === undefined && flood?.hit(`${roomKey(chat)}\n${member.userName}`, now()) === true) reason = 'flooding';
    if (reason !== undefined) await strike(chat, reply, member, reason);
  };

  if (options.welcome !== false) {
    const template = options.welcome;
    ctx.on('room:join', async (m, next) => {
      const people = m.invitees.filter((p) => !p.isSelf);
      if (managed(m.chat) && people.length > 0 && people.length === m.invitees.length) {
        await say(
          (c) => m.reply(c),
          fill(template, { names: people.map((p) => p.name).join(', '), room: m.chat.name ?? '' }),
        );
      }
      await next();
    });
  }
  if (options.farewell !== false) {
    const template = options.farewell;
    ctx.on('room:leave', async (m, next) => {
      const people = m.leavers.filter((p) => !p.isSelf && !takeRemovedByUs(p));
      if (managed(m.chat) && !m.event.selfLeft && people.length > 0) {
        await say(
          (c) => m.reply(c),
          fill(template, { names: people.map((p) => p.name).join(', '), room: m.chat.name ?? '' }),
        );
      }
      await next();
    });
  }

  return strikes.load();
}

/** Room administration: admin-only commands, welcome/farewell, anti-spam with warn → kick. */
// Annotated: an inferred type prints its unions in whatever order tsc met them, so the API report would
// differ between a clean and an incremental build.
export const groupAdmin: Plugin<GroupAdminOptions, ResolvedGroupAdminOptions> = definePlugin({
  name: '@wxbot/plugin-group-admin',
  description: 'Room administration: kick, topic, invite, warn, welcome, anti-spam.',
  options: optionsSchema,
  // It administers rooms: kicks, topics and invites need both.
  requires: ['rooms', 'roomAdmin'],
  // Room administration and its replies; commands may come from the owner in a direct chat, hence 'any'.
  permissions: {
    actions: [
      'send',
      'rooms.add',
      'rooms.invite',
      'rooms.remove',
      'rooms.setTopic',
      'contacts.setRemark',
      'chats.pin',
      'chats.unpin',
    ],
    chats: 'any',
  },
  setup,
});
