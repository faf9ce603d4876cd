import { randomInt } from 'node:crypto';

/** The web client's ClientMsgId/LocalID: ms timestamp followed by 4 random digits, as a string. */
export function newClientMsgId(now: number = Date.now()): string {
  return `${now}${String(randomInt(0, 10_000)).padStart(4, '0')}`;
}

/** `e` + 15 random digits, like the web client's DeviceID. */
export function newDeviceId(): string {
  let s = 'e';
  for (let i = 0; i < 15; i++) s += String(randomInt(0, 10));
  return s;
}
