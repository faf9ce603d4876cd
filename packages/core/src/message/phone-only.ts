/**
 * What only the phone can act on (issue 16 item 7): red packets, transfers and calls. Their messages
 * and notices carry `actionable: false` as a literal type, so a plugin branches on a value; the
 * transport's side of it is `limitsOf(ctx.capabilities)` (`openRedPacket`, `acceptTransfer`, `calls`).
 */

/** No transport wxbot has can open, accept, refund, answer or decline it: tell a person instead. */
export interface NotActionable {
  readonly actionable: false;
}

/**
 * A red packet, transfer or call told as a system notice (Web WeChat shows a received red packet only
 * this way: "收到红包，请在手机上查看").
 */
export interface PhoneOnlyNotice extends NotActionable {
  readonly type: 'red-packet' | 'transfer' | 'call';
}
