import { ProtocolError } from '../../src/wire/errors.js';
import { WebApi, type WireSession } from '../../src/wire/endpoints.js';
import type { WireHttp } from '../../src/wire/request.js';
import { fakeHttp } from './fake-http.js';

const session: WireSession = {
  uin: 11,
  sid: 'sid-1',
  skey: '@skey',
  passTicket: 'pt',
  deviceId: 'e123',
  syncKey: { Count: 1, List: [{ Key: 1, Val: 7 }] },
  baseRequest: () => ({ Uin: 11, Sid: 'sid-1', Skey: '@skey', DeviceID: 'e123' }),
  syncKeyString: () => '1_7',
  cgi: (name, host = 'main') => `https://${host}.example/cgi-bin/mmwebwx-bin/${name}`,
};

const api = (http: WireHttp): WebApi => new WebApi(http, () => session, 'zh_CN', 25_000);

describe('WebApi (the raw calls after login)', () => {
  it('webwxinit without a User is a ProtocolError naming the endpoint', async () => {
    const err = await api(fakeHttp([{ BaseResponse: { Ret: 0 } }]))
      .init()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).endpoint).toBe('webwxinit');
  });

  it('webwxgetcontact without a MemberList is refused, with one it is returned', async () => {
    await expect(api(fakeHttp([{ BaseResponse: { Ret: 0 } }])).getContact(0)).rejects.toThrow(
      'webwxgetcontact: no MemberList',
    );
    const ok = { BaseResponse: { Ret: 0 }, MemberList: [], Seq: 0 };
    await expect(api(fakeHttp([ok])).getContact(0)).resolves.toBe(ok);
  });

  it('webwxbatchgetcontact reads a missing ContactList as none and sends an empty EncryChatRoomId', async () => {
    const http = fakeHttp([{ BaseResponse: { Ret: 0 } }]);
    await expect(api(http).batchGetContact([{ UserName: '@a' }])).resolves.toEqual([]);
    expect(http.seen[0]!.json).toMatchObject({ Count: 1, List: [{ UserName: '@a', EncryChatRoomId: '' }] });
  });

  it('synccheck goes to the push host as a long poll and parses the answer', async () => {
    const http = fakeHttp(['window.synccheck={retcode:"0",selector:"2"}']);
    await expect(api(http).syncCheck()).resolves.toEqual({ retcode: 0, selector: 2 });
    expect(http.seen[0]).toMatchObject({ endpoint: 'synccheck', longPoll: true, timeoutMs: 25_000 });
    expect(http.seen[0]!.url).toBe('https://push.example/cgi-bin/mmwebwx-bin/synccheck');
    expect(http.seen[0]!.query).toMatchObject({ synckey: '1_7', sid: 'sid-1' });
  });

  it('an unreadable synccheck answer is a ProtocolError that keeps the parse error as cause', async () => {
    const err = await api(fakeHttp(['<html>gateway timeout</html>']))
      .syncCheck()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).endpoint).toBe('synccheck');
    expect((err as Error).cause).toBeInstanceOf(Error);
  });

  it.each([
    ['text', 'webwxsendmsg', {}],
    ['image', 'webwxsendmsgimg', { fun: 'async', f: 'json' }],
    ['emoticon', 'webwxsendemoticon', { fun: 'sys' }],
  ] as const)('a %s send goes to %s', async (kind, endpoint, query) => {
    const http = fakeHttp([{ BaseResponse: { Ret: 0 }, MsgID: '1', LocalID: 'l' }]);
    const msg = { Type: 1, Content: 'hi', FromUserName: '@me', ToUserName: '@you', LocalID: 'l', ClientMsgId: 'l' };
    await api(http).send(kind, msg);
    expect(http.seen[0]).toMatchObject({ endpoint, query: { ...query, pass_ticket: 'pt' } });
    expect(http.seen[0]!.json).toMatchObject({ Msg: msg, Scene: 0 });
  });

  it('webwxcreatechatroom without a ChatRoomName is refused', async () => {
    await expect(
      api(fakeHttp([{ BaseResponse: { Ret: 0 }, ChatRoomName: '' }])).createRoom(['@a', '@b'], 't'),
    ).rejects.toBeInstanceOf(ProtocolError);
  });

  it.each([
    ['addmember', 'AddMemberList'],
    ['delmember', 'DelMemberList'],
    ['invitemember', 'InviteMemberList'],
    ['modtopic', 'NewTopic'],
  ] as const)('webwxupdatechatroom?fun=%s carries the value in %s', async (fun, field) => {
    const http = fakeHttp([{ BaseResponse: { Ret: 0 } }]);
    await api(http).updateRoom(fun, '@@room', 'v');
    expect(http.seen[0]!.endpoint).toBe(`webwxupdatechatroom?fun=${fun}`);
    expect(http.seen[0]!.json).toMatchObject({ [field]: 'v', ChatRoomName: '@@room' });
  });
});
