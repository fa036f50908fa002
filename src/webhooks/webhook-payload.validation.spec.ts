import { bookingEventProblems, listingEventProblems } from './webhook-payload.validation';

const booking = { eventId: '3f6b2a64-2c7e-4f0a-9d55-3a1a7c9d2b10', timestamp: '2025-01-15T10:30:00Z', bookingCode: 'PG-ABC123', listingId: null };

describe('webhook payload validation', () => {
  it('accepts valid booking and listing envelopes, extra fields included', () => {
    expect(bookingEventProblems({ ...booking, somethingNew: 1 })).toEqual([]);
    expect(bookingEventProblems({ ...booking, listingId: undefined, timestamp: '2025-01-15T10:30:00.123+01:00' })).toEqual([]);
    expect(listingEventProblems({ ...booking, bookingCode: null, listingId: 42 })).toEqual([]);
  });

  it.each([
    [{ eventId: 'x' }, 'eventId must be a UUID'],
    [{ timestamp: '2025-02-30T10:00:00Z' }, 'timestamp must be an ISO 8601 date-time'],
    [{ timestamp: 'yesterday' }, 'timestamp must be an ISO 8601 date-time'],
    [{ timestamp: 1736937000 }, 'timestamp must be an ISO 8601 date-time'],
    [{ bookingCode: 'PG/1' }, 'bookingCode must be 1-64 characters of A-Z, a-z, 0-9, _ or -'],
    [{ bookingCode: 7 }, 'bookingCode must be a string'],
    [{ listingId: 1.5 }, 'listingId must be null or an integer'],
  ])('names the problem in %j', (override, message) => {
    expect(bookingEventProblems({ ...booking, ...override })).toEqual([message]);
  });

  it('requires an integer listingId and a null bookingCode for listing events', () => {
    expect(listingEventProblems({ ...booking })).toEqual(['bookingCode must be null for a listing event', 'listingId must be an integer']);
  });
});
