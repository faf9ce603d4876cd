/**
 * The pipeline's floor (issue 20): the same plain-text messages through the least a pipeline must do —
 * a hand-written normaliser (the fields a text message needs, the sender from a Map) and ten awaited
 * middlewares doing the ten bench plugins' own work by hand (a counter, a per-sender map, the command,
 * keyword, echo and ping regexes, the room, mention and media checks) — with nothing of the framework:
 * no message classes, no contact store, no recent-message cache, no filters, no plugin scopes, no
 * action log. Measured the same way as the rows beside it (each message awaited, 500 per batch).
 */
import type { RawMessage } from '@wxbot/core';

import { timeLoop, type LoopRow } from './pipeline-loop.js';

interface FloorMessage {
  id: string;
  kind: 'text' | 'other';
  text: string;
  chat: string;
  sender: string;
  senderName: string;
  inRoom: boolean;
  at: number;
  state: Record<string, unknown>;
}

type Middleware = (m: FloorMessage, next: () => Promise<void>) => Promise<void>;

/** grammY's shape in ten lines: each middleware gets the rest of the chain as `next`. */
function compose(chain: readonly Middleware[]): (m: FloorMessage) => Promise<void> {
  return (m) => {
    const run = (i: number): Promise<void> => (i < chain.length ? chain[i]!(m, () => run(i + 1)) : Promise.resolve());
    return run(0);
  };
}

function floorPlugins(replies: { n: number }): Middleware[] {
  let seen = 0;
  const perSender = new Map<string, number>();
  const reply = async (): Promise<void> => {
    replies.n++;
  };
  return [
    async (m, next) => {
      m.state['seen'] = ++seen;
      await next();
    },
    async (_m, next) => next(),
    async (m, next) => {
      if (m.kind !== 'text') return next();
      const n = (perSender.get(m.sender) ?? 0) + 1;
      perSender.set(m.sender, n);
      if (perSender.size > 10_000) perSender.clear();
      if (m.text.length > 5_000) return;
      await next();
    },
    async (m, next) => (m.kind === 'text' && /^\/(help|start)\b/.test(m.text) ? reply() : next()),
    async (m, next) => (m.kind === 'text' && /天气|weather|你好/i.test(m.text) ? reply() : next()),
    async (m, next) => (m.inRoom && m.kind === 'text' && /^\/kick\b/.test(m.text) ? reply() : next()),
    async (m, next) => {
      if (m.inRoom && m.text.includes('@')) m.state['mentioned'] = true;
      await next();
    },
    async (m, next) => next(),
    async (m, next) => (!m.inRoom && m.kind === 'text' && /^echo (.+)$/s.test(m.text) ? reply() : next()),
    async (m, next) => (m.kind === 'text' && /ping (\d+)$/.test(m.text) ? reply() : next()),
  ];
}

export type FloorRow = LoopRow;

/** Runs the floor over `pool` (the same copies the measured row used) for at most `maxMs`. */
export async function runPipelineFloor(
  pool: readonly RawMessage[],
  names: ReadonlyMap<string, string>,
  o: { smoke: boolean },
): Promise<FloorRow> {
  const replies = { n: 0 };
  const dispatch = compose(floorPlugins(replies));
  let seq = 0;
  const one = async (): Promise<void> => {
    const raw = pool[seq % pool.length]!;
    seq++;
    const room = raw.FromUserName.startsWith('@@');
    let text = raw.Content;
    let sender = raw.FromUserName;
    if (room) {
      const cut = text.indexOf(':<br/>');
      if (cut > 0) {
        sender = text.slice(0, cut);
        text = text.slice(cut + 6);
      }
    }
    const m: FloorMessage = {
      id: raw.MsgId,
      kind: raw.MsgType === 1 ? 'text' : 'other',
      text,
      chat: raw.FromUserName,
      sender,
      senderName: names.get(sender) ?? '',
      inRoom: room,
      at: raw.CreateTime * 1000,
      state: {},
    };
    await dispatch(m);
  };
  return timeLoop(one, () => replies.n, o);
}
