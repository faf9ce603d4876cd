import { createInterface } from 'node:readline';

import type { Simulator, WorldSpec } from '@wxbot/simulator';

import type { Bot } from '../bot/bot.js';
import { findPerson, findRoom } from '../testing/names.js';
import type { CliIo } from './io.js';

const HELP = `Chat commands:
  <text>                 say it (as the current person, in the current place)
  /as <name>             speak as someone else (a friend's name or wxid)
  /in <room>             speak inside a room (its name or id); /in with nothing = private chat
  /request <name> [text] someone (new or known) sends the bot a friend request
  /join <room> <name>    someone joins a room;  /leave <room> <name>  someone leaves
  /rename <room> <topic> someone renames a room
  /who                   list people and rooms
  /help                  this help;  /quit  stop the bot
`;

/**
 * The terminal chat: type as a simulated friend or inside a simulated room
 * and see what the bot does in reply (the action lines printed by `start`).
 */
export function openChatPrompt(io: CliIo, sim: Simulator, world: WorldSpec, bot: Bot): { close(): void } {
  let as = world.friends?.[0]?.wxid ?? '';
  let room: string | undefined;
  const rl = createInterface({ input: io.stdin, output: io.stdout, terminal: true });
  const name = (wxid: string) => findPerson(world, wxid)?.nickName ?? wxid;
  const prompt = () => {
    rl.setPrompt(`${name(as)}${room === undefined ? '' : ` @ ${findRoom(world, room)?.topic ?? room}`}> `);
    rl.prompt();
  };
  const print = (line: string) => {
    io.stdout.write(`${line}\n`);
  };
  const person = (who: string | undefined): string | undefined => {
    if (who === undefined || who === '') return undefined;
    const found = findPerson(world, who);
    if (found === undefined) print(`nobody called "${who}" (try /who)`);
    return found?.wxid;
  };
  const roomOf = (which: string | undefined): string | undefined => {
    if (which === undefined || which === '') return undefined;
    const found = findRoom(world, which);
    if (found === undefined) print(`no room "${which}" (try /who)`);
    return found?.id;
  };
  // Keep the prompt below what the bot prints.
  const off = bot.actions.subscribe(() => {
    setImmediate(prompt);
  });

  rl.on('line', (line) => {
    const text = line.trim();
    try {
      if (text === '') {
        // nothing
      } else if (!text.startsWith('/') || text.startsWith('//')) {
        const body = text.startsWith('//') ? text.slice(1) : text;
        sim.say({ from: as, text: body, ...(room === undefined ? {} : { room }) });
      } else {
        const [command, ...rest] = text.slice(1).split(/\s+/);
        const arg = rest.join(' ');
        switch (command) {
          case 'as': {
            const who = person(arg);
            if (who !== undefined) as = who;
            break;
          }
          case 'in':
            room = arg === '' ? undefined : (roomOf(arg) ?? room);
            break;
          case 'request': {
            const [who = '', ...words] = rest;
            const known = findPerson(world, who);
            const spec = known?.wxid ?? {
              wxid: `wxid_${who.toLowerCase().replace(/[^a-z0-9]/g, '') || 'new'}`,
              nickName: who,
            };
            if (typeof spec !== 'string') world.strangers = [...(world.strangers ?? []), spec];
            sim.friendRequest({ from: spec, text: words.join(' ') });
            break;
          }
          case 'join':
          case 'leave': {
            const [which = '', who = ''] = rest;
            const id = roomOf(which);
            const member = person(who);
            if (id !== undefined && member !== undefined) {
              if (command === 'join') sim.roomJoin({ room: id, members: member, inviter: as });
              else sim.roomLeave({ room: id, member });
            }
            break;
          }
          case 'rename': {
            const [which = '', ...topic] = rest;
            const id = roomOf(which);
            if (id !== undefined) sim.roomRename({ room: id, topic: topic.join(' '), by: as });
            break;
          }
          case 'who':
            print(
              `people: ${[...(world.friends ?? []), ...(world.strangers ?? [])].map((p) => `${p.nickName} (${p.wxid})`).join(', ')}`,
            );
            print(`rooms:  ${(world.rooms ?? []).map((r) => `${r.topic} (${r.id})`).join(', ')}`);
            break;
          case 'quit':
          case 'exit':
            process.kill(process.pid, 'SIGINT');
            return;
          case 'help':
            io.stdout.write(HELP);
            break;
          default:
            // Unknown slash words are bot commands (/ping, /kick ...): say them.
            sim.say({ from: as, text, ...(room === undefined ? {} : { room }) });
        }
      }
    } catch (error) {
      print(`simulator: ${(error as Error).message}`);
    }
    prompt();
  });
  rl.on('SIGINT', () => {
    process.kill(process.pid, 'SIGINT');
  });
  prompt();
  return {
    close: () => {
      off();
      rl.close();
    },
  };
}
