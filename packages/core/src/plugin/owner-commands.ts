import { strongStableId, weakStableIdProblem } from '../contact/stable-id.js';
import type { SenderRef } from '../message/types.js';
import type { ChatSwitches } from './chat-switches.js';
import type { CommandContext } from './composer.js';
import { definePlugin, type Plugin } from './define.js';

/** The built-in plugin's name (in logs and the action log); it cannot be switched off by its own command. */
export const OWNER_COMMANDS_PLUGIN = '@wxbot/owner-commands';

/**
 * `account.ownerCommands` / `BotOptions.ownerCommands`: the owner switches plugins per chat by typing
 * `/plugin off <name>`, `/plugin on <name>` or `/plugin list` in that chat.
 */
export interface OwnerCommandsOptions {
  /**
   * Who may run them besides the account itself (what the owner types on the phone always counts):
   * strong stable ids (`wxid_…`, `alias:…`) or remark names the owner set. Display names never count,
   * since anyone can take one; a weak (name-based) stable id is refused at start for the same reason.
   */
  readonly owners?: readonly string[];
  /** What starts a command; default `['/']`. */
  readonly prefixes?: readonly string[];
  /** The command's name; default `'plugin'`. */
  readonly command?: string;
}

/** What the built-in needs of the bot: the switches and the names of the plugins it may switch. */
export interface OwnerCommandsHost {
  readonly switches: Pick<ChatSwitches, 'isOn' | 'set'>;
  /** The account's plugins, in pipeline order (the built-in itself left out). */
  readonly plugins: () => readonly string[];
}

/** Checks the options, so a typo fails at start naming the setting instead of silently letting nobody in. */
export function checkOwnerCommandsOptions(options: OwnerCommandsOptions, where = 'ownerCommands'): void {
  const owners = options.owners ?? [];
  if (!Array.isArray(owners)) throw new TypeError(`${where}.owners: expected an array of stable ids or remark names`);
  for (const [i, entry] of owners.entries()) {
    if (typeof entry !== 'string' || entry.trim() === '')
      throw new TypeError(`${where}.owners[${i}]: expected a non-empty string (a wxid, "alias:…" or a remark name)`);
    const problem = weakStableIdProblem(entry);
    if (problem !== undefined) throw new TypeError(`${where}.owners[${i}]: ${problem}`);
  }
  const prefixes = options.prefixes ?? ['/'];
  if (!Array.isArray(prefixes) || prefixes.length === 0 || prefixes.some((p) => typeof p !== 'string' || p === ''))
    throw new TypeError(`${where}.prefixes: expected a non-empty array of non-empty strings such as ["/", "!"]`);
  const command = options.command ?? 'plugin';
  if (typeof command !== 'string' || !/^[\p{L}\p{N}_-]+$/u.test(command))
    throw new TypeError(`${where}.command: "${command}" is not a command name (letters, digits, _ or -)`);
}

/**
 * Owners are told apart by a strong stable id or a remark the owner set, never by a name the sender
 * chose: a namesake of an owner must not switch plugins off.
 */
export function isOwner(
  owners: readonly string[],
  sender: Pick<SenderRef, 'isSelf' | 'stableId' | 'contact'>,
): boolean {
  if (sender.isSelf) return true;
  const id = strongStableId(sender);
  if (id !== undefined && owners.includes(id)) return true;
  const remark = sender.contact?.remarkName;
  return remark !== undefined && remark !== '' && owners.includes(remark);
}

/**
 * The built-in that answers owner commands. Built by the bot (it holds the switches), placed first
 * in the pipeline, and it switches plugins through the same {@link ChatSwitches} the control API uses,
 * so both see and persist the same state.
 */
export function ownerCommandsPlugin(host: OwnerCommandsHost, options: OwnerCommandsOptions = {}): Plugin {
  checkOwnerCommandsOptions(options);
  const owners = options.owners ?? [];
  const prefixes = options.prefixes ?? ['/'];
  const command = options.command ?? 'plugin';
  const usage = `Usage: ${prefixes[0] ?? '/'}${command} list | on <plugin> | off <plugin>`;
  return definePlugin({
    name: OWNER_COMMANDS_PLUGIN,
    description: 'Owner commands: switch a plugin on or off in one chat',
    permissions: { actions: ['send'], chats: 'any' },
    setup(ctx) {
      ctx.command(command, { prefixes }, async (m: CommandContext, next) => {
        if (!isOwner(owners, m.sender)) {
          // Logged, not answered: a stranger learns nothing, and the owner learns what to list to allow them.
          const strongId = strongStableId(m.sender);
          ctx.logger.info(
            { sender: m.sender.name, command, ...(strongId === undefined ? {} : { strongId }) },
            'ignored an owner command from someone who is not an owner (list their strong id or remark in ownerCommands.owners)',
          );
          return next();
        }
        await m.reply(await answerOwnerCommand(host, m, usage));
      });
    },
  });
}

/** The answer to one owner's command (exported for tests: the chat-independent part of the built-in). */
export async function answerOwnerCommand(
  host: OwnerCommandsHost,
  m: Pick<CommandContext, 'command' | 'chat'>,
  usage: string,
): Promise<string> {
  // Split by hand: the argument tokenizer reads `@wxbot/plugin-x` as an @-mention.
  const [verb, typed, ...extra] = m.command.rest.split(/\s+/u).filter((w) => w !== '');
  const known = host.plugins();
  // A chat without a stable id is switched by its session UserName (good until the next login).
  const chat = m.chat.stableId ?? m.chat.userName;
  const action = verb?.toLowerCase();
  if (action === 'list') {
    if (known.length === 0) return 'No plugins to switch.';
    return known.map((p) => `${p}: ${host.switches.isOn(p, chat) ? 'on' : 'off'}`).join('\n');
  }
  if ((action !== 'on' && action !== 'off') || typed === undefined || extra.length > 0) return usage;
  const name = findPlugin(known, typed);
  if (name === undefined) {
    return `Unknown plugin "${typed}". Known plugins: ${known.length === 0 ? '(none)' : known.join(', ')}`;
  }
  const on = action === 'on';
  try {
    await host.switches.set(name, chat, on);
  } catch (error) {
    return `Could not save the switch for ${name}: ${(error as Error).message}`;
  }
  const until = m.chat.stableId === undefined ? ' (until the next login: this chat has no stable id yet)' : '';
  return `${name} is now ${on ? 'on' : 'off'} in this chat${until}.`;
}

/**
 * The plugin `typed` names: its full name, or a short one (`autoreply` for `@wxbot/plugin-autoreply`)
 * when exactly one plugin has it, so the owner need not type the scope on a phone.
 */
export function findPlugin(known: readonly string[], typed: string): string | undefined {
  if (known.includes(typed)) return typed;
  const short = (name: string): string => name.replace(/^@[^/]+\//u, '').replace(/^(?:wxbot-)?plugin-/u, '');
  const matches = known.filter((name) => short(name) === typed || name.replace(/^@[^/]+\//u, '') === typed);
  return matches.length === 1 ? matches[0] : undefined;
}
