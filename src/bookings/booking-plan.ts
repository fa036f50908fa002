import { BOOKING_STATUSES, BookingStatus, PlumBooking } from '../plum/plum.types';
import { canonicalStatus, guestFields, optionalAmount, optionalInt, parseTimestamp } from '../plum/plum-booking.mapper';

const REQUEST_WINDOW_MS = 24 * 3600 * 1000;

/** What a booking's dates should hold after this state is applied; `keep` leaves them as they are. */
export type BlockPlan = { kind: 'booking' } | { kind: 'tentative'; expiresAt: Date } | { kind: 'none' } | { kind: 'keep' };

/** The reservation row as stored, derived from one fetched booking. */
export interface ReservationSnapshot {
  bookingCode: string;
  listingId: number;
  status: string;
  upstreamStatus: string;
  checkIn: string;
  checkOut: string;
  guestName: string | null;
  guestEmail: string | null;
  numberOfGuests: number | null;
  currencyCode: string | null;
  totalAmount: string | null;
  raw: PlumBooking;
  /** Plum's updatedAt when it sends one, else when our fetch started. */
  upstreamVersion: Date;
  /** Plum's own request deadline, when the booking carries one. */
  upstreamRespondBy: Date | null;
}

export function snapshotOf(booking: PlumBooking, fetchStartedAt: Date): ReservationSnapshot {
  const guest = guestFields(booking.guest);
  return {
    bookingCode: booking.bookingCode,
    listingId: booking.listingId,
    status: canonicalStatus(booking.status) ?? booking.status.trim().slice(0, 32),
    upstreamStatus: booking.status.slice(0, 64),
    checkIn: booking.checkIn,
    checkOut: booking.checkOut,
    guestName: guest.guestName,
    guestEmail: guest.guestEmail,
    numberOfGuests: optionalInt(booking.numberOfGuests),
    currencyCode: typeof booking.currencyCode === 'string' ? booking.currencyCode.slice(0, 8) : null,
    totalAmount: optionalAmount(booking.totalAmount),
    raw: booking,
    upstreamVersion: parseTimestamp(booking.updatedAt) ?? fetchStartedAt,
    upstreamRespondBy: parseTimestamp(booking.respondBy) ?? null,
  };
}

/**
 * The host's deadline for a request: Plum's own when it sends one, else the one we set when the
 * request was first seen (kept across re-fetches), else first seen now plus 24 hours.
 */
export function respondByFor(snapshot: ReservationSnapshot, stored: { status: string; respondBy: Date | null } | null, firstSeenAt: Date): Date | null {
  if (snapshot.status !== ('Request' satisfies BookingStatus)) return null;
  if (snapshot.upstreamRespondBy) return snapshot.upstreamRespondBy;
  if (stored?.status === 'Request' && stored.respondBy) return stored.respondBy;
  return new Date(firstSeenAt.getTime() + REQUEST_WINDOW_MS);
}

/**
 * Confirmed blocks its dates; a request holds them until its deadline (unless disabled); Declined,
 * Cancelled and Initiated block nothing. A status we do not know changes no dates: whatever the
 * booking held stays, until a status we understand arrives.
 */
export function blockPlanFor(status: string, respondBy: Date | null, holdRequests: boolean, now: Date): BlockPlan {
  if (!(BOOKING_STATUSES as readonly string[]).includes(status)) return { kind: 'keep' };
  if (status === ('Confirmed' satisfies BookingStatus)) return { kind: 'booking' };
  if (status === ('Request' satisfies BookingStatus) && holdRequests && respondBy && respondBy > now) return { kind: 'tentative', expiresAt: respondBy };
  return { kind: 'none' };
}
