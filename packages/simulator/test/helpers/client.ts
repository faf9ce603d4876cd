/**
 * A deliberately tiny raw-HTTP client for the tests: a cookie jar and the
 * login dance exactly as the seeds describe it. Not core's client.
 */

import { request } from 'node:http';

export class CookieJar {
  readonly cookies = new Map<string, string>();

  store(setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const [pair] = line.split(';');
      const i = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, i).trim(), pair!.slice(i + 1).trim());
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

/** node:http instead of fetch so a 301 is seen as-is and no connection pool outlives the test. */
export function raw(
  url: string,
  opts: { method?: string; body?: string | Buffer; headers?: Record<string, string>; jar?: CookieJar } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.jar && opts.jar.cookies.size) headers['Cookie'] = opts.jar.header();
    if (opts.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(opts.body));
    const req = request(
      url,
      { method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'), headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          opts.jar?.store(res.headers['set-cookie']);
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

export interface Creds {
  skey: string;
  wxsid: string;
  wxuin: string;
  passTicket: string;
}

export function parseLoginXml(xml: string): Creds & { ret: string; message: string } {
  const tag = (t: string): string => new RegExp(`<${t}>([\\s\\S]*?)</${t}>`).exec(xml)?.[1] ?? '';
  return {
    ret: tag('ret'),
    message: tag('message'),
    skey: tag('skey'),
    wxsid: tag('wxsid'),
    wxuin: tag('wxuin'),
    passTicket: tag('pass_ticket'),
  };
}

/** Parsed wire JSON: the tests poke at arbitrary fields, so it is deliberately untyped. */
export type Json = ReturnType<typeof JSON.parse>;

export const CGI = '/cgi-bin/mmwebwx-bin/';

export class TestClient {
  readonly jar = new CookieJar();
  creds: Creds = { skey: '', wxsid: '', wxuin: '', passTicket: '' };
  deviceId = 'e123456789012345';
  syncKey: { Count: number; List: { Key: number; Val: number }[] } = { Count: 0, List: [] };
  selfUserName = '';

  constructor(
    readonly base: string,
    readonly loginBase: string = base,
    readonly pushBase: string = base,
    readonly fileBase: string = base,
  ) {}

  baseRequest(): Record<string, string | number> {
    return { Uin: Number(this.creds.wxuin), Sid: this.creds.wxsid, Skey: this.creds.skey, DeviceID: this.deviceId };
  }

  get pt(): string {
    return encodeURIComponent(this.creds.passTicket);
  }

  /** `extra` is appended to the query as given (already encoded, or deliberately not, as some clients do). */
  async jslogin(extra = ''): Promise<string> {
    const r = await raw(
      `${this.loginBase}/jslogin?appid=wx782c26e4c19acffb&fun=new&lang=zh_CN&_=${Date.now()}${extra}`,
    );
    const m = /window\.QRLogin\.code = (\d+); window\.QRLogin\.uuid = "([^"]*)";/.exec(r.text);
    if (!m || m[1] !== '200') throw new Error(`jslogin: ${r.text}`);
    return m[2]!;
  }

  poll(uuid: string, tip = 1): Promise<RawResponse> {
    return raw(`${this.loginBase}${CGI}login?loginicon=true&uuid=${uuid}&tip=${tip}&r=1&_=${Date.now()}`);
  }

  /** Follows the redirect_uri of a 200 poll answer. */
  async newLoginPage(redirectUri: string, headers: Record<string, string> = {}): Promise<RawResponse> {
    const r = await raw(`${redirectUri}&fun=new&version=v2`, { jar: this.jar, headers });
    const x = parseLoginXml(r.text);
    if (x.ret === '0') this.creds = x;
    return r;
  }

  post(path: string, body: unknown, base = this.base): Promise<RawResponse> {
    return raw(`${base}${path}`, {
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'Content-Type': 'application/json;charset=UTF-8' },
      jar: this.jar,
    });
  }

  async postJson(path: string, body: unknown): Promise<Json> {
    const r = await this.post(path, body);
    return JSON.parse(r.text);
  }

  async init(): Promise<Json> {
    const res = await this.postJson(`${CGI}webwxinit?r=${Date.now()}&lang=zh_CN&pass_ticket=${this.pt}`, {
      BaseRequest: this.baseRequest(),
    });
    if (res.BaseResponse.Ret === 0) {
      this.syncKey = res.SyncKey;
      this.selfUserName = res.User.UserName;
    }
    return res;
  }

  syncKeyParam(): string {
    return this.syncKey.List.map((k) => `${k.Key}_${k.Val}`).join('|');
  }

  synccheck(): Promise<RawResponse> {
    const q = new URLSearchParams({
      r: String(Date.now()),
      skey: this.creds.skey,
      sid: this.creds.wxsid,
      uin: this.creds.wxuin,
      deviceid: this.deviceId,
      synckey: this.syncKeyParam(),
      _: String(Date.now()),
    });
    return raw(`${this.pushBase}${CGI}synccheck?${q.toString()}`, { jar: this.jar });
  }

  /** The raw body (NewMsgId digits intact) and the parsed object. */
  async sync(): Promise<{ text: string; json: Json }> {
    const r = await this.post(
      `${CGI}webwxsync?sid=${encodeURIComponent(this.creds.wxsid)}&skey=${encodeURIComponent(this.creds.skey)}&pass_ticket=${this.pt}`,
      { BaseRequest: this.baseRequest(), SyncKey: this.syncKey, rr: ~Math.floor(Date.now() / 1000) },
    );
    const json = JSON.parse(r.text);
    if (json.BaseResponse.Ret === 0) this.syncKey = json.SyncKey;
    return { text: r.text, json };
  }

  /** Sync until nothing is left (ContinueFlag / selector), collecting AddMsgList. */
  async drain(): Promise<Json[]> {
    const out: Json[] = [];
    for (let i = 0; i < 1000; i++) {
      const { json } = await this.sync();
      out.push(...json.AddMsgList);
      if (json.ContinueFlag === 0) break;
    }
    return out;
  }

  async sendText(to: string, content: string): Promise<Json> {
    const id = String(Date.now() * 10000 + Math.floor(Math.random() * 10000));
    return this.postJson(`${CGI}webwxsendmsg?lang=zh_CN&pass_ticket=${this.pt}`, {
      BaseRequest: this.baseRequest(),
      Msg: { Type: 1, Content: content, FromUserName: this.selfUserName, ToUserName: to, LocalID: id, ClientMsgId: id },
      Scene: 0,
    });
  }

  async getContacts(): Promise<Json[]> {
    const all: Json[] = [];
    let seq = 0;
    for (let i = 0; i < 1000; i++) {
      const r = await this.postJson(
        `${CGI}webwxgetcontact?pass_ticket=${this.pt}&r=${Date.now()}&seq=${seq}&skey=${this.creds.skey}`,
        {},
      );
      if (r.BaseResponse.Ret !== 0) throw new Error(`getcontact Ret ${r.BaseResponse.Ret}`);
      all.push(...r.MemberList);
      seq = r.Seq;
      if (seq === 0) break;
    }
    return all;
  }

  async batchGet(names: string[], encry = ''): Promise<Json> {
    return this.postJson(`${CGI}webwxbatchgetcontact?type=ex&r=${Date.now()}&pass_ticket=${this.pt}`, {
      BaseRequest: this.baseRequest(),
      Count: names.length,
      List: names.map((UserName) => ({ UserName, EncryChatRoomId: encry })),
    });
  }
}

/**
 * Polls until the phone confirms and returns the redirect_uri. An autoConfirm phone scans (201) and confirms
 * (200) on its own timers, so one poll on a loaded machine can still see 201 or 408.
 */
export async function awaitRedirect(c: TestClient, uuid: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const r = await c.poll(uuid, i === 0 ? 1 : 0);
    const m = /window\.redirect_uri="([^"]+)";/.exec(r.text);
    if (m) return m[1]!;
    if (r.text.startsWith('window.code=400')) throw new Error('uuid expired');
  }
  throw new Error('login never confirmed');
}

/** Logs in against an autoConfirm simulator (or one confirmed by `phone`), returning an initialised client. */
export async function loginAndInit(
  base: string,
  phone?: (uuid: string) => void,
  hosts: { login?: string; push?: string; file?: string } = {},
): Promise<TestClient> {
  const c = new TestClient(base, hosts.login ?? base, hosts.push ?? base, hosts.file ?? base);
  const uuid = await c.jslogin();
  phone?.(uuid);
  await c.newLoginPage(await awaitRedirect(c, uuid));
  await c.init();
  return c;
}
