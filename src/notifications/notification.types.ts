import type { ReservationResponseDto } from '../reservations/dto/reservation-response.dto';

/** Every kind of notification, as the `type` field of the body names it. */
export enum NotificationType {
  BookingRequested = 'booking.requested',
  BookingRequestExpiring = 'booking.request_expiring',
  BookingConfirmed = 'booking.confirmed',
  BookingCancelled = 'booking.cancelled',
  BookingDeclined = 'booking.declined',
  BookingDatesChanged = 'booking.dates_changed',
  BookingConflict = 'booking.conflict',
  EventFailed = 'event.failed',
  RegistrationFailed = 'registration.failed',
}

export const NOTIFICATION_TYPES = Object.values(NotificationType);

export enum NotificationChannelName {
  Webhook = 'webhook',
  Email = 'email',
  /** Used when no other channel is configured: the payload goes to the log (e.g. under `npm run dev`). */
  Log = 'log',
}

/** A reservation as the REST API shows it, as plain JSON (what the outbox row keeps). */
export type ReservationJson = { [K in keyof ReservationResponseDto]: ReservationResponseDto[K] };

/** Where a booking was before the change that is being notified. */
export interface PreviousBookingState {
  status: string;
  listingId: number;
  checkIn: string;
  checkOut: string;
}

export interface FailedEventInfo {
  eventId: string;
  bookingCode: string | null;
  listingId: number | null;
  attempts: number;
  error: string;
}

export interface RegistrationFailureInfo {
  error: string;
  /** When the registration was last in step with Plum; null when it never was. */
  lastSyncedAt: string | null;
}

/** The body's fields besides `id`, `type` and `occurredAt`; fixed when the change happens, so every retry sends the same. */
export interface NotificationData {
  /** The reservation as it was right after the change; null for notifications about no booking. */
  reservation: ReservationJson | null;
  previous?: PreviousBookingState | null;
  /** The host's deadline (requests). */
  respondBy?: string | null;
  /** Bookings already holding the dates (booking.conflict). */
  conflictsWith?: string[];
  event?: FailedEventInfo;
  registration?: RegistrationFailureInfo;
}

/** Exactly what the outgoing webhook POSTs (and what the log channel prints). */
export interface NotificationBody extends NotificationData {
  /** Stable across retries: receivers deduplicate on it. */
  id: string;
  type: NotificationType;
  occurredAt: string;
}

/** What the listings table knows about a listing, for the email. */
export interface ListingInfo {
  listingId: number;
  name: string | null;
  timezone: string | null;
}
