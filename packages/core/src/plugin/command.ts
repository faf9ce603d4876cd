/** A parsed command line such as `/kick @Bob "too loud"`. */
export interface ParsedCommand {
  /** The command name without prefix, lower-cased (`kick`). */
  readonly name: string;
  /** The prefix that introduced it (`/`). */
  readonly prefix: string;
  /** Positional arguments with quotes removed; mentions are left out (see `mentionNames`). */
  readonly args: readonly string[];
  /** Names written as `@name` among the arguments, in order. */
  readonly mentionNames: readonly string[];
  /** Everything after the command name, trimmed, as typed. */
  readonly rest: string;
}

/** WeChat ends an @-mention with U+2005 (four-per-em space); names may contain ordinary spaces. */
const MENTION_END = '\u2005';
const QUOTES: Readonly<Record<string, string>> = { '"': '"', "'": "'", '“': '”', '‘': '’', '「': '」' };

function isSpace(char: string): boolean {
  return /\s/u.test(char) || char === MENTION_END;
}

/**
 * Splits an argument string: whitespace separates, quotes (ASCII, curly or
 * 「」) group, backslash escapes inside quotes, `@name` becomes a mention
 * (up to U+2005 when present, else up to whitespace).
 */
export function tokenizeArguments(input: string): { args: string[]; mentionNames: string[] } {
  const args: string[] = [];
  const mentionNames: string[] = [];
  let i = 0;
  while (i < input.length) {
    const char = input[i]!;
    if (isSpace(char)) {
      i++;
      continue;
    }
    const close = QUOTES[char];
    if (close !== undefined) {
      let value = '';
      i++;
      while (i < input.length && input[i] !== close) {
        if (input[i] === '\\' && i + 1 < input.length) i++;
        value += input[i] ?? '';
        i++;
      }
      i++; // closing quote (an unclosed quote runs to the end)
      args.push(value);
      continue;
    }
    if (char === '@') {
      const end = input.indexOf(MENTION_END, i);
      const stop = end === -1 ? findSpace(input, i) : end;
      const name = input.slice(i + 1, stop).trim();
      if (name.length > 0) mentionNames.push(name);
      i = stop;
      continue;
    }
    const stop = findSpace(input, i);
    args.push(input.slice(i, stop));
    i = stop;
  }
  return { args, mentionNames };
}

function findSpace(input: string, from: number): number {
  let i = from;
  while (i < input.length && !isSpace(input[i]!)) i++;
  return i;
}

/**
 * Where a leading `@name` ends: at U+2005 when WeChat inserted one (names may
 * hold spaces), unless a command prefix starts a word before it ("@Bot /kick
 * @Bob\u2005" typed with a space after "Bot"); else at the first whitespace.
 */
function leadingMentionEnd(body: string, prefixes: readonly string[]): number {
  const picked = body.indexOf(MENTION_END);
  const typed = findSpace(body, 0);
  if (typed === body.length) return picked;
  if (picked === -1) return typed;
  for (let i = typed; i < picked; i++) {
    if (isSpace(body[i]!) && prefixes.some((p) => body.startsWith(p, i + 1))) return typed;
  }
  return picked;
}

/**
 * Parses `text` as a command when it starts (after optional leading
 * @-mentions, as when someone addresses the bot in a room) with one of
 * `prefixes` followed by a name; undefined otherwise.
 */
export function parseCommand(text: string, prefixes: readonly string[] = ['/']): ParsedCommand | undefined {
  let body = text.trimStart();
  const usable = prefixes.filter((p) => p.length > 0);
  // "@Bot /kick @Bob": skip leading mentions so a command can address the bot.
  while (body.startsWith('@')) {
    const end = leadingMentionEnd(body, usable);
    if (end === -1) break;
    body = body.slice(end + 1).trimStart();
  }
  const prefix = usable.find((p) => body.startsWith(p));
  if (prefix === undefined) return undefined;
  const match = /^([\p{L}\p{N}_-]+)/u.exec(body.slice(prefix.length));
  if (match === null) return undefined;
  const after = body.slice(prefix.length + match[0].length);
  if (after.length > 0 && !isSpace(after[0]!)) return undefined;
  const rest = after.trim();
  const { args, mentionNames } = tokenizeArguments(rest);
  return { name: match[1]!.toLowerCase(), prefix, args, mentionNames, rest };
}
