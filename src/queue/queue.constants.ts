export enum QueueName {
  /** Plum webhook events (booking and listing), one job per eventId. */
  Events = 'plum-events',
  /** Deliveries of recorded notifications, one job per notification id. */
  Notifications = 'notifications',
}

export enum JobName {
  BookingEvent = 'booking-event',
  ListingEvent = 'listing-event',
  /** Re-fetch one booking on demand (POST /reservations/{code}/sync). */
  SyncBooking = 'sync-booking',
  /** The periodic sweep that re-fetches every reservation that can still change. */
  Reconcile = 'reconcile',
}

/** Job payloads carry ids only; the worker fetches the current state from Plum. */
export interface BookingEventJob {
  eventId: string;
  bookingCode: string;
}

export interface ListingEventJob {
  eventId: string;
  listingId: number;
}

export interface SyncBookingJob {
  bookingCode: string;
}

export type ReconcileJob = Record<string, never>;

export type EventJobData = BookingEventJob | ListingEventJob | SyncBookingJob | ReconcileJob;

export enum NotificationJobName {
  Deliver = 'deliver-notification',
}

/** The notification's id; the worker reads everything else from its row. */
export interface DeliverNotificationJob {
  notificationId: string;
}
