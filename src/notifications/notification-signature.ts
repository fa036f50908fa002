import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Plumline-Signature';
export const TIMESTAMP_HEADER = 'X-Plumline-Timestamp';
export const NOTIFICATION_ID_HEADER = 'X-Plumline-Notification-Id';
export const NOTIFICATION_TYPE_HEADER = 'X-Plumline-Notification-Type';

/** The scheme prefix lets the signing change later (v2=...) while receivers still accept v1 during a switch. */
const VERSION = 'v1';

/**
 * `v1=<hex HMAC-SHA256 over "<unix seconds>.<body>">`. The timestamp is inside the signed text, so a
 * captured request cannot be replayed with a fresh timestamp; receivers reject old timestamps.
 */
export function signNotification(secret: string, timestampSeconds: number, body: string): string {
  return `${VERSION}=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

/** What a receiver does (the README shows the same steps); used by tests as the reference check. */
export function verifyNotificationSignature(
  secret: string,
  header: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  { nowSeconds = Math.floor(Date.now() / 1000), toleranceSeconds = 300 } = {},
): boolean {
  const timestamp = Number(header.timestamp);
  if (!header.signature || !Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signNotification(secret, timestamp, body));
  const given = Buffer.from(header.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
