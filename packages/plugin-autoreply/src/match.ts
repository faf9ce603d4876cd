/** A rule's trigger: a keyword contained in the text, the exact text, or a regular expression. */
export type Trigger = { keyword: string } | { exact: string } | { regex: RegExp };

export interface TriggerMatch {
  /** Regex captures (index 0 is the whole match); for keyword and exact, just the matched text. */
  groups: readonly string[];
  /** Named captures of a regex trigger. */
  named: Readonly<Record<string, string>>;
}

/** Tests a trigger against message text; `null` when it does not match. */
export function matchTrigger(trigger: Trigger, text: string, caseSensitive = false): TriggerMatch | null {
  const norm = (s: string) => (caseSensitive ? s : s.toLowerCase());
  if ('keyword' in trigger) {
    return trigger.keyword !== '' && norm(text).includes(norm(trigger.keyword))
      ? { groups: [trigger.keyword], named: {} }
      : null;
  }
  if ('exact' in trigger) {
    return norm(text.trim()) === norm(trigger.exact.trim()) ? { groups: [text.trim()], named: {} } : null;
  }
  // A global or sticky regex keeps lastIndex between calls; such a one is copied so every message starts
  // fresh. Compiled rules never are (compileRules strips g and y once), so no regex is built per message.
  const flags = trigger.regex.flags;
  const re =
    flags.includes('g') || flags.includes('y')
      ? new RegExp(trigger.regex.source, flags.replace(/[gy]/g, ''))
      : trigger.regex;
  const m = re.exec(text);
  if (!m) return null;
  return { groups: m.map((g) => g ?? ''), named: { ...(m.groups ?? {}) } };
}

/** Fills `$1`, `$<name>` and `$$` in a reply template from a match. */
export function fillTemplate(template: string, match: TriggerMatch): string {
  return template.replace(/\$(\$|\d+|<([A-Za-z_]\w*)>)/g, (whole, token: string, name: string | undefined) => {
    if (token === '$') return '$';
    if (name !== undefined) return match.named[name] ?? '';
    return match.groups[Number(token)] ?? whole;
  });
}
