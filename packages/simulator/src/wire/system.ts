/**
 * MsgType 10000 wordings as the real server writes them (zh and en), quotes
 * and curly quotes included. Names are plain text; callers escape.
 */

export type Lang = 'zh' | 'en';

const q = (name: string): string => `"${name}"`;
const list = (names: string[], lang: Lang): string => names.join(lang === 'zh' ? '、' : ', ');

export const systemText = {
  friendAdded(name: string, lang: Lang): string {
    return lang === 'zh'
      ? `你已添加了${name}，现在可以开始聊天了。`
      : `You have added ${name} as your WeChat contact. Start chatting!`;
  },
  selfInvited(invitees: string[], lang: Lang): string {
    return lang === 'zh'
      ? `你邀请${q(list(invitees, lang))}加入了群聊`
      : `You invited ${q(list(invitees, lang))} to the group chat`;
  },
  otherInvited(inviter: string, invitees: string[], lang: Lang): string {
    return lang === 'zh'
      ? `${q(inviter)}邀请${q(list(invitees, lang))}加入了群聊`
      : `${q(inviter)} invited ${q(list(invitees, lang))} to the group chat`;
  },
  invitedSelf(inviter: string, others: string[], lang: Lang): string {
    if (lang === 'en')
      return others.length
        ? `${q(inviter)} invited you to a group chat with ${list(others, lang)}`
        : `${q(inviter)} invited you to a group chat`;
    return others.length
      ? `${q(inviter)}邀请你加入了群聊，群聊参与人还有：${list(others, lang)}`
      : `${q(inviter)}邀请你加入了群聊`;
  },
  /** `sharer` null: the account's own QR code. */
  joinedViaQr(joiner: string, sharer: string | null, lang: Lang): string {
    if (lang === 'en')
      return sharer === null
        ? `${q(joiner)} joined group chat via the QR code you shared.  `
        : `${q(joiner)} joined the group chat via the QR Code shared by ${q(sharer)}`;
    return sharer === null
      ? `${q(joiner)}通过扫描你分享的二维码加入群聊`
      : `${q(joiner)}通过扫描${q(sharer)}分享的二维码加入群聊`;
  },
  selfRemoved(member: string, lang: Lang): string {
    return lang === 'zh' ? `你将${q(member)}移出了群聊` : `You removed ${q(member)} from the group chat`;
  },
  removedSelf(by: string, lang: Lang): string {
    return lang === 'zh' ? `你被${q(by)}移出群聊` : `You were removed from the group chat by ${q(by)}`;
  },
  selfRenamed(topic: string, lang: Lang): string {
    return lang === 'zh' ? `你修改群名为“${topic}”` : `You changed the group name to "${topic}"`;
  },
  otherRenamed(by: string, topic: string, lang: Lang): string {
    return lang === 'zh' ? `${q(by)}修改群名为“${topic}”` : `${q(by)} changed the group name to "${topic}"`;
  },
  redPacket(lang: Lang): string {
    return lang === 'zh' ? '收到红包，请在手机上查看' : 'Red packet received. View on phone.';
  },
  strangerWarning(lang: Lang): string {
    return lang === 'zh'
      ? '如果陌生人主动添加你为朋友，请谨慎核实对方身份。'
      : "If a stranger adds you as a friend, please verify the person's identity carefully.";
  },
  /** `name` null: the account itself recalled it. */
  recalled(name: string | null, lang: Lang): string {
    if (name === null) return lang === 'zh' ? '你撤回了一条消息' : 'You recalled a message';
    return lang === 'zh' ? `${q(name)} 撤回了一条消息` : `${q(name)} has recalled a message.`;
  },
};
