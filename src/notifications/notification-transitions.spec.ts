import { bookingNotifications, BookingState, eventFailedDedupeKey, expiringDedupeKey, registrationFailedDedupeKey } from './notification-transitions';
import { NotificationType } from './notification.types';

const v1 = new Date('2026-12-01T10:00:00.000Z');
const v2 = new Date('2026-12-01T11:00:00.000Z');

function state(overrides: Partial<BookingState> = {}): BookingState {
  return { status: 'Confirmed', listingId: 7, checkIn: '2027-06-01', checkOut: '2027-06-04', respondBy: null, upstreamVersion: v1, ...overrides };
}

const kinds = (previous: BookingState | null, current: BookingState, newConflicts: string[] = []) =>
  bookingNotifications({ bookingCode: 'PG-1', previous, current, newConflicts }).map((n) => n.type);

describe('bookingNotifications', () => {
  it('announces each status a booking enters', () => {
    const respondBy = new Date('2026-12-02T10:00:00.000Z');
    expect(kinds(null, state({ status: 'Request', respondBy }))).toEqual([NotificationType.BookingRequested]);
    expect(kinds(state({ status: 'Request' }), state({ status: 'Confirmed', upstreamVersion: v2 }))).toEqual([NotificationType.BookingConfirmed]);
    expect(kinds(state({ status: 'Request' }), state({ status: 'Declined', upstreamVersion: v2 }))).toEqual([NotificationType.BookingDeclined]);
    expect(kinds(state(), state({ status: 'Cancelled', upstreamVersion: v2 }))).toEqual([NotificationType.BookingCancelled]);
    expect(kinds(null, state())).toEqual([NotificationType.BookingConfirmed]);
  });

  it('carries the deadline of a request and the state before the change', () => {
    const respondBy = new Date('2026-12-02T10:00:00.000Z');
    const [requested] = bookingNotifications({ bookingCode: 'PG-1', previous: null, current: state({ status: 'Request', respondBy }), newConflicts: [] });
    expect(requested.data).toEqual({ previous: null, respondBy: respondBy.toISOString() });
    const [cancelled] = bookingNotifications({ bookingCode: 'PG-1', previous: state(), current: state({ status: 'Cancelled', upstreamVersion: v2 }), newConflicts: [] });
    expect(cancelled.data.previous).toEqual({ status: 'Confirmed', listingId: 7, checkIn: '2027-06-01', checkOut: '2027-06-04' });
  });

  it('says nothing when the state is re-applied unchanged, whatever the version', () => {
    expect(kinds(state(), state())).toEqual([]);
    expect(kinds(state(), state({ upstreamVersion: v2 }))).toEqual([]);
    expect(kinds(state({ status: 'Request', respondBy: v1 }), state({ status: 'Request', respondBy: v2 }))).toEqual([]);
  });

  it('says nothing for Initiated or a status it does not know', () => {
    expect(kinds(null, state({ status: 'Initiated' }))).toEqual([]);
    expect(kinds(state(), state({ status: 'UnderReview', upstreamVersion: v2 }))).toEqual([]);
  });

  it('tells about new dates of a live stay, but not on top of a status change', () => {
    expect(kinds(state(), state({ checkIn: '2027-06-02', checkOut: '2027-06-05', upstreamVersion: v2 }))).toEqual([NotificationType.BookingDatesChanged]);
    expect(kinds(state({ status: 'Request' }), state({ status: 'Request', checkOut: '2027-06-06' }))).toEqual([NotificationType.BookingDatesChanged]);
    expect(kinds(state(), state({ listingId: 8 }))).toEqual([NotificationType.BookingDatesChanged]);
    expect(kinds(state({ status: 'Request' }), state({ checkIn: '2027-06-02', upstreamVersion: v2 }))).toEqual([NotificationType.BookingConfirmed]);
    expect(kinds(state({ status: 'Cancelled' }), state({ status: 'Cancelled', checkIn: '2027-06-02' }))).toEqual([]);
  });

  it('reports new double bookings, with the bookings already holding the dates', () => {
    const planned = bookingNotifications({ bookingCode: 'PG-2', previous: null, current: state(), newConflicts: ['PG-9', 'PG-3'] });
    expect(planned.map((p) => p.type)).toEqual([NotificationType.BookingConfirmed, NotificationType.BookingConflict]);
    expect(planned[1].data).toEqual({ conflictsWith: ['PG-3', 'PG-9'] });
    expect(kinds(state(), state(), [])).toEqual([]);
  });

  it('gives the same change the same keys, and a different change different ones', () => {
    const keys = (current: BookingState, conflicts: string[] = []) =>
      bookingNotifications({ bookingCode: 'PG-1', previous: state({ status: 'Request' }), current, newConflicts: conflicts }).map((p) => p.dedupeKey);
    expect(keys(state(), ['PG-3', 'PG-4'])).toEqual(keys(state(), ['PG-4', 'PG-3']));
    expect(keys(state())[0]).not.toEqual(keys(state({ upstreamVersion: v2 }))[0]);
    expect(keys(state())[0]).toMatch(/^booking\.confirmed:PG-1:Confirmed:7:2027-06-01:2027-06-04:/);
  });

  it('keys reminders by deadline, failures by event, registration failures by episode', () => {
    expect(expiringDedupeKey('PG-1', v1)).toBe('booking.request_expiring:PG-1:2026-12-01T10:00:00.000Z');
    expect(eventFailedDedupeKey('6d0f9a3e-0000-4000-8000-000000000000')).toBe('event.failed:6d0f9a3e-0000-4000-8000-000000000000');
    expect(registrationFailedDedupeKey(null)).toBe('registration.failed:never');
    expect(registrationFailedDedupeKey(v1)).not.toBe(registrationFailedDedupeKey(v2));
  });
});
