import { AppRole, ConfigurationError, validateEnvironment } from './environment';

const valid = {
  API_TOKEN: 'a-long-enough-api-token',
  PLUM_CLIENT_ID: 'id',
  PLUM_CLIENT_SECRET: 'secret',
  PUBLIC_URL: 'https://plumline.example.com',
};

describe('validateEnvironment', () => {
  it('fills defaults that work against the local services', () => {
    const sut = validateEnvironment(valid);
    expect(sut).toMatchObject({
      PORT: 3000,
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/plumline',
      REDIS_URL: 'redis://127.0.0.1:6379',
      APP_ROLE: AppRole.All,
      WORKER_CONCURRENCY: 10,
      LOG_LEVEL: 'info',
      HOLD_REQUESTS: true,
    });
  });

  it('converts numbers and booleans from their string form', () => {
    const sut = validateEnvironment({ ...valid, PORT: '8080', HOLD_REQUESTS: 'false', WORKER_CONCURRENCY: '3' });
    expect(sut.PORT).toBe(8080);
    expect(sut.HOLD_REQUESTS).toBe(false);
    expect(sut.WORKER_CONCURRENCY).toBe(3);
  });

  it.each([
    ['PORT', 'abc', /^Invalid configuration: PORT="abc": PORT must be/],
    ['APP_ROLE', 'both', /^Invalid configuration: APP_ROLE="both": APP_ROLE must be one of the following values: all, api, worker$/],
    ['DATABASE_URL', 'mysql://x', /^Invalid configuration: DATABASE_URL="mysql:\/\/x": DATABASE_URL must be a URL address$/],
    ['LOG_LEVEL', 'loud', /^Invalid configuration: LOG_LEVEL="loud"/],
  ])('names a malformed %s in one line', (name, value, message) => {
    expect(() => validateEnvironment({ ...valid, [name]: value })).toThrow(message);
    try {
      validateEnvironment({ ...valid, [name]: value });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('requires the API token and never echoes a secret', () => {
    expect(() => validateEnvironment({ ...valid, API_TOKEN: undefined })).toThrow(/API_TOKEN is required/);
    expect(() => validateEnvironment({ ...valid, API_TOKEN: 'short-secret' })).toThrow(/^Invalid configuration: API_TOKEN: API_TOKEN must be longer/);
    expect(() => validateEnvironment({ ...valid, API_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
  });

  it('requires Plum credentials or a static token', () => {
    expect(() => validateEnvironment({ ...valid, PLUM_CLIENT_SECRET: '' })).toThrow(/PLUM_CLIENT_ID and PLUM_CLIENT_SECRET \(or PLUM_API_TOKEN\) are required/);
    expect(validateEnvironment({ ...valid, PLUM_CLIENT_ID: '', PLUM_CLIENT_SECRET: '', PLUM_API_TOKEN: 't' }).PLUM_API_TOKEN).toBe('t');
  });

  it('refuses a plain-http PUBLIC_URL unless insecure URLs are allowed or registration is off', () => {
    expect(() => validateEnvironment({ ...valid, PUBLIC_URL: 'http://localhost:3000' })).toThrow(/PUBLIC_URL must be https/);
    expect(validateEnvironment({ ...valid, PUBLIC_URL: 'http://localhost:3000', ALLOW_INSECURE_WEBHOOK_URL: 'true' }).PUBLIC_URL).toBe('http://localhost:3000');
    expect(validateEnvironment({ ...valid, PUBLIC_URL: 'http://localhost:3000', WEBHOOK_REGISTRATION: 'off' }).PUBLIC_URL).toBe('http://localhost:3000');
  });
});
