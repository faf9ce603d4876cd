import type { Bot } from '../bot/bot.js';
import type { Contact, Room } from '../contact/types.js';
import type { Message } from '../message/types.js';
import { createActions, resolveTarget, TargetError, type ActionBackend } from '../plugin/actions.js';
import { guardActions } from '../transport/capabilities.js';
import type { CliIo } from './io.js';
import { promptScreen } from './prompt-screen.js';

// The terminal client of a real account (the WeixinBot seed's, in wxbot): incoming messages are
// printed by chat as they arrive, and what is typed is sent AS THE ACCOUNT to the chosen chat. The
// simulator's prompt (chat.ts) speaks as friends instead; this one is for `wxbot start` on a real
// account at a terminal.

const HELP = `Lines are sent as the account to the current chat. Commands start with ".":
  .to <name>     talk in a chat (a friend's remark or nick name, a room's topic, or a stable id)
  .r             talk in the chat that wrote last
  .chats         chats that wrote since the start, with unread counts
  .help          this help;  .quit (or Ctrl+D)  stop the bot
  "..text" sends ".text".
`;

/** What the action log calls sends made from the terminal. */
export const TERMINAL_PLUGIN = 'terminal';

export interface AccountChatOptions {
  /** Called on .quit, Ctrl+C, Ctrl+D or end of input. Default: SIGINT to this process, which `start` waits for. */
  readonly onQuit?: () => void;
}

function nameOfContact(contact: Contact): string {
  if (contact.kind === 'room') return (contact as Room).topic || contact.nickName || contact.userName;
  return contact.remarkName || contact.nickName || contact.userName;
}

function chatLabel(message: Message): string {
  const chat = message.chat.name ?? message.chat.userName;
  return message.chat.isRoom ? `#${chat}` : chat;
}

function body(message: Message): string {
  return message.kind === 'text' ? message.text : `[${message.kind}]${message.text === '' ? '' : ` ${message.text}`}`;
}

/** Opens the account's chat prompt on `io`; `close()` gives the terminal back. */
export function openAccountChat(io: CliIo, bot: Bot, options: AccountChatOptions = {}): { close(): void } {
  const onQuit =
    options.onQuit ??
    (() => {
      process.kill(process.pid, 'SIGINT');
    });
  const transport = bot.transport;
  const backend: ActionBackend = {
    ...guardActions(transport),
    // A getter: the contact store is replaced at re-login.
    get contacts() {
      return transport.contacts;
    },
  };
  const actions = createActions(backend, bot.actions, { plugin: TERMINAL_PLUGIN, cause: undefined });
  let current: { userName: string; name: string } | undefined;
  let lastWriter: { userName: string; name: string } | undefined;
  const unread = new Map<string, { name: string; count: number }>();

  const screen = promptScreen(io, () => {
    offProcessed();
  });
  const { rl } = screen;
  const writeRaw = screen.draw;
  const print = (line: string) => {
    writeRaw(`${line}\n`);
  };
  const prompt = () => {
    rl.setPrompt(current === undefined ? '(.to <name> picks a chat)> ' : `to ${current.name}> `);
    rl.prompt();
  };

  const offProcessed = bot.onProcessed(({ message, dispatched }) => {
    // What the account itself sent (from here, the phone or a plugin) is shown by the action lines.
    if (!dispatched || message.isSelf) return;
    const chat = { userName: message.chat.userName, name: chatLabel(message) };
    lastWriter = chat;
    if (current?.userName !== chat.userName) {
      const seen = unread.get(chat.userName);
      unread.set(chat.userName, { name: chat.name, count: (seen?.count ?? 0) + 1 });
    }
    const who = message.chat.isRoom ? ` ${message.sender.name ?? message.sender.userName}:` : '';
    io.stdout.write(`[${chat.name}]${who} ${body(message)}\n`);
  });

  const choose = (chat: { userName: string; name: string }) => {
    current = chat;
    unread.delete(chat.userName);
  };

  const send = (text: string) => {
    const to = current;
    if (to === undefined) {
      print('no chat chosen: .to <name> first (or .r to answer the last one who wrote)');
      return;
    }
    actions.send(to.userName, text).catch((error: unknown) => {
      io.stdout.write(`could not send to ${to.name}: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  };

  rl.on('line', (line) => {
    const text = line.trim();
    const [word = '', ...rest] = text.startsWith('.') && !text.startsWith('..') ? text.slice(1).split(/\s+/) : [];
    const arg = rest.join(' ');
    try {
      if (text === '') {
        // nothing
      } else if (!text.startsWith('.') || text.startsWith('..')) {
        send(text.startsWith('..') ? text.slice(1) : text);
      } else if (word === 'to') {
        if (arg === '') print('usage: .to <name>');
        else {
          const found = resolveTarget(transport.contacts, arg, 'chat');
          choose(
            typeof found === 'string'
              ? { userName: found, name: arg }
              : {
                  userName: found.userName,
                  name: found.kind === 'room' ? `#${nameOfContact(found)}` : nameOfContact(found),
                },
          );
        }
      } else if (word === 'r') {
        if (lastWriter === undefined) print('nobody has written yet');
        else choose(lastWriter);
      } else if (word === 'chats') {
        if (unread.size === 0) print('no unread chats');
        for (const { name, count } of unread.values()) print(`${name}: ${count} unread`);
      } else if (word === 'help') {
        writeRaw(HELP);
      } else if (word === 'quit' || word === 'exit') {
        quit();
        return;
      } else {
        print(`.${word}: not a command (.help lists them; "..${word}" sends ".${word}")`);
      }
    } catch (error) {
      print(error instanceof TargetError ? `${error.message} (try a name as WeChat shows it)` : String(error));
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
  rl.on('SIGINT', quit);
  rl.on('close', () => {
    if (!screen.closing) quit();
  });
  print('Type to chat as the account (.help for commands). Ctrl+C stops.');
  prompt();
  return { close: release };
}
