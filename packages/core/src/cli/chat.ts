import type { Simulator, WorldSpec } from '@wxbot/simulator';

import type { Bot } from '../bot/bot.js';
import { closest } from '../plugin/suggest.js';
import { findPerson, findRoom } from '../testing/names.js';
import type { CliIo } from './io.js';
import { promptScreen } from './prompt-screen.js';

const HELP = `Chat commands start with "." so that every "/" command reaches the bot (/help included):
  <text>                 say it (as the current person, in the current place); /ping, /help ... are said too
  .as <name>             speak as someone else (a friend's name or wxid)
  .in <room>             speak inside a room the current person is in (its name or id); .in alone = private chat
  .request <name> [text] someone (new or known) sends the bot a friend request
  .join <room> <name>    someone joins a room;  .leave <room> <name>  someone leaves
  .rename <room> <topic> someone renames a room
  .who                   list people and rooms
  .help                  this help;  .quit (or Ctrl+D)  stop the bot
  Other lines starting with "." are said as typed; "..who" says ".who".
`;

/** Prompt-local commands: written with a leading "." (see HELP). */
const CHAT_COMMANDS = ['as', 'in', 'request', 'join', 'leave', 'rename', 'who', 'help', 'quit', 'exit'];

export interface ChatOptions {
  /** Called on /quit, Ctrl+C, Ctrl+D or end of input. Default: SIGINT to this process, which `start` waits for. */
  readonly onQuit?: () => void;
}

/**
 * The terminal chat: type as a simulated friend or inside a simulated room
 * and see what the bot does in reply (the action lines printed by `start`).
 */
export function openChatPrompt(
  io: CliIo,
  sim: Simulator,
  world: WorldSpec,
  bot: Bot,
  options: ChatOptions = {},
): { close(): void } {
  const onQuit =
    options.onQuit ??
    (() => {
      process.kill(process.pid, 'SIGINT');
    });
  let as = world.friends?.[0]?.wxid ?? '';
  let room: string | undefined;

  const screen = promptScreen(io, () => {
    offProcessed();
  });
  const { rl } = screen;
  const draw = screen.draw;

  const name = (wxid: string) => findPerson(world, wxid)?.nickName ?? wxid;
  const topic = (id: string) => sim.world.room(id)?.topic ?? findRoom(world, id)?.topic ?? id;
  const prompt = () => {
    rl.setPrompt(`${name(as)}${room === undefined ? '' : ` @ ${topic(room)}`}> `);
    rl.prompt();
  };
  const print = (line: string) => {
    draw(`${line}\n`);
  };
  const person = (who: string | undefined): string | undefined => {
    if (who === undefined || who === '') return undefined;
    const found = findPerson(world, who);
    if (found === undefined) print(`nobody called "${who}" (try .who)`);
    return found?.wxid;
  };
  const roomOf = (which: string | undefined): string | undefined => {
    if (which === undefined || which === '') return undefined;
    const found = findRoom(world, which);
    if (found === undefined) print(`no room "${which}" (try .who)`);
    return found?.id;
  };
  const isMember = (id: string, wxid: string) => sim.world.room(id)?.members.has(wxid) ?? false;
  const notMember = (id: string, wxid: string) => {
    print(`${name(wxid)} is not in ${topic(id)} (.as someone who is, or .join ${topic(id)} ${name(wxid)})`);
  };
  const say = (body: string): string | undefined => {
    if (room !== undefined && !isMember(room, as)) {
      notMember(room, as);
      return undefined;
    }
    return sim.say({ from: as, text: body, ...(room === undefined ? {} : { room }) }).msgId;
  };

  // A mistyped command would otherwise vanish: say so when no plugin acted on it.
  const unknownCommands = new Map<string, string>();
  const offProcessed = bot.onProcessed((processed) => {
    const word = unknownCommands.get(processed.message.id);
    if (word === undefined) return;
    unknownCommands.delete(processed.message.id);
    if (bot.actions.all().some((a) => a.cause === processed.message.id)) return;
    io.stdout.write(`/${word}: no plugin answered it (chat prompt commands start with ".": .help lists them)\n`);
  });

  const usage = (text: string) => {
    print(`usage: ${text}`);
  };

  rl.on('line', (line) => {
    const text = line.trim();
    try {
      const word = /^\.(\S*)/.exec(text)?.[1] ?? '';
      // ".hlep" was meant for the prompt; ".hi" or "..." are things to say.
      const guess =
        /^[a-z]{3,}$/i.test(word) && !CHAT_COMMANDS.includes(word) ? closest(word, CHAT_COMMANDS) : undefined;
      if (text === '') {
        // nothing
      } else if (text.startsWith('/')) {
        // Bot commands (/ping, /help, /kick ...): said, and flagged when no plugin answers.
        const id = say(text);
        if (id !== undefined) unknownCommands.set(id, text.slice(1).split(/\s+/)[0] ?? '');
      } else if (guess !== undefined) {
        print(`.${word}: not a chat command (did you mean .${guess}?); to say it, start with ".."`);
      } else if (!CHAT_COMMANDS.includes(word)) {
        // "..who" says ".who"; "..." and ".5%" are said as typed.
        say(/^\.\.[a-z]+(\s|$)/i.test(text) ? text.slice(1) : text);
      } else {
        const [command = '', ...rest] = text.slice(1).split(/\s+/);
        const arg = rest.join(' ');
        switch (command) {
          case 'as': {
            if (arg === '') {
              usage('.as <name>');
              break;
            }
            const who = person(arg);
            if (who === undefined) break;
            as = who;
            if (room !== undefined && !isMember(room, as)) notMember(room, as);
            break;
          }
          case 'in': {
            if (arg === '') {
              room = undefined;
              break;
            }
            const id = roomOf(arg);
            if (id === undefined) break;
            // Speaking in a room one is not in is impossible: the prompt stays where it was.
            if (!isMember(id, as)) {
              notMember(id, as);
              break;
            }
            room = id;
            break;
          }
          case 'request': {
            const [who = '', ...words] = rest;
            if (who === '') {
              usage('.request <name> [text]');
              break;
            }
            const known = findPerson(world, who);
            const spec = known?.wxid ?? {
              wxid: `wxid_${who.toLowerCase().replace(/[^a-z0-9]/g, '') || Date.now().toString(36)}`,
              nickName: who,
            };
            // New people join the world so /as and /who know them.
            if (typeof spec !== 'string') world.strangers = [...(world.strangers ?? []), spec];
            sim.friendRequest({ from: spec, text: words.join(' ') });
            print(
              `${known?.nickName ?? who} asked to be the bot's friend${words.length > 0 ? `: "${words.join(' ')}"` : ''}`,
            );
            break;
          }
          case 'join':
          case 'leave': {
            const [which = '', who = ''] = rest;
            if (which === '' || who === '') {
              usage(`.${command} <room> <name>`);
              break;
            }
            const id = roomOf(which);
            const member = id === undefined ? undefined : person(who);
            if (id === undefined || member === undefined) break;
            if (command === 'join') sim.roomJoin({ room: id, members: member, inviter: as });
            else sim.roomLeave({ room: id, member });
            break;
          }
          case 'rename': {
            const [which = '', ...words] = rest;
            if (which === '' || words.length === 0) {
              usage('.rename <room> <topic>');
              break;
            }
            const id = roomOf(which);
            if (id !== undefined) sim.roomRename({ room: id, topic: words.join(' '), by: as });
            break;
          }
          case 'who':
            print(
              `people: ${[...(world.friends ?? []), ...(world.strangers ?? [])].map((p) => `${p.nickName} (${p.wxid})`).join(', ')}`,
            );
            print(`rooms:  ${(world.rooms ?? []).map((r) => `${topic(r.id)} (${r.id})`).join(', ')}`);
            break;
          case 'quit':
          case 'exit':
            quit();
            return;
          case 'help':
            draw(HELP);
            break;
        }
      }
    } catch (error) {
      print(`simulator: ${(error as Error).message}`);
    }
    prompt();
  });

  const release = () => {
    screen.release();
  };
  const quit = () => {
    release();
    onQuit();
  };
  // Raw mode turns Ctrl+C into this event instead of a signal.
  rl.on('SIGINT', quit);
  // Ctrl+D on an empty line or the end of stdin: nothing more can be typed.
  rl.on('close', () => {
    if (!screen.closing) quit();
  });
  prompt();
  return { close: release };
}
