/**
 * The floor of the latency suite (issue 20): the least a client must do to answer `ping <n>` with
 * `pong <n>` over Web WeChat, against the same simulator and workload as wxbot and wechat4u. Login and
 * webwxinit are wechat4u's (unmeasured: the phase starts after them); from then on its sync loop is
 * replaced by the one below: synccheck → webwxsync → JSON.parse → webwxsendmsg per ping, on keep-alive
 * sockets (`raw-http.ts`), up to 8 sends in flight. Nothing a real bot needs is here: no journal, no
 * plugins, no normaliser, no retries, no rate limits, no logging, no check of the answers beyond the
 * sync's keys. What it costs per message is what no client on this machine can go below.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

import { serve, type IpcMessage } from '../ipc.js';
import { RawHttp } from '../raw-http.js';
import { pointAtSimulator } from './wechat4u-conf.js';

interface SyncKey {
  Count: number;
  List: Array<{ Key: number; Val: number }>;
}

interface Wechat4uInternals {
  CONF: Record<string, unknown>;
  PROP: { sid: string; uin: string; skey: string; passTicket: string; syncKey: SyncKey; formatedSyncKey: string };
  user: { UserName?: string };
  COOKIE: Record<string, string>;
  state: string;
  syncPolling: () => void;
  getBaseRequest(): Record<string, unknown>;
  start(): Promise<void>;
  stop(): void;
  on(event: 'login', listener: () => void): void;
}

interface SyncAnswer {
  BaseResponse: { Ret: number };
  AddMsgList?: Array<{ MsgType: number; FromUserName: string; Content: string }>;
  SyncKey?: SyncKey;
  SyncCheckKey?: SyncKey;
}

const require = createRequire(import.meta.url);
const Wechat = require('wechat4u') as new () => Wechat4uInternals;

const bots: Wechat4uInternals[] = [];
const clients: RawHttp[] = [];
let stopped = false;
let failures = 0;

const formatKey = (k: SyncKey): string => k.List.map((e) => `${e.Key}_${e.Val}`).join('|');

/** The replaced sync loop: runs until the process stops. */
async function loop(b: Wechat4uInternals, sim: { url: string }): Promise<void> {
  const cookie = Object.entries(b.COOKIE)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
  const http = new RawHttp(sim.url, `User-Agent: Mozilla/5.0\r\nAccept: */*\r\nCookie: ${cookie}\r\n`);
  clients.push(http);
  const { sid, uin, passTicket } = b.PROP;
  let { skey, syncKey } = b.PROP;
  let checkKey = b.PROP.formatedSyncKey || formatKey(syncKey);
  const self = b.user.UserName ?? '';
  const q = encodeURIComponent;
  const base = (): string => JSON.stringify({ Uin: Number(uin), Sid: sid, Skey: skey, DeviceID: 'e123456789012345' });
  const send = (to: string, text: string): void => {
    const id = `${Date.now()}${Math.floor(Math.random() * 10_000)}`;
    const body = `{"BaseRequest":${base()},"Scene":0,"Msg":{"Type":1,"Content":${JSON.stringify(text)},"FromUserName":"${self}","ToUserName":"${to}","LocalID":"${id}","ClientMsgId":"${id}"}}`;
    http.request('POST', `/cgi-bin/mmwebwx-bin/webwxsendmsg?pass_ticket=${q(passTicket)}`, body).catch(() => {
      failures++;
    });
  };
  while (!stopped) {
    try {
      const check = await http.request(
        'GET',
        `/cgi-bin/mmwebwx-bin/synccheck?r=${Date.now()}&skey=${q(skey)}&sid=${q(sid)}&uin=${uin}&deviceid=e123456789012345&synckey=${q(checkKey)}&_=${Date.now()}`,
      );
      const m = /retcode\s*:\s*"(\d+)"\s*,\s*selector\s*:\s*"(\d+)"/.exec(check.body);
      if (m === null || m[1] !== '0') throw new Error(`synccheck: ${check.body.slice(0, 80)}`);
      if (m[2] === '0') continue;
      const answer = await http.request(
        'POST',
        `/cgi-bin/mmwebwx-bin/webwxsync?sid=${q(sid)}&skey=${q(skey)}&pass_ticket=${q(passTicket)}`,
        `{"BaseRequest":${base()},"SyncKey":${JSON.stringify(syncKey)},"rr":${~Date.now()}}`,
      );
      const data = JSON.parse(answer.body) as SyncAnswer & { SKey?: string };
      if (data.BaseResponse.Ret !== 0) throw new Error(`webwxsync: Ret ${data.BaseResponse.Ret}`);
      if (data.SyncKey) syncKey = data.SyncKey;
      if (data.SyncCheckKey) checkKey = formatKey(data.SyncCheckKey);
      if (data.SKey) skey = data.SKey;
      for (const msg of data.AddMsgList ?? []) {
        if (msg.MsgType !== 1 || msg.FromUserName === self) continue;
        const ping = /ping (\d+)$/.exec(msg.Content);
        if (ping) send(msg.FromUserName, `pong ${ping[1]!}`);
      }
    } catch (err) {
      failures++;
      if (failures <= 3) process.stderr.write(`floor-bot: ${err instanceof Error ? err.message : String(err)}\n`);
      if (!stopped) await new Promise((r) => setTimeout(r, 200));
    }
  }
}

serve(
  async (m: IpcMessage) => {
    if (m.type !== 'login') throw new Error(`floor-bot child: unknown request ${m.type}`);
    const sims = m['sims'] as { url: string; loginUrl: string }[];
    const t = performance.now();
    for (const sim of sims) {
      const b = new Wechat();
      bots.push(b);
      pointAtSimulator(b, sim);
      // wechat4u calls syncPolling once logged in and initialised: that is where its loop gives way to ours.
      const polling = new Promise<void>((resolve) => {
        b.syncPolling = () => {
          resolve();
          void loop(b, sim);
        };
      });
      void b.start();
      await polling;
    }
    return { loginMs: performance.now() - t };
  },
  async () => {
    stopped = true;
    for (const c of clients) c.close();
    if (failures > 0) process.stderr.write(`floor-bot: ${failures} failed request(s)\n`);
  },
);
