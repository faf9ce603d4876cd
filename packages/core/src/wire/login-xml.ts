/** The `<error>...</error>` document webwxnewloginpage answers with. */
export interface LoginPageResult {
  ret: number;
  message: string;
  skey: string;
  sid: string;
  uin: number;
  passTicket: string;
  isGrayscale: boolean;
}

function tag(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  if (!m) return undefined;
  return m[1]!.replace(/^<!\[CDATA\[([\s\S]*)\]\]>$/, '$1').trim();
}

/**
 * Reads the login page XML. A non-zero `ret` is returned as-is (1203 is the
 * caller's to turn into LoginForbidden); only an unreadable body throws.
 */
export function parseLoginPage(xml: string): LoginPageResult {
  const retText = tag(xml, 'ret');
  if (retText === undefined || !/^-?\d+$/.test(retText)) {
    throw new Error(`webwxnewloginpage: no <ret> in the answer (body starts: ${JSON.stringify(xml.slice(0, 40))})`);
  }
  const uinText = tag(xml, 'wxuin') ?? '';
  return {
    ret: Number(retText),
    message: tag(xml, 'message') ?? '',
    skey: tag(xml, 'skey') ?? '',
    sid: tag(xml, 'wxsid') ?? '',
    uin: /^\d+$/.test(uinText) ? Number(uinText) : 0,
    // The XML carries it URL-encoded already; the web client sends it as-is.
    passTicket: tag(xml, 'pass_ticket') ?? '',
    isGrayscale: tag(xml, 'isgrayscale') === '1',
  };
}
