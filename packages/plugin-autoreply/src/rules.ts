import { readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, resolve } from 'node:path';

import { jitiLoader, type MessageContext, type TextMessage } from '@wxbot/core';
import { z } from 'zod';

import { matchTrigger, type Trigger, type TriggerMatch } from './match.js';
import { ruleSchema, type MatchFunction, type ReplyFunction } from './options.js';

type ParsedRule = z.output<typeof ruleSchema>;

export type ReplySpec =
  | { readonly kind: 'texts'; readonly texts: readonly string[] }
  | { readonly kind: 'image'; readonly path: string; readonly name: string | undefined }
  | { readonly kind: 'file'; readonly path: string; readonly name: string | undefined }
  | { readonly kind: 'function'; readonly fn: ReplyFunction };

/** A rule ready to run. */
export interface CompiledRule {
  /** For logs: the rule's name, or where it came from (`rules[2]`, `replies.json[0]`). */
  readonly label: string;
  readonly test: (text: string, message: MessageContext<TextMessage>) => TriggerMatch | null;
  readonly reply: ReplySpec;
  readonly chats: 'all' | 'private' | 'rooms' | undefined;
  readonly only: readonly string[] | undefined;
  readonly mentionOnly: boolean | undefined;
  readonly addressAsker: boolean | undefined;
}

/** Thrown when rules (from options, a function or a file) are invalid; names where. */
export class RulesError extends Error {
  override name = 'RulesError';
}

const list = (v: string | readonly string[]): readonly string[] => (typeof v === 'string' ? [v] : v);

function triggers(rule: ParsedRule): Trigger[] {
  if (rule.keyword !== undefined) return list(rule.keyword).map((keyword) => ({ keyword }));
  if (rule.exact !== undefined) return list(rule.exact).map((exact) => ({ exact }));
  if (rule.regex !== undefined) {
    const re = typeof rule.regex === 'string' ? new RegExp(rule.regex, rule.flags) : rule.regex;
    return [{ regex: new RegExp(re.source, re.flags.replace(/[gy]/g, '')) }];
  }
  return [];
}

function customTest(match: MatchFunction) {
  return (text: string, message: MessageContext<TextMessage>): TriggerMatch | null => {
    const result = match(text, message);
    if (result === null || result === undefined || result === false) return null;
    if (result === true) return { groups: [text], named: {} };
    return { groups: [...result], named: {} };
  };
}

function replySpec(rule: ParsedRule, baseDir: string | undefined): ReplySpec {
  const r = rule.reply;
  const path = (p: string) => (baseDir === undefined || isAbsolute(p) ? p : resolve(baseDir, p));
  if (typeof r === 'string') return { kind: 'texts', texts: [r] };
  if (Array.isArray(r)) return { kind: 'texts', texts: r };
  if (typeof r === 'function') return { kind: 'function', fn: r };
  if ('text' in r) return { kind: 'texts', texts: [r.text] };
  if ('image' in r) return { kind: 'image', path: path(r.image), name: r.name };
  return { kind: 'file', path: path(r.file), name: r.name };
}

/**
 * Validates and compiles rules. `where` names their source in errors
 * (`rules`, `rulesFile (./replies.json)`); media paths of file rules resolve
 * against `baseDir`.
 */
export function compileRules(input: unknown, where: string, caseSensitive: boolean, baseDir?: string): CompiledRule[] {
  const parsed = z.array(ruleSchema).safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
      return `${where}${path}: ${issue.message}`;
    });
    throw new RulesError(`invalid autoreply rules:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data.map((rule, index) => {
    const label = rule.name ?? `${where}[${index}]`;
    let test: CompiledRule['test'];
    if (rule.match !== undefined) test = customTest(rule.match);
    else {
      const ts = triggers(rule);
      test = (text) => {
        for (const t of ts) {
          const m = matchTrigger(t, text, caseSensitive);
          if (m !== null) return m;
        }
        return null;
      };
    }
    return {
      label,
      test,
      reply: replySpec(rule, baseDir),
      chats: rule.chats,
      only: rule.only,
      mentionOnly: rule.mentionOnly,
      addressAsker: rule.addressAsker,
    };
  });
}

const CODE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);

/** Reads a rules file afresh (never from a module cache) and returns its raw rules. */
export async function readRulesFile(file: string): Promise<unknown> {
  const ext = extname(file).toLowerCase();
  let value: unknown;
  if (ext === '.json') {
    let body: string;
    try {
      body = await readFile(file, 'utf8');
    } catch (error) {
      throw new RulesError(`rulesFile ${file}: cannot read: ${(error as Error).message}`);
    }
    try {
      value = JSON.parse(body) as unknown;
    } catch (error) {
      throw new RulesError(`rulesFile ${file}: invalid JSON: ${(error as Error).message}`);
    }
  } else if (CODE_EXTENSIONS.has(ext)) {
    try {
      value = await jitiLoader(file, '');
    } catch (error) {
      throw new RulesError(`rulesFile ${file}: failed to load: ${(error as Error).message.split('\n')[0]}`);
    }
    if (typeof value === 'function') value = await (value as () => unknown)();
  } else {
    throw new RulesError(`rulesFile ${file}: unsupported extension "${ext}" (use .json, .js, .mjs or .ts)`);
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'rules' in value) {
    value = value.rules;
  }
  if (!Array.isArray(value)) {
    throw new RulesError(`rulesFile ${file}: expected an array of rules (or { "rules": [...] })`);
  }
  return value;
}

export function rulesFileDir(file: string): string {
  return dirname(file);
}
