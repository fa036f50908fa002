import { extractToken, parseRetryAfter } from './plum.client';

describe('extractToken', () => {
  it('takes the token from any of the field names Plum may use, without a Bearer prefix', () => {
    expect(extractToken({ token: 'Bearer eyJ.a.b' })).toBe('eyJ.a.b');
    expect(extractToken({ accessToken: 'eyJ.c.d' })).toBe('eyJ.c.d');
    expect(extractToken({ access_token: 'bearer eyJ.e.f' })).toBe('eyJ.e.f');
    expect(extractToken({ token: '' })).toBeUndefined();
    expect(extractToken({})).toBeUndefined();
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-12-04T12:00:00Z');

  it('reads seconds and HTTP dates, and caps absurd values', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Fri, 04 Dec 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('999999', now)).toBe(15 * 60_000);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});
