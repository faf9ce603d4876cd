/**
 * The peer: wechat4u 0.7.14 (from npm, unmodified) pointed at the simulator,
 * running the same reply rule as bench-pong (`ping <n>` → `pong <n>`).
 *
 * wechat4u builds every URL from getCONF(host) with `https://` hard-coded,
 * and after the login poll replaces its CONF with getCONF(<redirect host>)
 * — dropping the port. So the only glue is an accessor for `bot.CONF` that
 * rewrites every URL's origin to the simulator's; its own code is untouched.
 *
 * wechat4u asks for the desktop (UOS) login with `mod=desktop` in jslogin's
 * redirect_uri parameter; the simulator honours it like the real server, so
 * no other glue is needed.
 *
 * `login` with several simulators logs in one wechat4u instance per
 * simulator in this process (wechat4u has no multi-account runtime of its
 * own; separate instances are how one process would host several).
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

import { serve, type IpcMessage } from '../ipc.js';
import { memorySnapshot } from '../memory.js';
import { pointAtSimulator } from './wechat4u-conf.js';

interface Wechat4uMessage {
  MsgType: number;
  FromUserName: string;
  ToUserName: string;
  Content: string;
}

interface Wechat4uBot {
  CONF: Record<string, unknown>;
  user: { UserName?: string };
  contacts: Record<string, unknown>;
  start(): Promise<void>;
  stop(): void;
  on(event: 'login', listener: () => void): void;
  on(event: 'uuid', listener: (uuid: string) => void): void;
  on(event: 'message', listener: (msg: Wechat4uMessage) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  sendMsg(text: string, to: string): Promise<unknown>;
  setPollingIntervalGetter(f: () => number): void;
}

const require = createRequire(import.meta.url);
// Its entry installs a process-wide uncaughtException logger; this process hosts nothing else.
const Wechat = require('wechat4u') as new () => Wechat4uBot;

const bots: Wechat4uBot[] = [];
let errors = 0;
const errorSamples: string[] = [];

/** Resolves once the bot's contact count has not moved for `quietMs` (its contact list loads after 'login'). */
function contactsSettled(b: Wechat4uBot, quietMs: number, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let last = -1;
    let since = performance.now();
    const timer = setInterval(() => {
      const n = Object.keys(b.contacts).length;
      if (n !== last) {
        last = n;
        since = performance.now();
      }
      if (performance.now() - since >= quietMs || performance.now() - t0 >= maxMs) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
  });
}

async function loginOne(sim: { url: string; loginUrl: string }): Promise<Wechat4uBot> {
  const b = new Wechat();
  bots.push(b);
  pointAtSimulator(b, sim);
  b.on('error', (err) => {
    errors++;
    if (errorSamples.length < 5) errorSamples.push(err instanceof Error ? err.message : String(err));
  });
  b.on('message', (msg) => {
    if (msg.MsgType !== 1 || msg.FromUserName === b.user.UserName) return;
    const match = /ping (\d+)$/.exec(msg.Content);
    if (match) void b.sendMsg(`pong ${match[1]!}`, msg.FromUserName).catch(() => undefined);
  });
  const loggedIn = new Promise<void>((resolve) => b.on('login', resolve));
  void b.start();
  await loggedIn;
  return b;
}

serve(
  async (m: IpcMessage) => {
    if (m.type === 'memory') return { memory: await memorySnapshot(), youngGenerationCapped: false };
    if (m.type !== 'login') throw new Error(`wechat4u child: unknown request ${m.type}`);
    const sims = m['sims'] as { url: string; loginUrl: string }[];
    const t = performance.now();
    const logged: Wechat4uBot[] = [];
    for (const sim of sims) logged.push(await loginOne(sim));
    const loginMs = performance.now() - t;
    // The memory bench waits for the contact list (wechat4u fetches it after 'login'); latency does not need it.
    if (m['settle'] === true) for (const b of logged) await contactsSettled(b, 1500, 120_000);
    const counts = logged.map((b) => {
      const all = Object.values(b.contacts) as { UserName?: string; MemberList?: unknown[] }[];
      return {
        contacts: all.length,
        members: all.reduce((n, c) => n + (Array.isArray(c.MemberList) ? c.MemberList.length : 0), 0),
      };
    });
    return { loginMs, contacts: counts.map((c) => c.contacts), members: counts.map((c) => c.members) };
  },
  async () => {
    for (const b of bots) b.stop();
    if (errors > 0) process.stderr.write(`wechat4u: ${errors} error event(s), e.g. ${errorSamples.join(' | ')}\n`);
  },
);
