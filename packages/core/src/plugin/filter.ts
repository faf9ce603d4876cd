import type { ChatMessageKind, MessageOfKind } from '../message/types.js';
import { CHAT_MESSAGE_KINDS } from '../message/kinds.js';
import { closest } from './suggest.js';
import type {
  BotContext,
  FriendAddedContext,
  FriendRequestContext,
  MessageContext,
  RoomJoinContext,
  RoomLeaveContext,
  RoomTopicContext,
  LoginContext,
  LogoutContext,
  BanContext,
  BanRiskContext,
  ContactsUpdatedContext,
  BotAddedContext,
  RecallContext,
} from './types.js';

/** Event queries besides messages, and the context each one delivers. */
export interface EventQueryContexts {
  'friend:request': FriendRequestContext;
  'friend:added': FriendAddedContext;
  'room:join': RoomJoinContext;
  'room:leave': RoomLeaveContext;
  'room:topic': RoomTopicContext;
  'room:bot-added': BotAddedContext;
  recall: RecallContext;
  'contacts:updated': ContactsUpdatedContext;
  login: LoginContext;
  logout: LogoutContext;
  ban: BanContext;
  'ban-risk': BanRiskContext;
}

export type MessageQuery = 'message' | `message:${ChatMessageKind}`;
export type EventQuery = keyof EventQueryContexts;
/** Everything `ctx.on(...)` accepts. */
export type FilterQuery = MessageQuery | EventQuery;

/** Every valid filter query, in documentation order. */
export const FILTER_QUERIES: readonly FilterQuery[] = [
  'message',
  ...CHAT_MESSAGE_KINDS.map((kind) => `message:${kind}` as const),
  'friend:request',
  'friend:added',
  'room:join',
  'room:leave',
  'room:topic',
  'room:bot-added',
  'recall',
  'contacts:updated',
  'login',
  'logout',
  'ban',
  'ban-risk',
];
const QUERY_SET: ReadonlySet<string> = new Set(FILTER_QUERIES);

/** The context a query delivers: `'message:image'` → `MessageContext<ImageMessage>`. */
export type QueryContext<Q extends FilterQuery> = Q extends 'message'
  ? MessageContext
  : Q extends `message:${infer K extends ChatMessageKind}`
    ? MessageContext<MessageOfKind<K>>
    : Q extends EventQuery
      ? EventQueryContexts[Q]
      : never;

/**
 * `C` narrowed by query `Q`. From the root context this is exactly the
 * query's context; under an earlier filter it keeps what that filter added.
 */
export type Narrow<C, Q extends FilterQuery> = [BotContext] extends [C] ? QueryContext<Q> : C & QueryContext<Q>;

/** Thrown at registration time for a query that does not exist. */
export class FilterQueryError extends Error {
  override name = 'FilterQueryError';
}

/** Throws a FilterQueryError (with a suggestion and the valid list) unless `query` is valid. */
export function assertFilterQuery(query: unknown): asserts query is FilterQuery {
  if (typeof query === 'string' && QUERY_SET.has(query)) return;
  const shown = typeof query === 'string' ? `"${query}"` : String(query);
  const suggestion = typeof query === 'string' ? closest(query, FILTER_QUERIES) : undefined;
  throw new FilterQueryError(
    `unknown filter query ${shown}.${suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`}\n` +
      `Valid queries: ${FILTER_QUERIES.join(', ')}`,
  );
}

/** Builds the runtime predicate for a (validated) query. */
export function queryPredicate(query: FilterQuery): (context: BotContext) => boolean {
  if (query === 'message') return (context) => context.type === 'message';
  if (query.startsWith('message:')) {
    const kind = query.slice('message:'.length);
    return (context) => context.type === 'message' && context.message.kind === kind;
  }
  return (context) => context.type === query;
}
