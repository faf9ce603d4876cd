import { normalizeMessage, RecentMessageCache } from '../../src/message/index.js';
import type { Message, MessageKind, MessageOfKind, NormalizeResult } from '../../src/message/index.js';
import { ALICE, ALI2, ANN, ANN_LEE, BOB, CAROL, KITTY, ROOM, SELF, fixture, worldDirectory } from './fixtures.js';

const directory = worldDirectory();

function run(name: string, recent?: RecentMessageCache): NormalizeResult {
  return normalizeMessage(fixture(name), { directory, recent });
}

function as<K extends MessageKind>(kind: K, name: string, recent?: RecentMessageCache): MessageOfKind<K> {
  const { message } = run(name, recent);
  expect(message.kind).toBe(kind);
  return message as MessageOfKind<K>;
}

describe('envelope', () => {
  it('keeps MsgId as the lossless id, raw untouched, createdAt from seconds', () => {
    const raw = fixture('text_private_entities_emoji');
    const before = JSON.stringify(raw);
    const m = as('text', 'text_private_entities_emoji');
    expect(m.id).toBe(raw.MsgId);
    expect(m.id).not.toBe(String(raw.NewMsgId));
    expect(m.raw).toBe(raw);
    expect(JSON.stringify(raw)).toBe(before);
    expect(m.createdAt.getTime()).toBe(raw.CreateTime * 1000);
    expect(m.msgType).toBe(1);
  });

  it('resolves a private chat: contact, stable id and remark name', () => {
    const m = as('text', 'text_private_entities_emoji');
    expect(m.chat).toMatchObject({ userName: CAROL, isRoom: false, name: '卡罗', room: undefined });
    expect(m.chat.contact?.nickName).toBe('Carol');
    expect(m.sender).toMatchObject({ userName: CAROL, isSelf: false, name: 'Carol' });
    expect(m.isSelf).toBe(false);
    expect(m.to).toBe(SELF);
  });

  it('resolves a room message sender from the prefix, with room display name and stable id', () => {
    const m = as('text', 'text_room_mention_self_display');
    expect(m.chat).toMatchObject({ userName: ROOM, isRoom: true, name: '周末爬山群' });
    expect(m.chat.room?.members.size).toBe(7);
    expect(m.sender).toMatchObject({ userName: ALICE, name: '阿丽', stableId: 'wxid_alice001', isSelf: false });
    expect(m.sender.member?.displayName).toBe('阿丽');
    expect(m.text).toBe('@小助手\u2005在吗？');
  });

  it('recognises messages sent from the owner’s phone into a room as self', () => {
    const m = as('text', 'text_room_self_from_phone');
    expect(m.isSelf).toBe(true);
    expect(m.sender).toMatchObject({ userName: SELF, isSelf: true, stableId: 'wxid_botself01', name: '小助手' });
    expect(m.chat).toMatchObject({ userName: ROOM, isRoom: true });
    expect(m.text).toBe('大家好\n周六见');
  });

  it('recognises private messages sent from the owner’s phone as self, chat = the peer', () => {
    const m = as('text', 'text_private_self_from_phone');
    expect(m.isSelf).toBe(true);
    expect(m.chat.userName).toBe(CAROL);
    expect(m.sender.userName).toBe(SELF);
  });
});

describe('text', () => {
  it('unescapes entities, turns <br/> into newlines and emoji spans (incl. flags) into Unicode, keeps [Strong]', () => {
    const m = as('text', 'text_private_entities_emoji');
    expect(m.text).toBe('Tom & Jerry <3\n去🇨🇳旅行😄 [Strong] "ok"');
    expect(m.mentions).toEqual([]);
  });

  it('classifies "view on phone" placeholders as unsupported', () => {
    const m = as('unsupported', 'text_view_on_phone');
    expect(m.text).toBe('[收到一条微信转账消息，请在手机上查看]');
  });
});

describe('mentions', () => {
  it('resolves display names, longest match, emoji names, end of text; skips e-mails; DisplayName beats NickName', () => {
    const m = as('text', 'text_room_mentions_punctuation');
    expect(m.sender.userName).toBe(BOB);
    expect(m.text).toBe('你好，@阿丽\u2005和@Ann Lee 还有(@🐱Kitty\u2005)，联系 ann@example.com 或@Ann');
    // "阿丽" is ALICE's DisplayName and ALI2's NickName: the DisplayName wins.
    expect(m.mentions).toEqual([ALICE, ANN_LEE, KITTY, ANN]);
    expect(m.mentions).not.toContain(ALI2);
    expect(m.mentionNames).toEqual(['阿丽', 'Ann Lee', '🐱Kitty', 'Ann']);
    expect(m.mentionsSelf).toBe(false);
  });

  it('sets mentionsSelf for the bot’s room display name', () => {
    const m = as('text', 'text_room_mention_self_display');
    expect(m.mentions).toEqual([SELF]);
    expect(m.mentionsSelf).toBe(true);
  });

  it('matches the bot’s emoji nick name at the end of the text', () => {
    const m = as('text', 'text_room_mention_self_nick_emoji');
    expect(m.text).toBe('@Bot小助手🤖');
    expect(m.mentions).toEqual([SELF]);
    expect(m.mentionsSelf).toBe(true);
  });

  it('without a roster keeps the written names but resolves nobody; "@_@" is not a mention', () => {
    const m = as('text', 'text_unknown_room_no_roster');
    expect(m.chat.room).toBeUndefined();
    expect(m.mentionNames).toEqual(['张三', '李四']);
    expect(m.mentions).toEqual([]);
    expect(m.mentionsSelf).toBe(false);
  });

  it('finds nothing in private chats (no room roster to mention)', () => {
    const m = normalizeMessage(
      { ...fixture('text_private_entities_emoji'), Content: '@Carol\u2005hi' },
      { directory },
    ).message;
    expect(m.mentions).toEqual([]);
    expect(m.mentionNames).toEqual([]);
  });
});

describe('location', () => {
  it('MsgType 1 + SubMsgType 48 in a room: label, coordinates, poi, url, thumbnail', () => {
    const m = as('location', 'location_sub48_room');
    expect(m.sender.userName).toBe(ALICE);
    expect(m).toMatchObject({
      label: '北京市东城区东长安街',
      poiName: '天安门广场',
      latitude: 39.908823,
      longitude: 116.39747,
      url: 'http://apis.map.qq.com/uri/v1/geocoder?coord=39.908823,116.397470',
      thumbUrl: '/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?url=xxx&msgid=1&pictype=location',
      text: '北京市东城区东长安街',
    });
  });

  it('MsgType 48 with escaped XML', () => {
    const m = as('location', 'location_48_xml');
    expect(m).toMatchObject({
      label: '上海市黄浦区人民大道',
      poiName: '人民广场',
      latitude: 31.230416,
      longitude: 121.473701,
    });
    expect(m.thumbUrl).toBeUndefined();
  });
});

describe('media kinds', () => {
  it('image: size and md5 from the XML, dimensions from the envelope', () => {
    const m = as('image', 'image_private');
    expect(m).toMatchObject({
      width: 640,
      height: 480,
      sizeBytes: 48213,
      md5: '9e107d9d372bb6826bd81d3542a419d6',
      text: '',
    });
  });

  it('voice: duration from VoiceLength, sender from the room prefix', () => {
    const m = as('voice', 'voice_room');
    expect(m.durationMs).toBe(4200);
    expect(m.sender.userName).toBe(BOB);
  });

  it('voice: falls back to the voicemsg attribute', () => {
    expect(as('voice', 'voice_no_length_field').durationMs).toBe(2500);
  });

  it('video (43) and short video (62)', () => {
    expect(as('video', 'video_private')).toMatchObject({
      durationSeconds: 12,
      width: 720,
      height: 1280,
      isShortVideo: false,
    });
    expect(as('video', 'video_short_62')).toMatchObject({ durationSeconds: 6, isShortVideo: true });
  });

  it('emoticon (47): md5, cdn url, size, product', () => {
    expect(as('emoticon', 'emoticon_private')).toMatchObject({
      md5: '5d41402abc4b2a76b9719d911017c592',
      cdnUrl: 'http://emoji.qpic.cn/wx_emoji/demo123/',
      sizeBytes: 20480,
      width: 120,
      height: 120,
      productId: 'com.tencent.xin.emoticon.demo',
    });
  });

  it('emoji app message (49/8) is an emoticon too', () => {
    expect(as('emoticon', 'emoji_app8')).toMatchObject({
      md5: '900150983cd24fb0d6963f7d28e17f72',
      cdnUrl: 'http://emoji.example.com/x',
      sizeBytes: 1234,
      appMsgType: 8,
    });
  });

  it('card (42): RecommendInfo first, XML for the rest', () => {
    expect(as('card', 'card_private')).toMatchObject({
      userName: '@0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c',
      nickName: 'Dave 🎸',
      alias: 'dave_guitar',
      xmlUserName: 'v1_0c0c0c@stranger',
      antispamTicket: 'v2_0c0c0c@stranger',
      scene: 17,
      province: '广东',
      city: '深圳',
      signature: 'rock on',
      isOfficial: false,
    });
  });
});

describe('friend requests', () => {
  it('37: carries everything needed to accept, and emits a friend-request event', () => {
    const { message, events } = run('friend_request');
    expect(message.kind).toBe('friend-request');
    const m = message as MessageOfKind<'friend-request'>;
    expect(m.request).toEqual({
      userName: '@9f9e9d9c9b9a99989796959493929190',
      nickName: 'Eve🌸',
      ticket: 'v2_e0e0e0e0e0@stranger',
      verifyText: '我是"徒步群"的Eve',
      scene: 14,
      alias: 'eve_hikes',
      stableId: 'wxid_eve00001',
      encryptUserName: 'v1_e0e0e0@stranger',
      sourceRoom: '1234567890@chatroom',
      opCode: 2,
      sex: 2,
      province: '浙江',
      city: '杭州',
      signature: undefined,
      avatarUrl: 'http://wx.qlogo.cn/mmhead/ver_1/demo/0',
    });
    expect(m.text).toBe('我是"徒步群"的Eve');
    expect(events).toEqual([{ type: 'friend-request', messageId: m.id, createdAt: m.createdAt, request: m.request }]);
  });

  it('37: falls back to the XML when RecommendInfo is sparse (double-escaped text decoded once per layer)', () => {
    const m = as('friend-request', 'friend_request_xml_only');
    expect(m.request).toMatchObject({
      ticket: 'v2_only_in_xml@stranger',
      verifyText: 'hi & hello',
      scene: 30,
      nickName: 'Eve',
      stableId: 'wxid_eve00001',
    });
  });

  it('40: possible friend', () => {
    expect(as('possible-friend', 'possible_friend')).toMatchObject({
      userName: '@9f9e9d9c9b9a99989796959493929190',
      nickName: 'Frank',
    });
  });
});

describe('app messages (49)', () => {
  it('5: a single shared link', () => {
    const m = as('link', 'link_single');
    expect(m).toMatchObject({
      title: '如何在周末爬山',
      description: '装备清单 & 路线',
      url: 'https://example.com/hike?a=1&b=2',
      appName: 'Demo News',
      text: '如何在周末爬山',
    });
    expect(m.articles).toEqual([
      {
        title: '如何在周末爬山',
        url: 'https://example.com/hike?a=1&b=2',
        description: '装备清单 & 路线',
        coverUrl: undefined,
      },
    ]);
  });

  it('5: an official-account push lists every article', () => {
    const m = as('link', 'link_official_multi');
    expect(m.articles).toEqual([
      {
        title: '今日头条：山野之美',
        url: 'https://mp.example.com/s?id=1&idx=1',
        description: '第一篇摘要',
        coverUrl: 'https://mmbiz.example.com/c1.jpg',
      },
      {
        title: '第二篇：装备',
        url: 'https://mp.example.com/s?id=1&idx=2',
        description: '',
        coverUrl: 'https://mmbiz.example.com/c2.jpg',
      },
    ]);
  });

  it('3: music', () => {
    expect(as('music', 'music')).toMatchObject({
      title: '山歌',
      description: '民谣歌手',
      dataUrl: 'https://stream.example.com/1.m4a?k=1&g=2',
      appId: 'wx0000music0001',
      appName: 'Demo Music',
    });
  });

  it('6: file in a room (trailing escaped <br/> ignored)', () => {
    const m = as('file', 'file_room');
    expect(m.sender.userName).toBe(BOB);
    expect(m).toMatchObject({
      fileName: '路线图.PDF',
      sizeBytes: 204800,
      extension: 'pdf',
      mediaId: '@crypt_demo_media_0001',
      attachId: '@cdn_demo_1',
      md5: '0cc175b9c0f1b6a831c399e269772661',
      appName: '微信电脑版',
      appId: 'wx6618f1cfc6c132f8',
      encryFileName: '%E8%B7%AF%E7%BA%BF%E5%9B%BE%2EPDF',
      text: '路线图.PDF',
    });
  });

  it('6 with truncated XML still yields the closest kind from the envelope', () => {
    expect(as('file', 'app_malformed_xml')).toMatchObject({
      fileName: 'report.xlsx',
      sizeBytes: 1000,
      extension: 'xlsx',
      mediaId: '@crypt_demo_media_0002',
    });
  });

  it('17: real-time location share', () => {
    expect(as('location-share', 'location_share').title).toBe('我发起了位置共享');
  });

  it('19: chat history with item count', () => {
    expect(as('chat-history', 'chat_history')).toMatchObject({
      title: '群聊的聊天记录',
      description: 'Alice: 出发了\nBob: 收到',
      itemCount: 2,
    });
  });

  it('0: unsupported, view on phone', () => {
    expect(as('unsupported', 'unsupported_app0').text).toBe('当前微信版本不支持展示该内容，请升级至最新版本。');
  });

  it('33: mini program', () => {
    expect(as('mini-program', 'mini_program')).toMatchObject({
      title: '来拼车',
      appId: 'wxdemoapp0001',
      programUserName: 'gh_demoapp0001@app',
      pagePath: 'pages/ride/index.html?id=42',
      sourceDisplayName: '拼车助手',
      iconUrl: 'http://wx.qlogo.cn/mmhead/demo/96',
    });
  });

  it('57: quote — reply text with mentions, and the quoted message', () => {
    const m = as('quote', 'quote_room');
    expect(m.sender.userName).toBe(ALICE);
    expect(m.text).toBe('@Bob\u2005同意 👍');
    expect(m.mentions).toEqual([BOB]);
    expect(m.quoted).toEqual({
      id: '7300000000000000999',
      senderUserName: 'wxid_bob0001',
      senderName: 'Bob',
      text: '周六 8 点出发？',
      msgType: 1,
    });
  });

  it('2000: transfer', () => {
    expect(as('transfer', 'transfer')).toMatchObject({
      title: '微信转账',
      amount: '￥0.10',
      memo: '车费',
      transferId: '1000050001202406100000000001',
      paySubType: 1,
      actionable: false,
    });
  });

  it('2001: red packet', () => {
    const m = as('red-packet', 'red_packet');
    expect(m).toMatchObject({ title: '恭喜发财，大吉大利', description: '微信红包', actionable: false });
    expect(m.sender.userName).toBe(BOB);
  });

  it('unknown AppMsgType keeps title, url and description', () => {
    const m = as('unknown', 'unknown_app_type');
    expect(m.reason).toBe('unrecognised-app-type');
    expect(m.appMsgType).toBe(4242);
    expect(m.app).toMatchObject({ title: '新玩意', description: '还不认识的类型', url: 'https://example.com/new' });
  });
});

describe('voip, status notify, unknown', () => {
  it('50/52: VoIP notices (XML bodies give no text)', () => {
    expect(as('voip', 'voip_50')).toMatchObject({ text: '', actionable: false });
    expect(as('voip', 'voip_52_text').text).toBe('语音通话邀请');
  });

  it('51: internal status-notify with stable-id pairs', () => {
    const m = as('status-notify', 'status_notify');
    expect(m.code).toBe(4);
    expect(m.pairs).toEqual([
      { stableId: 'wxid_carol0001', userName: CAROL },
      { stableId: 'filehelper', userName: 'filehelper' },
      { stableId: '5550001111@chatroom', userName: ROOM },
    ]);
  });

  it('51 whose lists do not line up: the kind carries no pairs, as the sync loop trusts none', () => {
    const m = normalizeMessage(
      { ...fixture('status_notify'), StatusNotifyUserName: `${CAROL},filehelper` },
      { directory },
    ).message;
    expect(m.kind).toBe('status-notify');
    expect(m.kind === 'status-notify' ? m.pairs : undefined).toEqual([]);
  });

  it('unknown MsgType keeps its text', () => {
    const m = as('unknown', 'unknown_msgtype');
    expect(m).toMatchObject({ reason: 'unrecognised-type', text: '未来的新消息', msgType: 12345 });
  });
});

describe('recalls', () => {
  it('private: finds the original in the cache, names the operator', () => {
    const recent = new RecentMessageCache(10);
    const original = run('recall_private_original', recent).message;
    const m = as('recall', 'recall_private', recent);
    expect(m).toMatchObject({
      recalledId: original.id,
      recalledOldId: '1660000001',
      replaceText: '"卡罗" 撤回了一条消息',
      operatorName: '卡罗',
      session: 'wxid_carol0001',
      text: '"卡罗" 撤回了一条消息',
    });
    expect(m.original).toBe(original);
    expect(m.recalledBy.userName).toBe(CAROL);
  });

  it('room: the sender prefix is stripped before parsing and names who recalled', () => {
    const recent = new RecentMessageCache(10);
    const original = run('recall_room_original', recent).message;
    const m = as('recall', 'recall_room', recent);
    expect(m.recalledBy).toMatchObject({ userName: BOB, name: 'Bob' });
    expect(m.original).toBe(original);
    expect(m.original?.kind === 'text' && m.original.mentions).toEqual([ALICE]);
    expect(m.operatorName).toBe('Bob');
  });

  it('room without prefix: the operator name is resolved against the roster; original not cached', () => {
    const m = as('recall', 'recall_room_no_prefix', new RecentMessageCache(10));
    expect(m.original).toBeUndefined();
    expect(m.recalledBy.userName).toBe(ALICE);
  });

  it('self recall (English wording)', () => {
    const m = as('recall', 'recall_self_en');
    expect(m.recalledBy.isSelf).toBe(true);
    expect(m.isSelf).toBe(true);
    expect(m.operatorName).toBeUndefined();
  });

  it('a <sysmsg type="revokemsg"> in a 10000 is a recall', () => {
    const m = as('recall', 'system_xml_revoke_in_10000');
    expect(m.operatorName).toBe('Carol');
  });
});

export type { Message };
