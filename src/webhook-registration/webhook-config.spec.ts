import { buildDesiredConfig, configMatches, normalizeEndpoint, readRemoteConfig, redactConfig, scrubSecret } from './webhook-config';

const SECRET = 'webhook-secret-0123456789';

describe('buildDesiredConfig', () => {
  it('points both endpoints at PUBLIC_URL with the secret as ?token=', () => {
    expect(buildDesiredConfig({ publicUrl: 'https://plumline.example.com', secret: SECRET })).toEqual({
      isActive: true,
      endpoints: {
        bookings: `https://plumline.example.com/webhooks/bookings?token=${SECRET}`,
        listings: `https://plumline.example.com/webhooks/listings?token=${SECRET}`,
      },
    });
  });

  it('leaves the token out when no secret is set', () => {
    const sut = buildDesiredConfig({ publicUrl: 'https://plumline.example.com' });
    expect(sut.endpoints).toEqual({ bookings: 'https://plumline.example.com/webhooks/bookings', listings: 'https://plumline.example.com/webhooks/listings' });
  });

  it('URL-encodes the secret', () => {
    const sut = buildDesiredConfig({ publicUrl: 'https://h.example', secret: 'a&b=c d/e?f#g+h%i' });
    expect(sut.endpoints.bookings).toBe('https://h.example/webhooks/bookings?token=a%26b%3Dc%20d%2Fe%3Ff%23g%2Bh%25i');
    expect(new URL(sut.endpoints.bookings!).searchParams.get('token')).toBe('a&b=c d/e?f#g+h%i');
  });

  it.each([
    ['https://h.example', 'https://h.example/webhooks/bookings'],
    ['https://h.example/', 'https://h.example/webhooks/bookings'],
    ['https://h.example/plumline', 'https://h.example/plumline/webhooks/bookings'],
    ['https://h.example/plumline/', 'https://h.example/plumline/webhooks/bookings'],
    ['https://h.example//a/b//', 'https://h.example//a/b/webhooks/bookings'],
    ['https://H.Example:443/x', 'https://h.example/x/webhooks/bookings'],
    ['https://h.example:8443', 'https://h.example:8443/webhooks/bookings'],
    ['https://h.example/x?q=1#frag', 'https://h.example/x/webhooks/bookings'],
    ['http://localhost:3000', 'http://localhost:3000/webhooks/bookings'],
  ])('builds from PUBLIC_URL %s', (publicUrl, bookings) => {
    expect(buildDesiredConfig({ publicUrl }).endpoints.bookings).toBe(bookings);
  });
});

describe('configMatches', () => {
  const desired = buildDesiredConfig({ publicUrl: 'https://h.example/p', secret: SECRET });

  it('matches the same configuration', () => {
    expect(configMatches(desired, structuredClone(desired))).toBe(true);
  });

  it('matches spellings of the same URLs', () => {
    const remote = {
      isActive: true,
      endpoints: {
        bookings: `HTTPS://H.EXAMPLE:443/p/webhooks/bookings?token=${SECRET}#x`,
        listings: ` https://h.example/p/webhooks/listings?token=${SECRET} `,
      },
    };
    expect(configMatches(desired, remote)).toBe(true);
  });

  it('matches query parameters in another order or encoding', () => {
    const a = { isActive: true, endpoints: { bookings: 'https://h/x?token=a%20b&v=1', listings: 'https://h/l' } };
    const b = { isActive: true, endpoints: { bookings: 'https://h/x?v=1&token=a+b', listings: 'https://h/l' } };
    expect(configMatches(a, b)).toBe(true);
  });

  it.each([
    ['no configuration', null],
    ['inactive', { ...desired, isActive: false }],
    ['another host', { isActive: true, endpoints: { ...desired.endpoints, bookings: `https://old.example/p/webhooks/bookings?token=${SECRET}` } }],
    ['another secret', { isActive: true, endpoints: { ...desired.endpoints, listings: 'https://h.example/p/webhooks/listings?token=old-secret-0123456789' } }],
    ['no token', { isActive: true, endpoints: { ...desired.endpoints, bookings: 'https://h.example/p/webhooks/bookings' } }],
    ['a missing endpoint', { isActive: true, endpoints: { bookings: desired.endpoints.bookings } }],
    ['a trailing slash', { isActive: true, endpoints: { ...desired.endpoints, bookings: `https://h.example/p/webhooks/bookings/?token=${SECRET}` } }],
    ['http instead of https', { isActive: true, endpoints: { ...desired.endpoints, bookings: `http://h.example/p/webhooks/bookings?token=${SECRET}` } }],
  ])('does not match %s', (_what, remote) => {
    expect(configMatches(desired, remote)).toBe(false);
  });

  it('ignores endpoint kinds this service does not serve', () => {
    const remote = { isActive: true, endpoints: { ...desired.endpoints, reviews: 'https://elsewhere' } };
    expect(configMatches(desired, remote)).toBe(true);
  });
});

describe('normalizeEndpoint', () => {
  it('keeps what it cannot parse, trimmed, and reads blanks as absent', () => {
    expect(normalizeEndpoint(' not a url ')).toBe('not a url');
    expect(normalizeEndpoint('')).toBeNull();
    expect(normalizeEndpoint(null)).toBeNull();
  });
});

describe('readRemoteConfig', () => {
  it('reduces Plum answers to the contract', () => {
    expect(readRemoteConfig({ isActive: true, endpoints: { bookings: 'https://a', listings: 7 }, id: 3 })).toEqual({
      isActive: true,
      endpoints: { bookings: 'https://a', listings: null },
    });
    expect(readRemoteConfig({ isActive: 'true' })).toEqual({ isActive: false, endpoints: { bookings: null, listings: null } });
    expect(readRemoteConfig(null)).toBeNull();
    expect(readRemoteConfig('x')).toBeNull();
  });
});

describe('redaction', () => {
  it('redacts the token in both endpoints', () => {
    const sut = redactConfig(buildDesiredConfig({ publicUrl: 'https://h.example', secret: 'a&b=c d/e?f#g+h%i-0123456789' }));
    expect(sut).toEqual({
      isActive: true,
      endpoints: { bookings: 'https://h.example/webhooks/bookings?token=redacted', listings: 'https://h.example/webhooks/listings?token=redacted' },
    });
    expect(redactConfig(null)).toBeNull();
  });

  it('scrubs every URL spelling of the secret from text', () => {
    const secret = 'a b/c+d-0123456789';
    const text = `raw ${secret} encoded ${encodeURIComponent(secret)} form ${new URLSearchParams({ t: secret }).toString()}`;
    const sut = scrubSecret(text, secret);
    expect(sut).not.toContain('0123456789');
    expect(sut).toBe('raw [redacted] encoded [redacted] form t=[redacted]');
    expect(scrubSecret('nothing', undefined)).toBe('nothing');
  });
});
