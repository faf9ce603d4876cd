import { definePlugin, type FriendRequestInfo, type PluginContext, type Plugin } from '@wxbot/core';

import { localDay, RequestLedger, type FriendRequestRecord } from './history.js';
import { optionsSchema, type FriendAcceptOptions, type ResolvedFriendAcceptOptions } from './options.js';
import { Pacer } from './queue.js';
import { verifyTextAllowed } from './verify.js';
import { WaitingStore } from './waiting.js';

/** Fills `{nickname}` and `{verify}`. */
export function fillRequestTemplate(template: string, request: FriendRequestInfo): string {
  return template.replace(/\{(nickname|verify)\}/g, (_, key: string) =>
    key === 'nickname' ? request.nickName : request.verifyText,
  );
}

function isBlocked(block: readonly string[], request: FriendRequestInfo): boolean {
  return block.some(
    (b) =>
      b === request.stableId ||
      b === request.alias ||
      b === request.userName ||
      (request.nickName !== '' && b === request.nickName),
  );
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function setup(ctx: PluginContext, options: ResolvedFriendAcceptOptions): Promise<void> {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const regex =
    options.regex === undefined
      ? undefined
      : typeof options.regex === 'string'
        ? new RegExp(options.regex, options.flags)
        : options.regex;
  const rule = {
    ...(options.keywords === undefined ? {} : { keywords: options.keywords }),
    ...(regex === undefined ? {} : { regex }),
  };
  const ledger = new RequestLedger(ctx.storage, options.historyLimit);
  await ledger.load();
  const pacer = new Pacer({
    minMs: options.delayMs.min,
    maxMs: options.delayMs.max,
    random,
    now,
    setTimer: (run, ms) => ctx.setTimeout(run, ms),
  });
  /** Requests waiting for their slot, by person; a repeated request only refreshes the ticket. */
  const pending = new Map<string, FriendRequestInfo>();
  // Mirrors `pending` (and the accept in progress) in storage: a restart resumes them instead of dropping them.
  const waiting = new WaitingStore(ctx.storage);
  const left = await waiting.load();
  let running = 0;

  const record = (
    request: FriendRequestInfo,
    decision: FriendRequestRecord['decision'],
    reason: string,
    problems: string[] = [],
  ) => {
    const at = now();
    const entry: FriendRequestRecord = {
      at,
      decision,
      reason,
      stableId: request.stableId,
      userName: request.userName,
      nickName: request.nickName,
      verifyText: request.verifyText,
      ...(problems.length === 0 ? {} : { problems }),
    };
    const level = decision === 'failed' ? 'warn' : 'info';
    ctx.logger[level](`friend-accept: ${decision} ${request.nickName || request.userName}: ${reason}`);
    return ledger.record(entry, localDay(at));
  };

  const welcome = (request: FriendRequestInfo): string | undefined => {
    const w = options.welcome;
    if (w === false) return undefined;
    const template = typeof w === 'string' ? w : w[Math.min(w.length - 1, Math.floor(random() * w.length))]!;
    return fillRequestTemplate(template, request);
  };

  const followUps = async (request: FriendRequestInfo): Promise<string[]> => {
    const problems: string[] = [];
    const attempt = async (what: string, action: () => Promise<unknown>) => {
      try {
        await action();
      } catch (error) {
        problems.push(`${what}: ${errorText(error)}`);
      }
    };
    const text = welcome(request);
    if (text !== undefined) await attempt('welcome', () => ctx.send(request.userName, text));
    const remark = options.remark;
    if (remark !== undefined) {
      await attempt('remark', () => ctx.contacts.setRemark(request.userName, fillRequestTemplate(remark, request)));
    }
    for (const entry of options.rooms) {
      const room = ctx.rooms.get(entry);
      if (room === undefined) {
        problems.push(`room "${entry}": the bot is in no room with that id or topic`);
        continue;
      }
      // Large rooms only accept invitations (the new member must confirm); small ones take a direct add.
      const invite = room.members.size > options.inviteAbove;
      await attempt(`${invite ? 'invite to' : 'add to'} room "${room.topic || entry}"`, () =>
        invite ? ctx.rooms.invite(room.userName, [request.userName]) : ctx.rooms.add(room.userName, [request.userName]),
      );
    }
    return problems;
  };

  /** Requests that came while the person's accept was on the wire: their ticket is the one to retry with. */
  const newer = new Map<string, FriendRequestInfo>();

  const accept = async (key: string): Promise<void> => {
    let request = pending.get(key);
    if (request === undefined) return;
    pending.delete(key);
    running++;
    const queuedAt = waiting.get(key)?.queuedAt ?? now();
    try {
      // Marked before acting: a restart that finds the mark reports the request instead of accepting
      // (and welcoming) twice.
      await waiting.set(key, { request, queuedAt, started: true });
      for (;;) {
        try {
          await ctx.acceptFriend(request);
          break;
        } catch (error) {
          // Asking again replaced the ticket this accept carried: the newest one gets a try.
          const retry = newer.get(key);
          newer.delete(key);
          if (retry === undefined) {
            await record(request, 'failed', `accept failed: ${errorText(error)}`);
            return;
          }
          request = retry;
          await waiting.set(key, { request, queuedAt, started: true });
        }
      }
      const problems = await followUps(request);
      await record(request, 'accepted', 'accepted', problems);
    } finally {
      running--;
      newer.delete(key);
      await waiting.delete(key);
    }
  };

  /** Takes the request's turn in the paced queue. */
  const enqueue = async (key: string, request: FriendRequestInfo, queuedAt: number): Promise<void> => {
    pending.set(key, request);
    try {
      await waiting.set(key, { request, queuedAt });
      const { delayMs } = pacer.schedule(() => {
        accept(key).catch((error: unknown) => {
          ctx.logger.error({ err: error }, 'friend-accept: accepting failed');
        });
      });
      ctx.logger.info(`friend-accept: accepting ${request.nickName || request.userName} in ${delayMs} ms`);
    } catch (error) {
      // Left in `pending`, the person's later requests would only refresh a ticket no timer holds.
      pending.delete(key);
      await waiting.delete(key);
      await record(request, 'failed', `could not schedule the accept: ${errorText(error)}`);
    }
  };

  const decide = (request: FriendRequestInfo): string | undefined => {
    if (isBlocked(options.block, request)) return 'blocked';
    const text = request.verifyText.toLowerCase();
    const spam = options.blockKeywords.find((k) => text.includes(k.toLowerCase()));
    if (spam !== undefined) return `blocked keyword "${spam}"`;
    if (!verifyTextAllowed(rule, request.verifyText)) return 'verify text did not match';
    const known = ctx.contacts.get(request.stableId ?? request.userName);
    if (known?.kind === 'friend') return 'already a friend';
    const today = ledger.acceptedOn(localDay(now()));
    if (today + pending.size + running >= options.dailyCap) return `daily cap (${options.dailyCap}) reached`;
    return undefined;
  };

  ctx.on('friend:request', async (m, next) => {
    const request = m.request;
    const key = request.stableId ?? request.userName;
    if (waiting.get(key)?.started === true) {
      // The accept is on the wire: queueing another would accept and welcome the person twice. Kept in
      // case that one fails on the ticket this request replaced.
      newer.set(key, request);
      ctx.logger.debug(`friend-accept: ${request.nickName} asked again while being accepted; ticket kept`);
    } else if (pending.has(key)) {
      // A repeated request carries a new ticket; only the newest one can be accepted.
      pending.set(key, request);
      await waiting.set(key, { request, queuedAt: waiting.get(key)?.queuedAt ?? now() });
      ctx.logger.debug(`friend-accept: ${request.nickName} asked again while waiting; ticket refreshed`);
    } else {
      const declined = decide(request);
      if (declined !== undefined) await record(request, 'declined', declined);
      else await enqueue(key, request, now());
    }
    await next();
  });

  await resume(ctx, left, waiting, ledger, { decide, enqueue, record });
}

/** Picks up what a previous run left waiting: queued requests are decided again and get their turn, at the usual pace. */
async function resume(
  ctx: PluginContext,
  { entries, skipped }: Awaited<ReturnType<WaitingStore['load']>>,
  waiting: WaitingStore,
  ledger: RequestLedger,
  queue: {
    decide(request: FriendRequestInfo): string | undefined;
    enqueue(key: string, request: FriendRequestInfo, queuedAt: number): Promise<void>;
    record(request: FriendRequestInfo, decision: 'failed' | 'declined', reason: string): Promise<void>;
  },
): Promise<void> {
  if (skipped > 0) ctx.logger.warn(`friend-accept: ${skipped} unreadable waiting request(s) in storage skipped`);
  if (entries.size > 0) ctx.logger.info(`friend-accept: ${entries.size} request(s) waiting from the last run`);
  for (const [key, entry] of entries) {
    const { request } = entry;
    if (entry.started === true) {
      // Stopped between the record and clearing the mark: the outcome is known and recorded.
      if (ledger.outcomeRecordedSince(request.stableId, request.userName, entry.queuedAt)) {
        await waiting.delete(key);
        continue;
      }
      await queue.record(
        request,
        'failed',
        'the bot stopped while accepting; whether the accept went through is unknown (check the phone)',
      );
      await waiting.delete(key);
      continue;
    }
    // Decided again under this run's options: a restart is how rules are changed.
    const declined = queue.decide(request);
    if (declined === undefined) await queue.enqueue(key, request, entry.queuedAt);
    else {
      await queue.record(request, 'declined', declined);
      await waiting.delete(key);
    }
  }
}

/** Accepts friend requests by rules, at a human pace, and welcomes, tags and seats new friends. */
// Annotated: an inferred type prints its unions in whatever order tsc met them, so the API report would
// differ between a clean and an incremental build.
export const friendAccept: Plugin<FriendAcceptOptions, ResolvedFriendAcceptOptions> = definePlugin({
  name: '@wxbot/plugin-friend-accept',
  description: 'Accept friend requests by rules; welcome, remark and invite new friends.',
  options: optionsSchema,
  // Its whole job is answering friend requests.
  requires: ['friendRequests'],
  // Accepts, welcomes (send), sets remarks and invites new friends into rooms; nothing else.
  permissions: {
    actions: ['acceptFriend', 'send', 'contacts.setRemark', 'rooms.add', 'rooms.invite'],
    chats: 'any',
  },
  setup,
});
