import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

import {
  definePlugin,
  isOwner,
  parseCommand,
  stripMentions,
  strongStableId,
  textMention,
  type ChatRef,
  type MessageContext,
  type OutgoingContent,
  type PluginContext,
  type SenderRef,
  type TextMessage,
  type Plugin,
} from '@wxbot/core';

import type { ReloadResult } from './controller.js';
import { Cooldowns, inQuietHours } from './limits.js';
import { fillTemplate, type TriggerMatch } from './match.js';
import { optionsSchema, type AutoreplyOptions, type ResolvedAutoreplyOptions } from './options.js';
import { compileRules, readRulesFile, type CompiledRule } from './rules.js';

function chatMatches(entry: string, chat: ChatRef): boolean {
  if (entry === chat.userName || entry === chat.stableId || entry === chat.name) return true;
  const c = chat.contact;
  if (c === undefined) return false;
  return entry === c.remarkName || entry === c.nickName || (chat.room !== undefined && entry === chat.room.topic);
}

function senderMatches(entry: string, sender: SenderRef): boolean {
  if (entry === sender.userName || entry === sender.stableId || entry === sender.name) return true;
  const c = sender.contact;
  return c !== undefined && (entry === c.remarkName || entry === c.nickName);
}

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

/** Removes the @-mentions of the bot, with any separator, so `exact` rules still match "@Bot hi". */
function stripSelfMentions(m: MessageContext<TextMessage>, selfNames: readonly string[]): string {
  return stripMentions(m.text, selfNames);
}

function selfNames(ctx: PluginContext, chat: ChatRef): string[] {
  const self = ctx.contacts.self;
  const names = [self.nickName];
  const member = chat.room?.members.get(self.userName);
  if (member !== undefined && member.displayName !== '') names.push(member.displayName);
  return names;
}

function setup(ctx: PluginContext, options: ResolvedAutoreplyOptions): Promise<void> {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const cooldowns = new Cooldowns(options.cooldown);
  const file = options.rulesFile === undefined ? undefined : resolve(ctx.baseDir, options.rulesFile);
  let rules: CompiledRule[] = [];

  const load = async (): Promise<CompiledRule[]> => {
    const inline = typeof options.rules === 'function' ? await options.rules() : options.rules;
    const compiled = compileRules(inline, 'rules', options.caseSensitive);
    if (file !== undefined) {
      const fromFile = await readRulesFile(file);
      compiled.push(
        ...compileRules(fromFile, `rulesFile (${options.rulesFile})`, options.caseSensitive, dirname(file)),
      );
    }
    return compiled;
  };

  // Reloads run one at a time so an older, slower read never overwrites a newer one.
  let reloading: Promise<unknown> = Promise.resolve();
  const reload = (): Promise<ReloadResult> => {
    const run = reloading.then(async () => {
      rules = await load();
      ctx.logger.info(`autoreply: ${rules.length} rule(s) loaded`);
      return { rules: rules.length };
    });
    reloading = run.catch(() => undefined);
    return run;
  };
  const reloadInBackground = (why: string) => {
    reload().catch((error: unknown) => {
      ctx.logger.error({ err: error }, `autoreply: reload on ${why} failed; the previous rules stay active`);
    });
  };

  if (options.controller !== undefined) ctx.onDispose(options.controller.attach(reload));

  if (options.reloadSignal !== undefined) {
    const signal = options.reloadSignal;
    const onSignal = () => {
      reloadInBackground(signal);
    };
    process.on(signal, onSignal);
    ctx.onDispose(() => process.off(signal, onSignal));
  }

  if (options.watch && file !== undefined) {
    let pending: { cancel(): void } | undefined;
    let watcher: FSWatcher;
    try {
      // Watch the directory: editors and atomic writers replace the file, which ends a watch on the file itself.
      watcher = watch(dirname(file), (_event, changed) => {
        if (changed !== null && changed !== basename(file)) return;
        pending?.cancel();
        pending = ctx.setTimeout(() => {
          reloadInBackground(`change of ${options.rulesFile}`);
        }, options.watchDebounceMs);
      });
    } catch (error) {
      throw new Error(`autoreply: cannot watch rulesFile ${file}: ${(error as Error).message}`);
    }
    watcher.on('error', (error) => {
      ctx.logger.error({ err: error }, 'autoreply: watching rulesFile failed');
    });
    ctx.onDispose(() => {
      watcher.close();
    });
  }

  const reloadCommand = options.reloadCommand;
  if (reloadCommand !== undefined) {
    ctx.command(reloadCommand, async (m, next) => {
      if (!isAdmin(options.admins, m.sender)) {
        // What the owner needs to make this sender an admin: the strong id to list, or why there is none.
        const strongId = strongStableId(m.sender);
        ctx.logger.info(
          { sender: m.sender.name, command: reloadCommand, ...(strongId === undefined ? {} : { strongId }) },
          strongId === undefined
            ? 'ignored a reload command from a non-admin (no strong id known: list a remark name you set for them)'
            : 'ignored a reload command from a non-admin (list strongId in admins to allow them)',
        );
        return next();
      }
      try {
        const { rules: count } = await reload();
        await m.reply(`Reloaded ${count} auto-reply rule(s).`);
      } catch (error) {
        await m.reply(`Reload failed; the previous rules stay active.\n${(error as Error).message}`);
      }
    });
  }

  const isReloadCommand = (text: string): boolean =>
    reloadCommand !== undefined && parseCommand(text)?.name === reloadCommand.toLowerCase();

  const applies = (rule: CompiledRule, m: MessageContext<TextMessage>): boolean => {
    const chats = rule.chats ?? options.chats;
    if (chats === 'private' && m.chat.isRoom) return false;
    if (chats === 'rooms' && !m.chat.isRoom) return false;
    const only = rule.only ?? options.only;
    if (only !== undefined && !only.some((entry) => chatMatches(entry, m.chat))) return false;
    const mentionOnly = rule.mentionOnly ?? options.mentionOnly;
    if (mentionOnly && m.chat.isRoom && !m.message.mentionsSelf) return false;
    return true;
  };

  let toldTextOnly = false;
  const produce = async (
    rule: CompiledRule,
    m: MessageContext<TextMessage>,
    text: string,
    match: TriggerMatch,
  ): Promise<OutgoingContent | undefined> => {
    const spec = rule.reply;
    let content: OutgoingContent | null | undefined;
    switch (spec.kind) {
      case 'texts': {
        const pick = spec.texts[Math.min(spec.texts.length - 1, Math.floor(random() * spec.texts.length))]!;
        content = fillTemplate(pick, match);
        break;
      }
      case 'image':
        content = spec.name === undefined ? { image: spec.path } : { image: spec.path, name: spec.name };
        break;
      case 'file':
        content = spec.name === undefined ? { file: spec.path } : { file: spec.path, name: spec.name };
        break;
      case 'function':
        try {
          content = await spec.fn({ message: m, text, match });
        } catch (error) {
          ctx.logger.error({ err: error, messageId: m.id }, `autoreply: reply function of rule "${rule.label}" failed`);
          return undefined;
        }
        break;
    }
    if (content === null || content === undefined) return undefined;
    if (typeof content === 'string' && content.trim() === '') return undefined;
    const address = rule.addressAsker ?? options.addressAsker;
    const asker = m.sender.name;
    if (address && m.chat.isRoom && asker !== undefined && asker.trim() !== '') {
      const at = textMention(asker, ctx.capabilities);
      if (!at.notifies && !toldTextOnly) {
        // Said once, so whoever reads the log knows the asker sees their name but gets no alert.
        toldTextOnly = true;
        ctx.logger.info(
          'addressAsker writes @name as text: this transport cannot notify the asker (limits.mentionsNotify)',
        );
      }
      if (typeof content === 'string') return `${at.text}${content}`;
      if ('text' in content) return { text: `${at.text}${content.text}` };
    }
    return content;
  };

  ctx.on('message:text', async (m, next) => {
    await answer(m);
    await next();
  });

  const answer = async (m: MessageContext<TextMessage>): Promise<void> => {
    // Never answer ourselves: not the bot's own sends, not the owner typing on the phone.
    if (m.sentByBot || m.sender.isSelf) return;
    if (isReloadCommand(m.text)) return;
    if (options.ignore.some((entry) => senderMatches(entry, m.sender))) return;
    if (!rules.some((r) => applies(r, m))) return;
    const at = now();
    if (options.quietHours !== undefined && inQuietHours(new Date(at), options.quietHours)) return;
    const chatKey = m.chat.stableId ?? m.chat.userName;
    const userKey = m.sender.stableId ?? m.sender.userName;
    const blocked = cooldowns.blocked(chatKey, userKey, at);
    if (blocked !== undefined) {
      ctx.logger.debug({ messageId: m.id }, `autoreply: not answering (${blocked})`);
      return;
    }
    const text = m.message.mentionsSelf ? stripSelfMentions(m, selfNames(ctx, m.chat)) : m.text.trim();
    let answered = false;
    for (const rule of rules) {
      if (!applies(rule, m)) continue;
      const match = rule.test(text, m);
      if (match === null) continue;
      const content = await produce(rule, m, text, match);
      if (content === undefined) continue;
      if (!answered) cooldowns.record(chatKey, userKey, at);
      answered = true;
      try {
        await m.reply(content);
      } catch (error) {
        ctx.logger.warn({ err: error, messageId: m.id }, `autoreply: sending the reply of rule "${rule.label}" failed`);
      }
      if (options.mode === 'first') break;
    }
  };

  return reload().then(
    () => undefined,
    (error: unknown) => {
      throw new Error(`autoreply: cannot load rules: ${(error as Error).message}`);
    },
  );
}

/**
 * Answers messages by rules: keyword, exact text, regex or a function
 * triggers a text, a random text, an image, a file or a function's answer.
 */
// Annotated: an inferred type prints its unions in whatever order tsc met them, so the API report would
// differ between a clean and an incremental build.
export const autoreply: Plugin<AutoreplyOptions, ResolvedAutoreplyOptions> = definePlugin({
  name: '@wxbot/plugin-autoreply',
  description: 'Keyword, regex and function auto-replies in rooms and private chats.',
  options: optionsSchema,
  // Rooms-only or private-only rules cannot work on a transport without them; `all` runs on either.
  requires: ({ chats }) => (chats === 'rooms' ? ['rooms'] : chats === 'private' ? ['directChats'] : []),
  // It only replies: nothing else is allowed (the host refuses it), and a config entry may narrow the chats.
  permissions: { actions: ['send'], chats: 'any' },
  setup,
});
