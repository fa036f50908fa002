import { createHash } from 'node:crypto';
import { NotificationData, NotificationType } from './notification.types';

/** The part of a stored reservation that decides what a change means (BookingStoreRepository's StoredState). */
export interface BookingState {
  status: string;
  listingId: number;
  checkIn: string;
  checkOut: string;
  respondBy: Date | null;
  upstreamVersion: Date;
}

/** One applied booking: what was stored before (null: first seen) and what is stored now. */
export interface BookingTransition {
  bookingCode: string;
  previous: BookingState | null;
  current: BookingState;
  /** Overlaps recorded by this apply that were not open before. */
  newConflicts: string[];
}

/** A notification decided but not yet written: its kind, what makes it unique, and its extra fields. */
export interface PlannedNotification {
  type: NotificationType;
  dedupeKey: string;
  data: Omit<NotificationData, 'reservation'>;
}

const STATUS_NOTIFICATIONS: Readonly<Record<string, NotificationType>> = {
  Request: NotificationType.BookingRequested,
  Confirmed: NotificationType.BookingConfirmed,
  Cancelled: NotificationType.BookingCancelled,
  Declined: NotificationType.BookingDeclined,
};

/** Only a stay that still holds (or may hold) dates has dates worth telling about. */
const LIVE_STATUSES = new Set(['Request', 'Confirmed']);

/**
 * What one applied booking tells the host, if anything. A status it enters (Initiated and unknown
 * words aside), new dates of a live stay with the same status, and each new double booking.
 *
 * Re-applying a state already stored yields nothing: the stored state then equals the current one.
 * The dedupe key names the state reached (status, dates and Plum's version), so even a re-run that
 * does see a change (a crash after commit cannot, but two racing writers of one state could) writes
 * the same key, and the unique index keeps one row.
 */
export function bookingNotifications(t: BookingTransition): PlannedNotification[] {
  const { previous, current } = t;
  const reached = `${t.bookingCode}:${current.status}:${current.listingId}:${current.checkIn}:${current.checkOut}:${current.upstreamVersion.toISOString()}`;
  const planned: PlannedNotification[] = [];
  const previousState = previous && { status: previous.status, listingId: previous.listingId, checkIn: previous.checkIn, checkOut: previous.checkOut };

  const statusChanged = !previous || previous.status !== current.status;
  const statusType = statusChanged ? STATUS_NOTIFICATIONS[current.status] : undefined;
  if (statusType) {
    planned.push({
      type: statusType,
      dedupeKey: `${statusType}:${reached}`,
      data: {
        previous: previousState,
        ...(statusType === NotificationType.BookingRequested ? { respondBy: current.respondBy?.toISOString() ?? null } : {}),
      },
    });
  }

  const moved = previous !== null && (previous.checkIn !== current.checkIn || previous.checkOut !== current.checkOut || previous.listingId !== current.listingId);
  // A status change already carries the new dates; a second message for the same change would be noise.
  if (moved && !statusChanged && LIVE_STATUSES.has(current.status)) {
    planned.push({ type: NotificationType.BookingDatesChanged, dedupeKey: `${NotificationType.BookingDatesChanged}:${reached}`, data: { previous: previousState } });
  }

  if (t.newConflicts.length > 0) {
    const others = [...t.newConflicts].sort();
    // The list of codes can be long; the key only has to be equal for equal inputs.
    const digest = createHash('sha256').update(`${reached}\n${others.join(',')}`).digest('hex').slice(0, 32);
    planned.push({ type: NotificationType.BookingConflict, dedupeKey: `${NotificationType.BookingConflict}:${t.bookingCode}:${digest}`, data: { conflictsWith: others } });
  }
  return planned;
}

/** One reminder per deadline: if Plum moves the deadline, the new one is reminded of again. */
export function expiringDedupeKey(bookingCode: string, respondBy: Date): string {
  return `${NotificationType.BookingRequestExpiring}:${bookingCode}:${respondBy.toISOString()}`;
}

/** One notification per failed event, however often it is retried, replayed or fails again. */
export function eventFailedDedupeKey(eventId: string): string {
  return `${NotificationType.EventFailed}:${eventId}`;
}

/**
 * One notification per failure episode: the key names the last time the registration was in step,
 * so retries (and restarts) of a failing sync share a key, and the next failure after a success does not.
 */
export function registrationFailedDedupeKey(lastSyncedAt: Date | null): string {
  return `${NotificationType.RegistrationFailed}:${lastSyncedAt?.toISOString() ?? 'never'}`;
}
