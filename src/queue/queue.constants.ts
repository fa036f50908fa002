export enum QueueName {
  /** Plum webhook events (booking and listing), one job per eventId. */
  Events = 'plum-events',
}

export enum JobName {
  BookingEvent = 'booking-event',
  ListingEvent = 'listing-event',
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

export type EventJobData = BookingEventJob | ListingEventJob;
