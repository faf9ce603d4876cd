import type { ActionRecord } from '../plugin/types.js';

/** Thrown by the `expect*` helpers; the message says what was expected and what the bot did. */
export class TestBotAssertionError extends Error {
  override name = 'TestBotAssertionError';
}

/** A readable summary of one action, for failure messages. */
export interface ActionSummary {
  readonly action: ActionRecord['action'];
  readonly plugin: string | undefined;
  /** Stable id (wxid / ...@chatroom) of the target. */
  readonly to: string | undefined;
  /** Display name of the target. */
  readonly toName: string;
  readonly text: string | undefined;
  readonly members: readonly string[];
  readonly status: ActionRecord['status'];
}

export type TextMatcher = string | RegExp;

/** Whether `text` is `matcher` (exactly, for a string) or matches it (a RegExp). */
export const matchesText = (matcher: TextMatcher, text: string | undefined): boolean =>
  text !== undefined && (typeof matcher === 'string' ? text === matcher : matcher.test(text));
