import type { BookingStatus, PlumBooking, PlumGuest, PlumListing, PlumWebhookConfig, PlumWebhookPayload } from '../src/plum/plum.types';

export type { BookingStatus, PlumBooking, PlumGuest, PlumListing, PlumWebhookConfig, PlumWebhookPayload };

export interface SandboxOptions {
  /** 0 = a random free port. Default 0. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 'sandbox-client'. */
  clientId?: string;
  /** Default 'sandbox-secret'. */
  clientSecret?: string;
  /** Accept http:// webhook endpoints (Plum itself requires https). Default false. */
  localMode?: boolean;
  /** Lifetime of a token from POST /authenticate. Default one hour. */
  tokenTtlMs?: number;
  /** Requests one token may make before it answers 403. Default unlimited. */
  tokenMaxUses?: number;
  /** A webhook not answered within this time counts as failed and is retried. Default 30000. */
  deliveryTimeoutMs?: number;
  /** Delay before the first redelivery; each further one doubles it. Default 1000. */
  retryBaseMs?: number;
  /** Attempts per delivery, the first included. Default 8. */
  maxDeliveryAttempts?: number;
  /** Seed of every random choice of the faults and delivery knobs (booking codes and event ids stay random). */
  seed?: number;
  logger?: (line: string) => void;
}

export type EventKind = 'booking' | 'listing';

export type SandboxEventType =
  | 'BookingInitiated'
  | 'BookingRequested'
  | 'BookingConfirmed'
  | 'BookingApproved'
  | 'BookingDeclined'
  | 'BookingCancelled'
  | 'BookingDatesChanged'
  | 'BookingUpdated'
  | 'BookingDeleted'
  | 'BookingNotified'
  | 'ListingCreated';

/** One change and its webhook payload. The payload carries no type or status; these fields are for tests. */
export interface SandboxEvent {
  seq: number;
  eventId: string;
  timestamp: string;
  kind: EventKind;
  type: SandboxEventType;
  bookingCode: string | null;
  listingId: number | null;
  /** The booking's status right after the change (null for listing events and deletions). */
  status: string | null;
  /** Whether a delivery was queued: false when no active configuration had an endpoint for it. */
  queued: boolean;
  payload: PlumWebhookPayload;
}

export interface CreateListingInput {
  listingId?: number;
  name?: string;
  timezone?: string;
}

export interface CreateBookingInput {
  bookingCode?: string;
  /** Default: the first listing, created when there is none. An unknown id creates that listing. */
  listingId?: number;
  /** Default 'Confirmed' (instant book). */
  status?: BookingStatus;
  /** Default: the first free day of the listing after the others' stays, at least a week ahead. */
  checkIn?: string;
  checkOut?: string;
  /** Used when checkOut is not given. Default 3. */
  nights?: number;
  guest?: PlumGuest | null;
  numberOfGuests?: number;
  currencyCode?: string;
  totalAmount?: number;
}

export interface DateChange {
  checkIn: string;
  checkOut: string;
}

export interface SetBookingOptions {
  /** Serve the body verbatim instead of merging it into the stored booking (updatedAt is then not touched). */
  replace?: boolean;
  /** Send a booking event for the change. Default true. */
  notify?: boolean;
}

export interface DeleteBookingOptions {
  /** Send a booking event, after which the app's fetch answers 404. Default true. */
  notify?: boolean;
}

export type FaultKind = 'hang' | 'error' | 'rate-limit' | 'scripted' | 'latency';

/** One upstream API call (the control API is not logged). */
export interface RequestLogEntry {
  seq: number;
  method: string;
  path: string;
  /** The query string without its leading '?', '' when none. */
  query: string;
  /** null while unanswered: a hung request stays null. */
  status: number | null;
  fault: FaultKind | null;
  at: string;
  durationMs: number | null;
}

/** One webhook delivery attempt. */
export interface DeliveryLogEntry {
  seq: number;
  /** Shared by every attempt of one copy; a duplicate copy has its own. */
  deliveryId: number;
  eventId: string;
  kind: EventKind;
  bookingCode: string | null;
  listingId: number | null;
  url: string;
  attempt: number;
  /** 0 for the original, 1.. for the duplicates of the same event. */
  copy: number;
  status: number | null;
  error: string | null;
  ok: boolean;
  at: string;
  durationMs: number;
}

/** API-side behaviour: faults, and the two upstream spelling knobs. */
export interface ApiKnobs {
  /** Added to every upstream answer. */
  latencyMs: number;
  /** A further random 0..latencyJitterMs. */
  latencyJitterMs: number;
  /** Probability that a request answers errorStatus. */
  errorRate: number;
  errorStatus: number;
  /** Probability that a request answers 429 with Retry-After. */
  rateLimitRate: number;
  retryAfterSeconds: number;
  /** Probability that a request is never answered. */
  hangRate: number;
  /** Latency and the random faults above apply to paths starting with this ('/' = every upstream route, /authenticate included). */
  faultPathPrefix: string;
  /** Leave updatedAt out of booking answers. */
  omitUpdatedAt: boolean;
  /** How the pending status is spelled in API answers (stored as 'Request'). */
  requestSpelling: 'Request' | 'Requested';
  /** Lifetime of tokens issued from now on. */
  tokenTtlMs: number;
  /** Uses of tokens issued from now on; null = unlimited. */
  tokenMaxUses: number | null;
}

/** A deterministic fault for the next `count` matching requests, consumed in order. */
export interface ScriptedFault {
  /** Default 1. */
  count?: number;
  /** Default any method. */
  method?: string;
  /** Path prefix, e.g. '/v2/bookings'. Default any upstream path. */
  path?: string;
  /** Answer this status (429 adds Retry-After). Default 503 unless hang or latencyMs alone is given. */
  status?: number;
  retryAfterSeconds?: number;
  /** Never answer. */
  hang?: boolean;
  /** Answer late (with status: late and failing; alone: late but normal). */
  latencyMs?: number;
}

export interface DeliveryKnobs {
  /** Probability that an event gets another copy with the same eventId; drawn again for each copy. */
  duplicateRate: number;
  /** Upper bound of extra copies per event. */
  maxDuplicates: number;
  /** Every delivery waits this long after its event. */
  delayMs: number;
  /** Plus a random 0..jitterMs, drawn per copy. */
  jitterMs: number;
  /** Send pending deliveries in random order: each waits a random 0..reorderWindowMs, and a free slot takes a random due one. */
  reorder: boolean;
  reorderWindowMs: number;
  /** Hold every pending delivery (in-flight ones finish); resume sends them. */
  paused: boolean;
  /** Deliveries in flight at once. */
  concurrency: number;
  timeoutMs: number;
  /** First redelivery after this; doubles with each attempt. */
  retryBaseMs: number;
  maxAttempts: number;
}

export interface DeliveryFilter {
  ok?: boolean;
  kind?: EventKind;
  eventId?: string;
  bookingCode?: string;
}

export interface WaitForDeliveriesOptions extends DeliveryFilter {
  /** Resolve once at least this many matching attempts were logged. Default 1. */
  count?: number;
  /** Default 5000. */
  timeoutMs?: number;
}

export interface DeliveryStats {
  events: number;
  /** Copies queued (originals plus duplicates). */
  copies: number;
  duplicates: number;
  attempts: number;
  succeeded: number;
  failedAttempts: number;
  /** Copies dropped after the last attempt failed, or because the configuration went away. */
  givenUp: number;
  pending: number;
  inFlight: number;
}

export interface ResetOptions {
  keepWebhookConfig?: boolean;
  keepTokens?: boolean;
  seed?: number;
}

export interface RequestFilter {
  method?: string;
  /** Path prefix. */
  path?: string;
}

/**
 * Everything a test or a scenario can make the sandbox do. RunningSandbox runs it in-process,
 * SandboxClient over the control API of a sandbox in another process.
 */
export interface SandboxControl {
  createListing(input?: CreateListingInput): Promise<PlumListing>;
  createBooking(input?: CreateBookingInput): Promise<PlumBooking>;
  /** Request -> Confirmed. */
  approve(bookingCode: string): Promise<PlumBooking>;
  /** Request -> Declined. */
  decline(bookingCode: string): Promise<PlumBooking>;
  /** Confirmed -> Cancelled. */
  cancel(bookingCode: string): Promise<PlumBooking>;
  /** Initiated -> Confirmed (instant book completing). */
  confirm(bookingCode: string): Promise<PlumBooking>;
  /** Initiated, Request or Confirmed bookings only. */
  changeDates(bookingCode: string, dates: DateChange): Promise<PlumBooking>;
  /** A new event for the booking without changing it. */
  notify(bookingCode: string): Promise<SandboxEvent>;
  /** Any state at all, valid or not. */
  setBooking(bookingCode: string, body: Record<string, unknown>, options?: SetBookingOptions): Promise<Record<string, unknown>>;
  deleteBooking(bookingCode: string, options?: DeleteBookingOptions): Promise<void>;
  /** Set or remove the webhook configuration as Plum's side sees it, without the API (and without logging a request). */
  setWebhookConfig(config: PlumWebhookConfig | null): Promise<PlumWebhookConfig | null>;
  setFaults(patch: Partial<ApiKnobs>): Promise<ApiKnobs>;
  failNext(fault: ScriptedFault): Promise<void>;
  /** Back to the start options: no faults, no scripted ones left. */
  clearFaults(): Promise<ApiKnobs>;
  setDelivery(patch: Partial<DeliveryKnobs>): Promise<DeliveryKnobs>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Queue one more copy of an event already sent (same eventId). */
  redeliver(eventId: string): Promise<void>;
  /** Every token issued so far answers 403 from now on; returns how many were live. */
  expireTokens(): Promise<number>;
  /** Empties the request and delivery logs. */
  clearLogs(): Promise<void>;
  reset(options?: ResetOptions): Promise<void>;
  waitForDeliveries(options?: WaitForDeliveriesOptions): Promise<DeliveryLogEntry[]>;
  /** Resolves when nothing is pending or in flight. Default timeout 10000 ms. */
  waitForIdle(timeoutMs?: number): Promise<DeliveryStats>;
}

export interface RunningSandbox extends SandboxControl {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly port: number;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Stops the server, every timer and every pending or in-flight delivery. */
  close(): Promise<void>;
  requests(filter?: RequestFilter): RequestLogEntry[];
  deliveries(filter?: DeliveryFilter): DeliveryLogEntry[];
  events(): SandboxEvent[];
  /** The stored booking (not shaped by requestSpelling/omitUpdatedAt). */
  booking(bookingCode: string): Record<string, unknown> | undefined;
  bookings(): Record<string, unknown>[];
  listings(): PlumListing[];
  webhookConfig(): PlumWebhookConfig | null;
  faults(): ApiKnobs;
  deliveryKnobs(): DeliveryKnobs;
  stats(): DeliveryStats;
}
