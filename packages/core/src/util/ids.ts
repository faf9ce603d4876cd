import { randomInt } from 'node:crypto';

let lastClientMsgId = 0n;

/**
 * The web client's ClientMsgId/LocalID: ms timestamp followed by 4 random digits, as a string.
 * Strictly increasing within the process: the outbox and the media spool are keyed by it, and two
 * sends in one millisecond would otherwise collide one time in 10,000.
 */
export function newClientMsgId(now: number = Date.now()): string {
  let id = BigInt(now) * 10_000n + BigInt(randomInt(0, 10_000));
  if (id <= lastClientMsgId) id = lastClientMsgId + 1n;
  lastClientMsgId = id;
  return id.toString();
}

/** `e` + 15 random digits, like the web client's DeviceID. */
export function newDeviceId(): string {
  let s = 'e';
  for (let i = 0; i < 15; i++) s += String(randomInt(0, 10));
  return s;
}
