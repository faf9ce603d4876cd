export interface VerifyRule {
  /** Accept when the verify text contains any of these (case-insensitive). */
  keywords?: readonly string[];
  /** Accept when the verify text matches this. */
  regex?: RegExp;
}

/**
 * Decides from the request's verify text whether a rule lets it through.
 * A rule with neither keywords nor regex accepts everyone.
 */
export function verifyTextAllowed(rule: VerifyRule, verifyText: string): boolean {
  const hasKeywords = rule.keywords !== undefined && rule.keywords.length > 0;
  if (!hasKeywords && rule.regex === undefined) return true;
  const text = verifyText.toLowerCase();
  if (hasKeywords && rule.keywords!.some((k) => k !== '' && text.includes(k.toLowerCase()))) return true;
  if (rule.regex !== undefined) {
    return new RegExp(rule.regex.source, rule.regex.flags.replace(/[gy]/g, '')).test(verifyText);
  }
  return false;
}
