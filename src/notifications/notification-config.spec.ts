import { validateEnvironment } from '../config/environment';

const base = { API_TOKEN: 'api-token-0123456789', PLUM_API_TOKEN: 'plum-token', WEBHOOK_REGISTRATION: 'off' };

describe('notification settings', () => {
  it('has defaults that need no channel', () => {
    const env = validateEnvironment(base);
    expect(env).toMatchObject({ NOTIFY_EXPIRING_BEFORE_MINUTES: 240, NOTIFY_ATTEMPTS: 12, NOTIFY_BACKOFF_MS: 10_000, NOTIFY_WEBHOOK_TIMEOUT_MS: 10_000 });
    expect(env.NOTIFY_WEBHOOK_URL).toBeUndefined();
    expect(env.SMTP_URL).toBeUndefined();
  });

  it('reads the channels', () => {
    const env = validateEnvironment({
      ...base,
      NOTIFY_WEBHOOK_URL: 'https://hooks.example.com/plumline',
      NOTIFY_WEBHOOK_SECRET: 'notify-secret-0123456789',
      SMTP_URL: 'smtp://user:p%40ss@127.0.0.1:2525',
      NOTIFY_EMAIL_TO: 'host@example.com, cleaner@example.com',
      PLUM_DASHBOARD_URL: 'https://hosts.plumguide.com/bookings/{bookingCode}',
      NOTIFY_EXPIRING_BEFORE_MINUTES: '60',
    });
    expect(env).toMatchObject({ NOTIFY_EMAIL_TO: 'host@example.com, cleaner@example.com', NOTIFY_EXPIRING_BEFORE_MINUTES: 60 });
  });

  it('refuses a webhook without its secret and email without a recipient', () => {
    expect(() => validateEnvironment({ ...base, NOTIFY_WEBHOOK_URL: 'https://hooks.example.com/x' })).toThrow(/NOTIFY_WEBHOOK_SECRET is required/);
    expect(() => validateEnvironment({ ...base, SMTP_URL: 'smtp://127.0.0.1:25' })).toThrow(/NOTIFY_EMAIL_TO is required/);
    expect(() => validateEnvironment({ ...base, SMTP_URL: 'smtp://127.0.0.1:25', NOTIFY_EMAIL_TO: 'not an address' })).toThrow(/NOTIFY_EMAIL_TO must be/);
  });

  it('never prints the SMTP password or the signing secret in a configuration error', () => {
    const attempt = () => validateEnvironment({ ...base, SMTP_URL: 'http://user:hunter2-password@mail', NOTIFY_WEBHOOK_SECRET: 'short-secret' });
    expect(attempt).toThrow(/SMTP_URL/);
    expect(attempt).toThrow(/NOTIFY_WEBHOOK_SECRET/);
    let message = '';
    try {
      attempt();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('short-secret');
  });
});
