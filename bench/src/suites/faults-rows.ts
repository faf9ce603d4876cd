/**
 * The rows of the fault matrix (issue 13): what each switches on, when, and
 * when it switches it off. Every row runs against its own simulator and bot;
 * `inject` runs beside the message stream, its times measured from the
 * stream's start.
 */
import type { SimControl } from '../harness/control.js';
import type { Child } from '../ipc.js';
import type { BotUnderTest } from './faults-bot.js';

export interface RowContext {
  control: SimControl;
  sim: Child;
  bot: BotUnderTest;
  /** The stream's planned length (count ÷ rate). */
  streamMs: number;
  /** Messages in the stream (the MsgType 51 flood scales with it). */
  count: number;
  /** Resolves `ms` after the stream started. */
  at(ms: number): Promise<void>;
  note(text: string): void;
}

export interface FaultRow {
  name: string;
  /** What is injected and when, for the table. */
  fault: string;
  inject(ctx: RowContext): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Clears the simulator's fault rules, noting how often they fired first (rule refusals leave no action). */
async function clearNoting(c: RowContext): Promise<void> {
  const fired = (await c.control.faults()).reduce((n, f) => n + f.fired, 0);
  c.note(`fired ${fired}×`);
  await c.control.clearFaults();
}

/** A simulator fault rule on from 25 % to 75 % of the stream. */
function ruleWindow(name: string, fault: string, rule: Record<string, unknown>): FaultRow {
  return {
    name,
    fault: `${fault}, 25–75 % of the stream`,
    async inject(c) {
      await c.at(c.streamMs * 0.25);
      await c.control.addFaults([{ kind: String(rule['kind']), ...rule }]);
      await c.at(c.streamMs * 0.75);
      await clearNoting(c);
    },
  };
}

/** webwxsendmsg refused with Ret 1205 for `seconds`, from 25 % of the stream. */
function refusalWindow(seconds: number): FaultRow {
  return {
    name: `1205 ${seconds} s`,
    fault: `every webwxsendmsg Ret 1205 for ${seconds} s, from 25 %`,
    async inject(c) {
      await c.at(c.streamMs * 0.25);
      await c.control.addFaults([{ kind: 'ret', ret: 1205, endpoint: 'webwxsendmsg' }]);
      await sleep(seconds * 1000);
      await clearNoting(c);
    },
  };
}

function pluginWindow(name: string, mode: 'throw' | 'hang', fault: string): FaultRow {
  return {
    name,
    fault: `${fault}, 25–75 % of the stream`,
    async inject(c) {
      await c.at(c.streamMs * 0.25);
      await c.bot.pluginFault(mode);
      await c.at(c.streamMs * 0.75);
      await c.bot.pluginFault('off');
    },
  };
}

const KILL_POINTS = [0.25, 0.5, 0.75];

export const FAULT_ROWS: readonly FaultRow[] = [
  ruleWindow('drop', '10 % of all requests dropped unanswered', { kind: 'drop', probability: 0.1 }),
  ruleWindow('5xx', '10 % of all requests answered HTTP 503', { kind: 'http', status: 503, probability: 0.1 }),
  ruleWindow('latency', '20 % of all requests delayed 1.5 s', { kind: 'latency', ms: 1500, probability: 0.2 }),
  {
    name: '1101 expiry',
    fault: 'session ended (1101) at 25 % and 60 %',
    async inject(c) {
      for (const p of [0.25, 0.6]) {
        await c.at(c.streamMs * p);
        await c.control.expire(1101);
      }
    },
  },
  {
    name: 'kill -9 mid-stream',
    fault: 'bot SIGKILLed at 25, 50, 75 % and started again on the same data dir',
    async inject(c) {
      for (const p of KILL_POINTS) {
        await c.at(c.streamMs * p);
        await c.bot.kill();
        await c.bot.start();
      }
    },
  },
  {
    name: 'kill -9 mid-send',
    fault: 'bot SIGKILLed inside an accepted webwxsendmsg (before its answer) at 25, 50, 75 %; started again',
    async inject(c) {
      for (const p of KILL_POINTS) {
        await c.at(c.streamMs * p);
        if (await c.bot.killOnNextSend(c.sim, 10_000)) await c.bot.start();
        else c.note('no send within 10 s to kill inside');
      }
    },
  },
  refusalWindow(3),
  refusalWindow(10),
  refusalWindow(60),
  {
    name: 'stuck selector',
    fault: 'synccheck selector 2 with empty webwxsync for 5 s, from 25 %',
    async inject(c) {
      await c.at(c.streamMs * 0.25);
      await c.control.addFaults([{ kind: 'stuck-selector', endpoint: 'synccheck' }]);
      await sleep(5000);
      await clearNoting(c);
    },
  },
  ruleWindow('accept-then-drop', '10 % of webwxsendmsg delivered, then the answer dropped', {
    kind: 'accept-then-drop',
    endpoint: 'webwxsendmsg',
    probability: 0.1,
  }),
  pluginWindow('throwing plugin', 'throw', 'a plugin before echo throws on every text'),
  pluginWindow('never-resolving plugin', 'hang', 'a plugin before echo never resolves on any text'),
  {
    name: '1204 senders',
    fault: '2 private senders remove the bot at 25 % (replies to them get Ret 1204)',
    async inject(c) {
      await c.at(c.streamMs * 0.25);
      await c.sim.call({ type: 'unreach', senders: 2 }, 10_000);
    },
  },
  {
    name: 'MsgType 51 flood',
    fault: 'one status notify naming 500k chats (× count/2000) at 25 %',
    async inject(c) {
      await c.at(c.streamMs * 0.25);
      const names = Math.max(1000, Math.round((500_000 * c.count) / 2000));
      await c.sim.call({ type: 'flood51', entries: 1, names }, 60_000);
      c.note(`${names} names`);
    },
  },
];

export function rowSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Row names as `--faults-rows` takes them. */
export function faultRowNames(): string[] {
  return FAULT_ROWS.map((r) => rowSlug(r.name));
}
