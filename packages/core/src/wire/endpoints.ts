import type {
  BaseRequest,
  BaseResponse,
  BatchGetContactResponse,
  GetContactResponse,
  InitResponse,
  RawContact,
  RawMember,
  SendMsgResponse,
  SyncKey,
  SyncResponse,
} from './types.js';
import { ProtocolError } from './errors.js';
import type { Hosts } from './hosts.js';
import type { WireHttp } from './request.js';
import { parseSyncCheck, type SyncCheckResult } from './synccheck.js';

/*
 * The raw Web WeChat calls after login: one method per endpoint, the request it sends and the
 * shape check of its answer. No retry, ordering or state here: the client's parts (sync loop,
 * send path, actions) decide what to retry and when. The login endpoints before a session
 * exists (jslogin, the QR poll, webwxnewloginpage, webwxpushloginurl) are in login-endpoints.ts;
 * media upload and download in media-endpoints.ts.
 */

/** What a call needs of the live session; the client's `Credentials` is one. */
export interface WireSession {
  readonly uin: number;
  readonly sid: string;
  readonly skey: string;
  readonly passTicket: string;
  readonly deviceId: string;
  readonly syncKey: SyncKey;
  baseRequest(): BaseRequest;
  /** `1_123|2_456|...` for synccheck. */
  syncKeyString(): string;
  cgi(name: string, host?: keyof Hosts): string;
}

export interface CreateRoomResponse {
  BaseResponse: BaseResponse;
  ChatRoomName?: string;
  Topic?: string;
  MemberCount?: number;
  MemberList?: RawMember[];
}

export interface UpdateRoomResponse {
  BaseResponse: BaseResponse;
  MemberCount?: number;
  MemberList?: RawMember[];
}

export interface OutboundMsg {
  Type: number;
  Content?: string;
  MediaId?: string;
  EmojiFlag?: number;
  EMoticonMd5?: string;
  FromUserName: string;
  ToUserName: string;
  LocalID: string;
  ClientMsgId: string;
}

/** Send endpoints by wire type (the web client's split). */
export const SEND_ENDPOINTS = {
  text: { name: 'webwxsendmsg', query: {} },
  image: { name: 'webwxsendmsgimg', query: { fun: 'async', f: 'json' } },
  video: { name: 'webwxsendvideomsg', query: { fun: 'async', f: 'json' } },
  emoticon: { name: 'webwxsendemoticon', query: { fun: 'sys' } },
  file: { name: 'webwxsendappmsg', query: { fun: 'async', f: 'json' } },
} as const;
export type SendKind = keyof typeof SEND_ENDPOINTS;

/**
 * The Web WeChat endpoints after login, one method each. No retry or policy
 * here: callers (sync loop, outbound queue) decide what to retry.
 */
export class WebApi {
  constructor(
    private readonly http: WireHttp,
    private readonly cred: () => WireSession,
    private readonly lang: string,
    private readonly longPollMs: number,
  ) {}

  private get c(): WireSession {
    return this.cred();
  }

  async init(): Promise<InitResponse> {
    const c = this.c;
    const res = await this.http.json<InitResponse>({
      endpoint: 'webwxinit',
      url: c.cgi('webwxinit'),
      query: { r: ~Date.now(), lang: this.lang, pass_ticket: c.passTicket },
      json: { BaseRequest: c.baseRequest() },
    });
    if (!res.User || typeof res.User.UserName !== 'string')
      throw new ProtocolError('webwxinit', 'no User in the answer');
    return res;
  }

  async statusNotify(code: number, from: string, to: string): Promise<void> {
    const c = this.c;
    await this.http.json({
      endpoint: 'webwxstatusnotify',
      url: c.cgi('webwxstatusnotify'),
      query: { lang: this.lang, pass_ticket: c.passTicket },
      json: { BaseRequest: c.baseRequest(), Code: code, FromUserName: from, ToUserName: to, ClientMsgId: Date.now() },
    });
  }

  async getContact(seq: number): Promise<GetContactResponse> {
    const c = this.c;
    const res = await this.http.json<GetContactResponse>({
      endpoint: 'webwxgetcontact',
      url: c.cgi('webwxgetcontact'),
      query: { lang: this.lang, pass_ticket: c.passTicket, r: Date.now(), seq, skey: c.skey },
    });
    if (!Array.isArray(res.MemberList)) throw new ProtocolError('webwxgetcontact', 'no MemberList in the answer');
    return res;
  }

  async batchGetContact(list: ReadonlyArray<{ UserName: string; EncryChatRoomId?: string }>): Promise<RawContact[]> {
    const c = this.c;
    const res = await this.http.json<BatchGetContactResponse>({
      endpoint: 'webwxbatchgetcontact',
      url: c.cgi('webwxbatchgetcontact'),
      query: { type: 'ex', r: Date.now(), lang: this.lang, pass_ticket: c.passTicket },
      json: {
        BaseRequest: c.baseRequest(),
        Count: list.length,
        List: list.map((i) => ({ UserName: i.UserName, EncryChatRoomId: i.EncryChatRoomId ?? '' })),
      },
    });
    return Array.isArray(res.ContactList) ? res.ContactList : [];
  }

  async syncCheck(): Promise<SyncCheckResult> {
    const c = this.c;
    const now = Date.now();
    const { text } = await this.http.text({
      endpoint: 'synccheck',
      url: c.cgi('synccheck', 'push'),
      query: { r: now, skey: c.skey, sid: c.sid, uin: c.uin, deviceid: c.deviceId, synckey: c.syncKeyString(), _: now },
      timeoutMs: this.longPollMs,
      longPoll: true,
    });
    try {
      return parseSyncCheck(text);
    } catch (err) {
      throw new ProtocolError('synccheck', (err as Error).message, { cause: err });
    }
  }

  async sync(): Promise<SyncResponse> {
    const c = this.c;
    const res = await this.http.json<SyncResponse>({
      endpoint: 'webwxsync',
      url: c.cgi('webwxsync'),
      query: { sid: c.sid, skey: c.skey, lang: this.lang, pass_ticket: c.passTicket },
      json: { BaseRequest: c.baseRequest(), SyncKey: c.syncKey, rr: ~Date.now() },
    });
    return res;
  }

  async send(kind: SendKind, msg: OutboundMsg): Promise<SendMsgResponse> {
    const c = this.c;
    const ep = SEND_ENDPOINTS[kind];
    return this.http.json<SendMsgResponse>({
      endpoint: ep.name,
      url: c.cgi(ep.name),
      query: { ...ep.query, lang: this.lang, pass_ticket: c.passTicket },
      json: { BaseRequest: c.baseRequest(), Msg: msg, Scene: 0 },
    });
  }

  async revoke(svrMsgId: string, toUserName: string, clientMsgId: string): Promise<void> {
    const c = this.c;
    await this.http.json({
      endpoint: 'webwxrevokemsg',
      url: c.cgi('webwxrevokemsg'),
      query: { lang: this.lang, pass_ticket: c.passTicket },
      json: { BaseRequest: c.baseRequest(), SvrMsgId: svrMsgId, ToUserName: toUserName, ClientMsgId: clientMsgId },
    });
  }

  async verifyUser(opcode: 2 | 3, userName: string, ticket: string, content: string): Promise<void> {
    const c = this.c;
    await this.http.json({
      endpoint: 'webwxverifyuser',
      url: c.cgi('webwxverifyuser'),
      query: { r: Date.now(), lang: this.lang, pass_ticket: c.passTicket },
      json: {
        BaseRequest: c.baseRequest(),
        Opcode: opcode,
        VerifyUserListSize: 1,
        VerifyUserList: [{ Value: userName, VerifyUserTicket: ticket }],
        VerifyContent: content,
        SceneListCount: 1,
        SceneList: [33],
        skey: c.skey,
      },
    });
  }

  async createRoom(members: readonly string[], topic: string): Promise<CreateRoomResponse> {
    const c = this.c;
    const res = await this.http.json<CreateRoomResponse>({
      endpoint: 'webwxcreatechatroom',
      url: c.cgi('webwxcreatechatroom'),
      query: { r: Date.now(), lang: this.lang, pass_ticket: c.passTicket },
      json: {
        MemberCount: members.length,
        MemberList: members.map((UserName) => ({ UserName })),
        Topic: topic,
        BaseRequest: c.baseRequest(),
      },
    });
    if (typeof res.ChatRoomName !== 'string' || res.ChatRoomName === '') {
      throw new ProtocolError('webwxcreatechatroom', 'no ChatRoomName in the answer');
    }
    return res;
  }

  async updateRoom(
    fun: 'addmember' | 'delmember' | 'invitemember' | 'modtopic',
    room: string,
    value: string,
  ): Promise<UpdateRoomResponse> {
    const c = this.c;
    const field = {
      addmember: 'AddMemberList',
      delmember: 'DelMemberList',
      invitemember: 'InviteMemberList',
      modtopic: 'NewTopic',
    }[fun];
    return this.http.json<UpdateRoomResponse>({
      endpoint: `webwxupdatechatroom?fun=${fun}`,
      url: c.cgi('webwxupdatechatroom'),
      query: { fun, lang: this.lang, pass_ticket: c.passTicket },
      json: { [field]: value, ChatRoomName: room, BaseRequest: c.baseRequest() },
    });
  }

  async opLog(
    body: { UserName: string; CmdId: 2; RemarkName: string } | { UserName: string; CmdId: 3; OP: 0 | 1 },
  ): Promise<void> {
    const c = this.c;
    await this.http.json({
      endpoint: 'webwxoplog',
      url: c.cgi('webwxoplog'),
      query: { lang: this.lang, pass_ticket: c.passTicket },
      json: { ...body, BaseRequest: c.baseRequest() },
    });
  }

  async logout(): Promise<void> {
    const c = this.c;
    const form = new FormData();
    form.append('sid', c.sid);
    form.append('uin', String(c.uin));
    await this.http.text({
      endpoint: 'webwxlogout',
      url: c.cgi('webwxlogout'),
      query: { redirect: 1, type: 0, skey: c.skey },
      form,
      redirect: 'manual',
    });
  }
}
