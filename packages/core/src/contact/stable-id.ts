import type { StableIdConfidence } from './types.js';

/**
 * Stable ids come in two strengths. Strong ids name one account for good: a
 * wxid (`wxid_…`, `…@chatroom`, a special id), `alias:<WeChat ID>` (unique on
 * WeChat), `encry:<room id>`, the account's own `uin:<n>`. Weak ids
 * (`weak:<kind>:<name>`) are built from a display name when nothing better is
 * known: enough to find a contact again, never enough to trust one — two
 * people with the same name share the weak id.
 */
export type StableIdStrength = 'strong' | 'weak';

/** The prefix every weak stable id starts with (`weak:friend:Alice`). */
export const WEAK_STABLE_ID_PREFIX = 'weak:';

/** Whether a stable id is weak (name-based); ids without the `weak:` prefix are strong. */
export function isWeakStableId(id: string): boolean {
  return id.startsWith(WEAK_STABLE_ID_PREFIX);
}

/** `'strong'` or `'weak'` for a stable id. */
export function stableIdStrength(id: string): StableIdStrength {
  return isWeakStableId(id) ? 'weak' : 'strong';
}

/** Anything that carries a stable id: a contact, a sender, a chat. */
export interface HasStableId {
  readonly stableId: string | undefined;
  readonly stableIdConfidence?: StableIdConfidence | undefined;
  readonly contact?: { readonly stableIdConfidence: StableIdConfidence | undefined } | undefined;
}

/**
 * The stable id of `who` when it is strong, else undefined: what identity checks
 * (admins, allow-lists) must compare, so a namesake never passes for someone.
 */
export function strongStableId(who: HasStableId | undefined): string | undefined {
  const id = who?.stableId;
  if (id === undefined || id === '' || isWeakStableId(id)) return undefined;
  const confidence = who?.stableIdConfidence ?? who?.contact?.stableIdConfidence;
  // A medium (remark + avatar) match is good for keeping a plugin's notes, not for granting rights.
  return confidence === 'weak' || confidence === 'remark-avatar' ? undefined : id;
}

/**
 * Why a configured identity entry cannot be a weak id, and what to write
 * instead; undefined when `entry` is fine. For option schemas (`admins`, …).
 */
export function weakStableIdProblem(entry: string): string | undefined {
  if (!isWeakStableId(entry)) return undefined;
  return (
    `"${entry}" is a weak stable id: it is made from a display name, so anyone with that name would match it. ` +
    'Name the person by a strong id instead (their wxid "wxid_…" or "alias:<their WeChat ID>"), ' +
    'or give them a unique remark name on your phone and list that remark.'
  );
}

/** `'strong'`, `'medium'` or `'weak'` for a confidence (undefined: no stable id at all). */
export function confidenceLevel(confidence: StableIdConfidence | undefined): 'strong' | 'medium' | 'weak' | undefined {
  if (confidence === undefined) return undefined;
  if (confidence === 'weak') return 'weak';
  return confidence === 'remark-avatar' ? 'medium' : 'strong';
}
