// Plum Guide partner API v2: the shapes this project relies on. Where Plum's docs are silent, the
// choices marked [ours] are made here and in plum-booking.mapper.ts only, so one edit corrects them.

/** The canonical statuses we store. Plum's bookings guide spells the pending state `Requested`. */
export const BOOKING_STATUSES = ['Initiated', 'Request', 'Confirmed', 'Declined', 'Cancelled'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/** Every spelling Plum uses for a status, mapped to the canonical one. [doc: both guides] */
export const UPSTREAM_STATUS_ALIASES: Readonly<Record<string, BookingStatus>> = {
  Initiated: 'Initiated',
  Request: 'Request',
  Requested: 'Request',
  Confirmed: 'Confirmed',
  Declined: 'Declined',
  Cancelled: 'Cancelled',
  Canceled: 'Cancelled',
};

/** Booking codes become a URL path segment upstream: nothing but these may pass. [ours] */
export const BOOKING_CODE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The guest as Plum may send it (a name and a relayed email); every field optional. [ours] */
export interface PlumGuest {
  firstName?: string | null;
  lastName?: string | null;
  name?: string | null;
  fullName?: string | null;
  email?: string | null;
  [key: string]: unknown;
}

/**
 * A booking as `GET /v2/bookings/{bookingCode}` returns it. No schema is published; these are the
 * fields we rely on, named as Plum's own examples name them [ours]. Unknown fields are kept.
 */
export interface PlumBooking {
  bookingCode: string;
  listingId: number;
  status: string;
  /** First night, yyyy-MM-dd. */
  checkIn: string;
  /** Departure day, yyyy-MM-dd; the nights are [checkIn, checkOut). */
  checkOut: string;
  guest?: PlumGuest | null;
  numberOfGuests?: number | null;
  currencyCode?: string | null;
  totalAmount?: number | string | null;
  createdAt?: string | null;
  updatedAt?: string | null;
  /** Plum's own deadline for a request, when it sends one. [ours: name guessed, optional] */
  respondBy?: string | null;
  [key: string]: unknown;
}

/** `GET /v2/bookings?page=&pageSize=` [ours: paginated, shape assumed]. */
export interface PlumBookingPage {
  items: PlumBooking[];
  page: number;
  pageSize: number;
  totalCount?: number;
  hasMore: boolean;
}

/** `GET /v2/listings/{listingId}` [ours: fields beyond the id are optional]. */
export interface PlumListing {
  listingId: number;
  name?: string | null;
  timezone?: string | null;
  [key: string]: unknown;
}

/** The one webhook configuration per credential set. [doc] */
export interface PlumWebhookConfig {
  isActive: boolean;
  endpoints: {
    bookings?: string | null;
    listings?: string | null;
  };
}

/** The envelope of every webhook, bookings and listings alike. [doc] */
export interface PlumWebhookPayload {
  eventId: string;
  timestamp: string;
  bookingCode: string | null;
  listingId: number | null;
}
