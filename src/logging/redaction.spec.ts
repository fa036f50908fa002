import { redactUrl } from './redaction';

describe('redactUrl', () => {
  it('hides the webhook and iCal tokens and keeps the rest', () => {
    expect(redactUrl('/webhooks/bookings?token=s3cret&x=1')).toBe('/webhooks/bookings?token=redacted&x=1');
    expect(redactUrl('/listings/1/calendar.ics?token=abc')).toBe('/listings/1/calendar.ics?token=redacted');
    expect(redactUrl('/reservations?limit=5')).toBe('/reservations?limit=5');
    expect(redactUrl('/health')).toBe('/health');
  });
});
