/**
 * The CPU floor of one reply (issue 20 item 2): what one keep-alive loopback
 * HTTP request plus a JSON parse of a typical webwxsync answer costs the
 * client's process on this machine, with node:http and nothing else. The
 * server runs in another process (as the simulator does), so only the
 * client's side is counted, as the bot's CPU per message counts only the bot.
 *
 * One reply is four such requests (synccheck answer, webwxsync, webwxsendmsg,
 * the echo's sync), so 4 × this is the floor the bot's CPU per reply is
 * compared with. CPU time (process.cpuUsage), not wall time: the machine is
 * shared.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { once } from 'node:events';

import { cpuPerCall } from '../cpu-per-call.js';
import { round } from '../stats.js';

export interface FloorResult {
  requests: number;
  /** Client CPU µs per keep-alive POST with a small JSON answer (what webwxsendmsg gets back). */
  requestUs: number;
  /** Client CPU µs per keep-alive POST whose answer is a typical one-message webwxsync body, JSON.parse'd. */
  requestWithSyncParseUs: number;
  /** Client CPU µs of JSON.parse of that body alone. */
  syncParseUs: number;
  syncBodyBytes: number;
  /** 4 × requestWithSyncParseUs, in ms: the floor of one reply. */
  replyFloorMs: number;
  /**
   * The same request + parse after a 4 ms pause (the steady phase's pace):
   * each request then wakes an idle process, with cold caches, as the bot's
   * do between messages. 4 × this, in ms: the floor at the steady pace.
   */
  requestWithSyncParsePacedUs: number;
  replyFloorPacedMs: number;
}

/** A webwxsync answer carrying one text message, shaped as the simulator (and the server) sends it. */
export function typicalSyncBody(): string {
  const msg = {
    MsgId: '7391810034651234567',
    FromUserName: '@6f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8',
    ToUserName: '@a0b1c2d3e4f5061728394a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9',
    MsgType: 1,
    Content: 'ping 1234',
    Status: 3,
    ImgStatus: 1,
    CreateTime: 1765000000,
    VoiceLength: 0,
    PlayLength: 0,
    FileName: '',
    FileSize: '',
    MediaId: '',
    Url: '',
    AppMsgType: 0,
    StatusNotifyCode: 0,
    StatusNotifyUserName: '',
    RecommendInfo: {
      UserName: '',
      NickName: '',
      QQNum: 0,
      Province: '',
      City: '',
      Content: '',
      Signature: '',
      Alias: '',
      Scene: 0,
      VerifyFlag: 0,
      AttrStatus: 0,
      Sex: 0,
      Ticket: '',
      OpCode: 0,
    },
    ForwardFlag: 0,
    AppInfo: { AppID: '', Type: 0 },
    HasProductId: 0,
    Ticket: '',
    ImgHeight: 0,
    ImgWidth: 0,
    SubMsgType: 0,
    NewMsgId: 7391810034651234000, // the wire has 19 digits; JSON keeps them, a JS literal cannot
    OriContent: '',
    EncryFileName: '',
  };
  const keys = [1, 2, 3, 11, 201, 1000, 1001].map((k, i) => ({ Key: k, Val: 700000000 + i * 131 }));
  return JSON.stringify({
    BaseResponse: { Ret: 0, ErrMsg: '' },
    AddMsgCount: 1,
    AddMsgList: [msg],
    ModContactCount: 0,
    ModContactList: [],
    DelContactCount: 0,
    DelContactList: [],
    ModChatRoomMemberCount: 0,
    ModChatRoomMemberList: [],
    Profile: {
      BitFlag: 0,
      UserName: { Buff: '' },
      NickName: { Buff: '' },
      BindUin: 0,
      BindEmail: { Buff: '' },
      BindMobile: { Buff: '' },
      Status: 0,
      Sex: 0,
      PersonalCard: 0,
      Alias: '',
      HeadImgUpdateFlag: 0,
      HeadImgUrl: '',
      Signature: '',
    },
    ContinueFlag: 0,
    SyncKey: { Count: keys.length, List: keys },
    SKey: '',
    SyncCheckKey: { Count: keys.length, List: keys },
  });
}

/** The server side, in its own process: `/sync` answers the sync body, anything else a small Ret 0. */
const SERVER = `
const http = require('node:http');
const sync = Buffer.from(process.env.SYNC_BODY);
const small = Buffer.from('{"BaseResponse":{"Ret":0,"ErrMsg":""},"MsgID":"7391810034651234568","LocalID":"17650000000001234"}');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const body = req.url === '/sync' ? sync : small;
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.on('disconnect', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

export async function measureFloor(o: { smoke: boolean }): Promise<FloorResult> {
  const syncBody = typicalSyncBody();
  const server = spawn(process.execPath, ['-e', SERVER], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, SYNC_BODY: syncBody },
  });
  try {
    const [first] = (await once(server.stdout, 'data')) as [Buffer];
    const port = Number(first.toString().trim());
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    // The bot's POSTs carry a BaseRequest and a SyncKey: about this size.
    const post = JSON.stringify({
      BaseRequest: {
        Uin: 1234567890,
        Sid: 'abcdefghijklmnop',
        Skey: '@crypt_0123456789abcdef',
        DeviceID: 'e123456789012345',
      },
      SyncKey: JSON.parse(syncBody).SyncKey as unknown,
      rr: -1234567,
    });
    const once1 = (path: string, parse: boolean): Promise<void> =>
      new Promise((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'Content-Type': 'application/json' } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              if (parse) JSON.parse(text);
              resolve();
            });
          },
        );
        req.on('error', reject);
        req.end(post);
      });
    const n = o.smoke ? 200 : 3000;
    const cpuPer = (path: string, parse: boolean, gapMs = 0): Promise<number> =>
      cpuPerCall(() => once1(path, parse), n, gapMs);
    // Interleave the two kinds twice, so a burst of machine noise does not land on one of them only.
    const small = [await cpuPer('/send', false)];
    const sync = [await cpuPer('/sync', true)];
    small.push(await cpuPer('/send', false));
    sync.push(await cpuPer('/sync', true));
    const paced = await cpuPer('/sync', true, 4);
    agent.destroy();
    const k = o.smoke ? 2000 : 50_000;
    for (let i = 0; i < 1000; i++) JSON.parse(syncBody);
    const p0 = process.cpuUsage();
    for (let i = 0; i < k; i++) JSON.parse(syncBody);
    const p = process.cpuUsage(p0);
    const withParse = Math.min(...sync);
    return {
      requests: n,
      requestUs: round(Math.min(...small), 1),
      requestWithSyncParseUs: round(withParse, 1),
      syncParseUs: round((p.user + p.system) / k, 2),
      syncBodyBytes: Buffer.byteLength(syncBody),
      replyFloorMs: round((4 * withParse) / 1000, 3),
      requestWithSyncParsePacedUs: round(paced, 1),
      replyFloorPacedMs: round((4 * paced) / 1000, 3),
    };
  } finally {
    server.stdin?.end();
    server.kill();
  }
}
