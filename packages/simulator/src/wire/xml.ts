/** The login page answer: XML under an `<error>` root, even on success. */

import { escapeHtml } from './content.js';

export interface LoginPageOk {
  skey: string;
  wxsid: string;
  wxuin: number;
  passTicket: string;
}

export function loginPageOk(p: LoginPageOk): string {
  return (
    `<error><ret>0</ret><message></message><skey>${p.skey}</skey><wxsid>${p.wxsid}</wxsid>` +
    `<wxuin>${p.wxuin}</wxuin><pass_ticket>${p.passTicket}</pass_ticket><isgrayscale>1</isgrayscale></error>`
  );
}

export function loginPageError(ret: number, message: string): string {
  return `<error><ret>${ret}</ret><message>${escapeHtml(message)}</message></error>`;
}

/**
 * The environment check failing (a temporary block, widely reported): 当前登录环境异常 — "the login
 * environment is abnormal; for your account's safety you cannot log in to web WeChat for now".
 */
export const WEB_LOGIN_ENVIRONMENT_MESSAGE = '当前登录环境异常。为了你的帐号安全，暂时不能登录web微信。';

/**
 * Asking for real-name verification. No capture of this exact text is published (reports only say that
 * verifying the real name lifted a 1203): the wording is ours, and says 实名 as such a message would.
 */
export const WEB_LOGIN_REAL_NAME_MESSAGE = '为了你的帐号安全，请先完成实名认证后再登录网页微信。';

/** What the real server says to accounts that may no longer use web WeChat. */
export const WEB_LOGIN_FORBIDDEN_MESSAGE =
  '为了你的帐号安全，此微信号已不允许登录网页微信。你可以使用Windows微信或Mac微信在电脑端登录。' +
  'Windows微信下载地址：https://pc.weixin.qq.com  Mac微信下载地址：https://mac.weixin.qq.com';
