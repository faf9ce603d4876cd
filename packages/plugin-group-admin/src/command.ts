export interface ParsedCommand {
  name: string;
  /** The text after the command name, trimmed. */
  rest: string;
  /** `@name` targets in order; a name ends at U+2005 (WeChat's mention separator), a space or the end. */
  mentions: string[];
}

/** Reads `/kick @Tom`, `/topic New name` etc.; `null` when the text is not a command. */
export function parseCommand(text: string, prefix = '/'): ParsedCommand | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith(prefix)) return null;
  const m = /^(\S+)\s*([\s\S]*)$/.exec(trimmed.slice(prefix.length));
  if (!m || !/^[A-Za-z][\w-]*$/.test(m[1]!)) return null;
  const rest = m[2]!.trim();
  const mentions = [...rest.matchAll(/(?:^|[\s\u2005])@([^\s\u2005@]+)/g)].map((x) => x[1]!);
  return { name: m[1]!.toLowerCase(), rest, mentions };
}
