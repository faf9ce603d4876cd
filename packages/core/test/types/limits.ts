/* eslint-disable @typescript-eslint/no-meaningless-void-operator -- type tests reference values only to check their types */
// Type-level tests for the protocol's limits (issue 16 item 7): `pnpm test` runs tsc first, so every
// `@ts-expect-error` here must stay an error and every other line must compile.
import type { Message } from '../../src/message/types.js';
import { definePlugin } from '../../src/plugin/define.js';
import { limitsOf, textMention, type TextMention } from '../../src/transport/limits.js';
import type { CapabilityName, ProtocolLimits, TransportCapabilities } from '../../src/transport/types.js';

declare const capabilities: TransportCapabilities;
declare const message: Message;

// Limits are optional on a transport (older ones compile), and always whole once read through limitsOf.
const maybe: ProtocolLimits | undefined = capabilities.limits;
const read: ProtocolLimits = limitsOf(capabilities);
const notifies: boolean = read.mentionsNotify;
// @ts-expect-error without limitsOf the flags may be missing
const unchecked: boolean = capabilities.limits.quote;
// @ts-expect-error limits are read-only values
read.calls = true;
void [maybe, notifies, unchecked];

// A limit is not a capability a plugin can require.
// @ts-expect-error 'limits' is not a capability name
const notRequirable: CapabilityName = 'limits';
// @ts-expect-error nor is one of its flags
definePlugin({ name: 'needs-mentions', requires: ['mentionsNotify'], setup() {} });
void notRequirable;

// The mention helper's result says whether it notifies, and cannot be mistaken for plain text.
const at: TextMention = textMention('Bob', capabilities);
const atNotifies: boolean = at.notifies;
// @ts-expect-error a TextMention is not a string: use `.text`
const asString: string = at;
void [atNotifies, asString];

// Kinds the protocol cannot act on carry `actionable: false`, narrowed by kind.
if (message.kind === 'red-packet' || message.kind === 'transfer' || message.kind === 'voip') {
  const never: false = message.actionable;
  // @ts-expect-error no transport can act on them
  const can: true = message.actionable;
  void [never, can];
}
if (message.kind === 'system' && (message.notice.type === 'red-packet' || message.notice.type === 'call')) {
  const never: false = message.notice.actionable;
  void never;
}
if (message.kind === 'system' && message.notice.type === 'recall') {
  // @ts-expect-error a recall notice has nothing to act on, and no flag
  void message.notice.actionable;
}
if (message.kind === 'text') {
  // @ts-expect-error only the kinds that cannot be acted on have the flag
  void message.actionable;
}
