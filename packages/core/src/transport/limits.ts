/**
 * The protocol's honest limits as values (issue 16 item 7): what a plugin author might assume works and
 * does not — a mention that notifies, quoting, red packets, transfers, calls — readable from
 * `ctx.capabilities`, so code branches on a value instead of on the docs.
 */
import type { ProtocolLimits, TransportCapabilities } from './types.js';

/**
 * Web WeChat: `webwxsendmsg` has no mention or quote field (an `@Name` is text), and red packets,
 * transfers and calls are handled on the phone only.
 */
export const WEB_LIMITS: ProtocolLimits = Object.freeze({
  mentionsNotify: false,
  quote: false,
  openRedPacket: false,
  acceptTransfer: false,
  calls: false,
});

/** What a transport that declares no limits is read as: none of these work (the safe assumption). */
export const UNDECLARED_LIMITS: ProtocolLimits = Object.freeze({
  mentionsNotify: false,
  quote: false,
  openRedPacket: false,
  acceptTransfer: false,
  calls: false,
});

/** The transport's limits; a transport written before `limits` existed is read as able to do none of them. */
export function limitsOf(capabilities: Pick<TransportCapabilities, 'limits'>): ProtocolLimits {
  return capabilities.limits ?? UNDECLARED_LIMITS;
}

/** WeChat ends a mention picked from the member list with U+2005 (four-per-em space). */
const MENTION_END = '\u2005';

/**
 * An `@Name` to put in a message, and whether it will notify anyone. On every transport wxbot has it
 * will not (`notifies: false`): the person sees their name but gets no mention alert, and a bot that
 * must reach someone should say so in words or message them directly.
 */
export interface TextMention {
  /** `@Name` and the U+2005 WeChat writes after a picked mention: prepend it to the reply text. */
  readonly text: string;
  /** The name as given. */
  readonly name: string;
  /** Whether the person is notified (the transport's `limits.mentionsNotify`). */
  readonly notifies: boolean;
}

/**
 * Writes a mention of `name` as the transport can: text, flagged with whether it notifies.
 *
 * @example
 * const at = textMention(m.sender.name ?? '', ctx.capabilities);
 * await m.reply(`${at.text}your order shipped`);
 * if (!at.notifies) ctx.logger.debug('the mention is text only; the asker gets no alert');
 */
export function textMention(name: string, capabilities: Pick<TransportCapabilities, 'limits'>): TextMention {
  const cleaned = name.trim();
  if (cleaned === '') throw new TypeError('textMention(): name is empty; pass the display name to write after @');
  return Object.freeze({
    text: `@${cleaned}${MENTION_END}`,
    name: cleaned,
    notifies: limitsOf(capabilities).mentionsNotify,
  });
}
