/**
 * The floor of the cold-start suite (issue 20): the least a Node process must do to reach what
 * `wxbot start --simulator` prints its banner after, against the same simulator started the same way in
 * the same process. Load the simulator and start it with the CLI's world and options, then the login chain
 * on raw keep-alive sockets (`raw-http.ts`): jslogin → the login poll until the simulator confirms →
 * webwxnewloginpage (its XML read by regex, its cookies kept) → webwxinit → webwxstatusnotify →
 * webwxgetcontact (every page) → webwxbatchgetcontact for rooms without members. Prints
 * `ready <ms since process start>`. Nothing else a bot needs is here: no config, no logger, no session
 * or journal files, no contact store, no plugins, no control plane; an answer it cannot read ends the
 * process with exit code 2 and the reason.
 */
import { performance } from 'node:perf_hooks';

import { RawHttp, type RawAnswer } from '../raw-http.js';
import { startCliSimulator } from './cli-simulator.js';

const sim = await startCliSimulator();

const HEADERS = 'User-Agent: Mozilla/5.0\r\nAccept: */*\r\n';

function fail(step: string, why: string): never {
  process.stderr.write(`cold-start floor: ${step}: ${why}\n`);
  process.exit(2);
}

/** The first group of `re` in an answer; the error names the pattern and the size, never the body (uuid, skey, tickets). */
function pick(step: string, text: string, re: RegExp): string {
  const m = re.exec(text);
  if (m?.[1] === undefined) fail(step, `no ${re.source} in the answer (${text.length} characters)`);
  return m[1];
}

function ok(step: string, a: RawAnswer): RawAnswer {
  if (a.status !== 200) fail(step, `HTTP ${a.status}`);
  return a;
}

interface Base {
  BaseResponse?: { Ret?: number };
}

/** The answer's JSON, once its BaseResponse says Ret 0; the caller says what shape it reads. */
function json(step: string, a: RawAnswer): unknown {
  const v = JSON.parse(ok(step, a).body) as Base;
  if (v.BaseResponse?.Ret !== 0) fail(step, `Ret ${v.BaseResponse?.Ret}`);
  return v;
}

const login = new RawHttp(sim.loginUrl, HEADERS);
const landing = `${sim.url}/cgi-bin/mmwebwx-bin/webwxnewloginpage`;
const js = ok(
  'jslogin',
  await login.request(
    'GET',
    `/jslogin?appid=wx782c26e4c19acffb&redirect_uri=${encodeURIComponent(landing)}&fun=new&lang=zh_CN&_=${Date.now()}`,
  ),
);
const uuid = pick('jslogin', js.body, /QRLogin\.uuid = "([^"]+)"/);

let redirect: string | undefined;
for (let tip = 1; redirect === undefined; tip = 0) {
  const poll = ok(
    'login poll',
    await login.request('GET', `/cgi-bin/mmwebwx-bin/login?loginicon=true&uuid=${uuid}&tip=${tip}&_=${Date.now()}`),
  );
  const code = pick('login poll', poll.body, /window\.code=(\d+)/);
  if (code === '200') redirect = pick('login poll', poll.body, /redirect_uri="([^"]+)"/);
  else if (code !== '201' && code !== '408') fail('login poll', `code ${code}`);
}
login.close();

const target = new URL(`${redirect}&fun=new&version=v2`);
const first = new RawHttp(target.origin, HEADERS, 1);
const page = ok('webwxnewloginpage', await first.request('GET', target.pathname + target.search));
first.close();
const tag = (name: string): string => pick('webwxnewloginpage', page.body, new RegExp(`<${name}>([^<]*)</${name}>`));
const [skey, sid, uin, passTicket] = [tag('skey'), tag('wxsid'), tag('wxuin'), tag('pass_ticket')];
const cookies = [...page.head.matchAll(/\r\nset-cookie:\s*([^=;\s]+=[^;\r]*)/gi)].map((m) => m[1]).join('; ');
const main = new RawHttp(target.origin, `${HEADERS}Cookie: ${cookies}\r\n`);
const BaseRequest = { Uin: Number(uin), Sid: sid, Skey: skey, DeviceID: 'e123456789012345' };
const q = `pass_ticket=${encodeURIComponent(passTicket)}`;
const post = (path: string, body: object): Promise<RawAnswer> => main.request('POST', path, JSON.stringify(body));

interface Init extends Base {
  User: { UserName: string };
  SKey?: string;
}
const init = json(
  'webwxinit',
  await post(`/cgi-bin/mmwebwx-bin/webwxinit?r=${-Date.now()}&${q}`, { BaseRequest }),
) as Init;
BaseRequest.Skey = init.SKey || skey;
const self = init.User.UserName;
json(
  'webwxstatusnotify',
  await post(`/cgi-bin/mmwebwx-bin/webwxstatusnotify?${q}`, {
    BaseRequest,
    Code: 3,
    FromUserName: self,
    ToUserName: self,
    ClientMsgId: Date.now(),
  }),
);

interface ContactPage extends Base {
  MemberList: Array<{ UserName: string; MemberList?: unknown[] }>;
  Seq?: number | string;
}
const rooms: string[] = [];
let seq = 0;
do {
  const got = json(
    'webwxgetcontact',
    await main.request(
      'GET',
      `/cgi-bin/mmwebwx-bin/webwxgetcontact?${q}&r=${Date.now()}&seq=${seq}&skey=${encodeURIComponent(BaseRequest.Skey)}`,
    ),
  ) as ContactPage;
  for (const c of got.MemberList) if (c.UserName.startsWith('@@') && !c.MemberList?.length) rooms.push(c.UserName);
  seq = Number(got.Seq) || 0;
} while (seq !== 0);
if (rooms.length > 0)
  json(
    'webwxbatchgetcontact',
    await post(`/cgi-bin/mmwebwx-bin/webwxbatchgetcontact?type=ex&r=${Date.now()}&${q}`, {
      BaseRequest,
      Count: rooms.length,
      List: rooms.map((UserName) => ({ UserName, EncryChatRoomId: '' })),
    }),
  );

process.stdout.write(`ready ${performance.now().toFixed(1)} (${rooms.length} rooms fetched)\n`);
process.exit(0);
