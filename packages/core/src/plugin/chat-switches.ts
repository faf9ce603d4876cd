import type { ContactDirectory } from '../contact/types.js';
import type { KeyValueStore } from '../storage/types.js';

/** Where the switches are kept: one key in this storage namespace. */
export const CHAT_SWITCHES_NAMESPACE = '@wxbot/chat-switches';
const KEY = 'off';

/** The built-in that answers owner commands (its home is owner-commands.ts, which re-exports it). */
export const OWNER_COMMANDS_PLUGIN = '@wxbot/owner-commands';

/** Refused switch: the owner commands cannot be switched off per chat. */
export class SwitchRefused extends Error {
  override name = 'SwitchRefused';
}

/** One plugin switched off in one chat. `chat` is the chat's stable id (or its UserName when it has none). */
export interface ChatSwitch {
  readonly plugin: string;
  readonly chat: string;
}

/**
 * Per-chat plugin switches: a plugin switched off in a chat does not see that chat's messages and
 * events (the others still do). Keyed by stable id, so a switch survives re-login, and persisted
 * in plugin storage. Checked on every dispatch: the common case (nothing switched off) costs one
 * size test.
 */
export class ChatSwitches {
  /** plugin -> chats it is off in. */
  readonly #off = new Map<string, Set<string>>();
  #directory: Pick<ContactDirectory, 'contact'> | undefined;
  #saving: Promise<void> = Promise.resolve();

  constructor(private readonly store?: KeyValueStore) {}

  /** Where session UserNames are turned into stable ids (the client's contact store, once logged in). */
  attach(directory: Pick<ContactDirectory, 'contact'>): void {
    this.#directory = directory;
  }

  /** Reads the saved switches. */
  async load(): Promise<void> {
    const saved = await this.store?.get<ChatSwitch[]>(KEY);
    if (!Array.isArray(saved)) return;
    for (const s of saved) if (typeof s?.plugin === 'string' && typeof s.chat === 'string') this.#add(s.plugin, s.chat);
  }

  /** True when `plugin` is switched off in the chat whose session UserName is `userName`. */
  skips(plugin: string, userName: string): boolean {
    if (this.#off.size === 0) return false;
    const chats = this.#off.get(plugin);
    if (chats === undefined) return false;
    if (chats.has(userName)) return true;
    const stableId = this.#directory?.contact(userName)?.stableId;
    return stableId !== undefined && chats.has(stableId);
  }

  /** Whether `plugin` is on in `chat` (a stable id). */
  isOn(plugin: string, chat: string): boolean {
    return !(this.#off.get(plugin)?.has(chat) ?? false);
  }

  /** Every switched-off pair. */
  list(): ChatSwitch[] {
    return [...this.#off].flatMap(([plugin, chats]) => [...chats].map((chat) => ({ plugin, chat })));
  }

  /** Switches `plugin` on or off in `chat` (a stable id); resolves once saved. */
  async set(plugin: string, chat: string, on: boolean): Promise<void> {
    // Switched off in a chat, they could not be switched on again from that chat: the owner would be locked out.
    if (plugin === OWNER_COMMANDS_PLUGIN && !on)
      throw new SwitchRefused(
        `${OWNER_COMMANDS_PLUGIN} cannot be switched off in a chat (it is how the owner switches plugins there); ` +
          'turn it off for the account with ownerCommands: false in bot.config.ts',
      );
    if (on) {
      const chats = this.#off.get(plugin);
      chats?.delete(chat);
      if (chats?.size === 0) this.#off.delete(plugin);
    } else this.#add(plugin, chat);
    const list = this.list();
    // Saves one after another, so the last state written is the last one set.
    this.#saving = this.#saving
      .catch(() => undefined)
      .then(async () => {
        await this.store?.set(KEY, list);
      });
    await this.#saving;
  }

  #add(plugin: string, chat: string): void {
    let chats = this.#off.get(plugin);
    if (chats === undefined) this.#off.set(plugin, (chats = new Set()));
    chats.add(chat);
  }
}
