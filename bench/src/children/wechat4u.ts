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
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

import { serve, type IpcMessage } from '../ipc.js';

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

/** Points every https://<host> URL of a wechat4u CONF at the simulator. */
export function rewriteConf(
  conf: Record<string, unknown>,
  sim: { url: string; loginUrl: string },
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...conf };
  for (const [key, value] of Object.entries(conf)) {
    if (typeof value !== 'string' || !/^https?:\/\//.test(value)) continue;
    const isLogin = key === 'API_jsLogin' || key === 'API_login' || /^https?:\/\/login\./.test(value);
    // Only the leading origin: the jslogin URL carries a redirect_uri parameter that must stay as it is.
    out[key] = value.replace(/^https?:\/\/[^/?#]+/, isLogin ? sim.loginUrl : sim.url);
  }
  return out;
}

let bot: Wechat4uBot | undefined;
let errors = 0;
const errorSamples: string[] = [];

serve(
  async (m: IpcMessage) => {
    if (m.type !== 'login') throw new Error(`wechat4u child: unknown request ${m.type}`);
    const sim = (m['sims'] as { url: string; loginUrl: string }[])[0]!;
    const b = new Wechat();
    bot = b;
    let conf = rewriteConf(b.CONF, sim);
    Object.defineProperty(b, 'CONF', {
      configurable: true,
      enumerable: true,
      get: () => conf,
      set: (value: Record<string, unknown>) => {
        conf = rewriteConf(value, sim);
      },
    });
    b.on('error', (err) => {
      errors++;
      if (errorSamples.length < 5) errorSamples.push(err instanceof Error ? err.message : String(err));
    });
    b.on('message', (msg) => {
      if (msg.MsgType !== 1 || msg.FromUserName === b.user.UserName) return;
      const match = /ping (\d+)$/.exec(msg.Content);
      if (match) void b.sendMsg(`pong ${match[1]!}`, msg.FromUserName).catch(() => undefined);
    });
    const t = performance.now();
    const loggedIn = new Promise<void>((resolve) => b.on('login', resolve));
    void b.start();
    await loggedIn;
    return { loginMs: performance.now() - t };
  },
  async () => {
    bot?.stop();
    if (errors > 0) process.stderr.write(`wechat4u: ${errors} error event(s), e.g. ${errorSamples.join(' | ')}\n`);
  },
);
