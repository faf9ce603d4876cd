import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a webhook request. */
export const SIGNATURE_HEADER = 'x-wxbot-signature';
export const TIMESTAMP_HEADER = 'x-wxbot-timestamp';
export const DELIVERY_HEADER = 'x-wxbot-delivery';
/** The same key under the name receivers' frameworks look for. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** `sha256=<hex>` of HMAC-SHA256(secret, `<timestamp>.<body>`): the timestamp is signed, so an old request cannot be replayed as new. */
export function signature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does with a request: true when it is signed with `secret` and its timestamp is
 * within `toleranceSeconds` (default 300) of `now`. Dedupe on the `idempotency-key` header as well:
 * a delivery is retried until answered 2xx.
 */
export function verifyWebhook(options: {
  secret: string;
  body: string;
  signature: string | undefined;
  timestamp: string | undefined;
  toleranceSeconds?: number;
  now?: number;
}): boolean {
  const ts = Number(options.timestamp);
  if (!Number.isInteger(ts) || options.signature === undefined) return false;
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(now - ts) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signature(options.secret, ts, options.body));
  const given = Buffer.from(options.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
