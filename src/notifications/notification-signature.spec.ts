import { createHmac } from 'node:crypto';
import { signNotification, verifyNotificationSignature } from './notification-signature';

const secret = 'notify-secret-0123456789';
const body = JSON.stringify({ id: 'b6a3c1d2-0000-4000-8000-000000000000', type: 'booking.requested' });

describe('notification signatures', () => {
  it('is v1= and the hex HMAC-SHA256 of "<timestamp>.<body>"', () => {
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signNotification(secret, 1_700_000_000, body)).toBe(`v1=${expected}`);
  });

  it('verifies a fresh signature and refuses a changed body, another secret or an old timestamp', () => {
    const now = 1_700_000_000;
    const signature = signNotification(secret, now, body);
    const ok = (s: string, ts: number, b: string, nowSeconds = now) => verifyNotificationSignature(s, { signature, timestamp: String(ts) }, b, { nowSeconds });
    expect(ok(secret, now, body)).toBe(true);
    expect(ok(secret, now, `${body} `)).toBe(false);
    expect(ok('another-secret-0123456789', now, body)).toBe(false);
    expect(ok(secret, now, body, now + 301)).toBe(false);
    expect(verifyNotificationSignature(secret, { signature: undefined, timestamp: String(now) }, body, { nowSeconds: now })).toBe(false);
    expect(verifyNotificationSignature(secret, { signature: 'v1=00', timestamp: String(now) }, body, { nowSeconds: now })).toBe(false);
  });
});
