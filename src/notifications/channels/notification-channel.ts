import { ListingInfo, NotificationBody, NotificationChannelName } from '../notification.types';

/** One notification on its way out, with what a channel may need beyond the body. */
export interface OutgoingNotification {
  body: NotificationBody;
  listing: ListingInfo | null;
}

/** A way to reach the property manager. Delivery is at least once: `send` throws on failure and is retried. */
export interface NotificationChannel {
  readonly name: NotificationChannelName;
  /** Configured by the environment; the log channel stands in when no other is. */
  readonly enabled: boolean;
  /** Whether `send` uses the listing (looked up once per delivery, only when some channel wants it). */
  readonly needsListing: boolean;
  /** A short description for the start-up log line, without secrets. */
  describe(): string;
  send(notification: OutgoingNotification): Promise<void>;
}
