import { dashboardLink, effectiveTimezone, formatDeadline, renderNotificationEmail } from './notification-message';
import { NotificationBody, NotificationType, ReservationJson } from './notification.types';

const reservation: ReservationJson = {
  bookingCode: 'PG-ABC123',
  listingId: 42,
  status: 'Request',
  checkIn: '2027-06-01',
  checkOut: '2027-06-04',
  nights: 3,
  guest: { name: 'Ada <Lovelace>', email: 'ada@guest.plum' },
  respondBy: '2027-01-15T10:30:00.000Z',
  lastEventAt: null,
  syncedAt: '2027-01-14T10:30:00.000Z',
  createdAt: '2027-01-14T10:30:00.000Z',
  updatedAt: '2027-01-14T10:30:00.000Z',
};

const body = (type: NotificationType, extra: Partial<NotificationBody> = {}): NotificationBody => ({
  id: '0b1e4a4e-0000-4000-8000-000000000000',
  type,
  occurredAt: '2027-01-14T10:30:00.000Z',
  reservation,
  ...extra,
});

describe('notification emails', () => {
  const listing = { listingId: 42, name: 'The Sea House', timezone: 'America/New_York' };

  it('gives a new request its guest, dates, listing, local deadline and a link to act on', () => {
    const message = renderNotificationEmail(body(NotificationType.BookingRequested), { listing, dashboardUrl: 'https://hosts.plum.test/bookings/{bookingCode}' });
    expect(message.subject).toBe('New booking request PG-ABC123 at The Sea House (#42): respond by Fri 15 Jan 2027, 05:30 GMT-5 (America/New_York)');
    expect(message.text).toContain('Guest:');
    expect(message.text).toContain('Ada <Lovelace> <ada@guest.plum>');
    expect(message.text).toContain('Tue 1 Jun 2027 to Fri 4 Jun 2027 (3 nights)');
    expect(message.text).toContain('Respond by: Fri 15 Jan 2027, 05:30 GMT-5 (America/New_York)');
    expect(message.text).toContain('Open in Plum: https://hosts.plum.test/bookings/PG-ABC123');
    expect(message.html).toContain('Ada &lt;Lovelace&gt;');
    expect(message.html).not.toContain('<Lovelace>');
    expect(message.html).toContain('<a href="https://hosts.plum.test/bookings/PG-ABC123">');
  });

  it('falls back to UTC and the listing id when the listing is unknown, and leaves the link out when none is configured', () => {
    const message = renderNotificationEmail(body(NotificationType.BookingRequestExpiring), { listing: null });
    expect(message.subject).toBe('Reminder: booking request PG-ABC123 expires Fri 15 Jan 2027, 10:30 UTC (UTC)');
    expect(message.text).toContain('listing #42');
    expect(message.text).not.toContain('Open in Plum');
    expect(effectiveTimezone({ listingId: 1, name: null, timezone: 'Not/AZone' })).toBe('UTC');
  });

  it('names what changed for the other kinds', () => {
    const ctx = { listing };
    expect(renderNotificationEmail(body(NotificationType.BookingConfirmed, { reservation: { ...reservation, status: 'Confirmed' } }), ctx).subject).toBe(
      'Booking confirmed: PG-ABC123 at The Sea House (#42), 2027-06-01 to 2027-06-04',
    );
    expect(renderNotificationEmail(body(NotificationType.BookingCancelled), ctx).text).toContain('free again');
    const moved = renderNotificationEmail(body(NotificationType.BookingDatesChanged, { previous: { status: 'Confirmed', listingId: 42, checkIn: '2027-05-01', checkOut: '2027-05-03' } }), ctx);
    expect(moved.text).toContain('Before:');
    expect(moved.text).toContain('Sat 1 May 2027 to Mon 3 May 2027');
    expect(renderNotificationEmail(body(NotificationType.BookingConflict, { conflictsWith: ['PG-OTHER'] }), ctx).subject).toBe(
      'Double booking at The Sea House (#42): PG-ABC123 overlaps PG-OTHER',
    );
    const failed = renderNotificationEmail(
      body(NotificationType.EventFailed, { reservation: null, event: { eventId: 'e1', bookingCode: 'PG-GONE', listingId: null, attempts: 1, error: 'Plum answered 404' } }),
      { listing: null },
    );
    expect(failed.subject).toBe('A Plum event about booking PG-GONE could not be processed');
    expect(failed.text).toContain('Plum answered 404');
    const registration = renderNotificationEmail(body(NotificationType.RegistrationFailed, { reservation: null, registration: { error: 'Plum answered 400', lastSyncedAt: null } }), {
      listing: null,
    });
    expect(registration.text).toContain('Last in step: never');
  });

  it('formats deadlines on the listing clock', () => {
    expect(formatDeadline('2027-07-01T12:00:00.000Z', 'Europe/London')).toBe('Thu 1 Jul 2027, 13:00 BST (Europe/London)');
    expect(dashboardLink('https://hosts.plum.test/', 'PG-1')).toBe('https://hosts.plum.test/');
    expect(dashboardLink(undefined, 'PG-1')).toBeNull();
  });
});
