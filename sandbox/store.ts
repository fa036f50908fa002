import { BOOKING_CODE_PATTERN, BOOKING_STATUSES, UPSTREAM_STATUS_ALIASES } from '../src/plum/plum.types';
import { addDays, daysBetween, isDate, laterDate, MonotonicClock, todayUtc } from './dates';
import { badRequest, conflict, notFound } from './errors';
import { randomCode, Rng } from './random';
import type {
  BookingStatus,
  DateChange,
  EventKind,
  PlumBooking,
  PlumGuest,
  PlumListing,
  SandboxEvent,
  SandboxEventType,
} from './types';
import { asObject, isObject, JsonObject, onlyKeys, optEnum, optNumber, optString } from './validate';

export interface EventDraft {
  kind: EventKind;
  type: SandboxEventType;
  bookingCode: string | null;
  listingId: number | null;
  status: string | null;
  timestamp: string;
}

export type Move = 'approve' | 'decline' | 'cancel' | 'confirm';

/** The real lifecycle: which moves Plum allows from which status. */
const MOVES: Readonly<Record<Move, { from: readonly BookingStatus[]; to: BookingStatus; event: SandboxEventType }>> = {
  approve: { from: ['Request'], to: 'Confirmed', event: 'BookingApproved' },
  decline: { from: ['Request'], to: 'Declined', event: 'BookingDeclined' },
  cancel: { from: ['Confirmed'], to: 'Cancelled', event: 'BookingCancelled' },
  confirm: { from: ['Initiated'], to: 'Confirmed', event: 'BookingConfirmed' },
};

const CREATED_EVENT: Readonly<Record<BookingStatus, SandboxEventType>> = {
  Initiated: 'BookingInitiated',
  Request: 'BookingRequested',
  Confirmed: 'BookingConfirmed',
  Declined: 'BookingDeclined',
  Cancelled: 'BookingCancelled',
};

const DATED_STATUSES: readonly BookingStatus[] = ['Initiated', 'Request', 'Confirmed'];
/** Plum gives the host 24 hours to answer a request. */
const RESPOND_WITHIN_MS = 24 * 3_600_000;
const FIRST_LISTING_ID = 1001;
const DEFAULT_NIGHTS = 3;
/** Default stays start at least this far ahead, so they are never in the past for the app. */
const DEFAULT_LEAD_DAYS = 7;

const FIRST_NAMES = ['Amelia', 'Oliver', 'Isla', 'George', 'Ava', 'Noah', 'Mia', 'Leo', 'Grace', 'Arthur', 'Freya', 'Theo'];
const LAST_NAMES = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Davies', 'Evans', 'Thomas', 'Khan', 'Martin', 'Clarke'];

const BOOKING_INPUT_KEYS = [
  'bookingCode',
  'listingId',
  'status',
  'checkIn',
  'checkOut',
  'nights',
  'guest',
  'numberOfGuests',
  'currencyCode',
  'totalAmount',
] as const;

/**
 * Listings and bookings as Plum holds them, and the lifecycle rules. Every change goes through `emit`,
 * which records the event and queues its webhook.
 */
export class Store {
  private readonly listings = new Map<number, PlumListing>();
  /** Insertion order is creation order, which the paginated list follows. */
  private readonly bookings = new Map<string, JsonObject>();
  private nextListingId = FIRST_LISTING_ID;

  constructor(
    private readonly clock: MonotonicClock,
    private rng: Rng,
    private readonly emit: (draft: EventDraft) => SandboxEvent,
  ) {}

  reseed(rng: Rng): void {
    this.rng = rng;
  }

  clear(): void {
    this.listings.clear();
    this.bookings.clear();
    this.nextListingId = FIRST_LISTING_ID;
  }

  listing(listingId: number): PlumListing | undefined {
    return this.listings.get(listingId);
  }

  allListings(): PlumListing[] {
    return [...this.listings.values()].map((listing) => ({ ...listing }));
  }

  booking(bookingCode: string): JsonObject | undefined {
    const stored = this.bookings.get(bookingCode);
    return stored && structuredClone(stored);
  }

  allBookings(): JsonObject[] {
    return [...this.bookings.values()].map((booking) => structuredClone(booking));
  }

  bookingCount(): number {
    return this.bookings.size;
  }

  /** A slice in creation order, for the paginated API; copies so a caller cannot reach the store. */
  bookingSlice(start: number, end: number): JsonObject[] {
    return [...this.bookings.values()].slice(start, end).map((booking) => structuredClone(booking));
  }

  createListing(input: unknown): PlumListing {
    const body = asObject(input, 'listing');
    onlyKeys(body, ['listingId', 'name', 'timezone'], 'listing');
    const listingId = optNumber(body, 'listingId', { integer: true, min: 1 });
    if (listingId !== undefined && this.listings.has(listingId)) throw conflict(`listing ${listingId} already exists`);
    return this.addListing(listingId ?? this.freeListingId(), optString(body, 'name'), optString(body, 'timezone'));
  }

  createBooking(input: unknown): PlumBooking {
    const body = asObject(input, 'booking');
    onlyKeys(body, BOOKING_INPUT_KEYS, 'booking');
    const bookingCode = optString(body, 'bookingCode') ?? `PG-${randomCode(8)}`;
    if (!BOOKING_CODE_PATTERN.test(bookingCode)) throw badRequest(`bookingCode must match ${BOOKING_CODE_PATTERN}`);
    if (this.bookings.has(bookingCode)) throw conflict(`booking ${bookingCode} already exists`);
    const status = optEnum(body, 'status', BOOKING_STATUSES) ?? 'Confirmed';
    // Everything is checked before a missing listing is created, so a refused booking leaves no trace.
    const requestedListing = optNumber(body, 'listingId', { integer: true, min: 1 });
    const checkIn = optDate(body, 'checkIn') ?? this.firstFreeDay(requestedListing ?? this.firstListingId());
    const nights = optNumber(body, 'nights', { integer: true, min: 1, max: 365 }) ?? DEFAULT_NIGHTS;
    const checkOut = optDate(body, 'checkOut') ?? addDays(checkIn, nights);
    if (checkOut <= checkIn) throw badRequest('checkOut must be after checkIn');
    const guest = body.guest === undefined ? this.randomGuest(bookingCode) : optGuest(body.guest);
    const numberOfGuests = optNumber(body, 'numberOfGuests', { integer: true, min: 1 }) ?? this.rng.int(1, 6);
    const currencyCode = optString(body, 'currencyCode') ?? 'GBP';
    const totalAmount = optNumber(body, 'totalAmount', { min: 0 }) ?? roundMoney(daysBetween(checkIn, checkOut) * this.rng.int(150, 650));
    const listingId = this.resolveListing(requestedListing);

    const nowMs = this.clock.nowMs();
    const now = new Date(nowMs).toISOString();
    const booking: PlumBooking = {
      bookingCode,
      listingId,
      status,
      checkIn,
      checkOut,
      guest,
      numberOfGuests,
      currencyCode,
      totalAmount,
      ...(status === 'Request' ? { respondBy: new Date(nowMs + RESPOND_WITHIN_MS).toISOString() } : {}),
      createdAt: now,
      updatedAt: now,
    };
    this.bookings.set(bookingCode, booking);
    this.emitBooking(booking, CREATED_EVENT[status], now);
    return structuredClone(booking);
  }

  move(bookingCode: string, move: Move): PlumBooking {
    const booking = this.requireTyped(bookingCode);
    const rule = MOVES[move];
    const current = canonicalStatus(booking.status);
    if (!current || !rule.from.includes(current)) {
      throw conflict(`cannot ${move} booking ${bookingCode}: it is ${String(booking.status)}, ${move} needs ${rule.from.join(' or ')}`);
    }
    const now = this.clock.nowIso();
    booking.status = rule.to;
    delete booking.respondBy;
    booking.updatedAt = now;
    this.emitBooking(booking, rule.event, now);
    return structuredClone(booking);
  }

  changeDates(bookingCode: string, input: unknown): PlumBooking {
    const body = asObject(input, 'dates');
    onlyKeys(body, ['checkIn', 'checkOut'], 'dates');
    const dates: DateChange = { checkIn: requireDate(body, 'checkIn'), checkOut: requireDate(body, 'checkOut') };
    if (dates.checkOut <= dates.checkIn) throw badRequest('checkOut must be after checkIn');
    const booking = this.requireTyped(bookingCode);
    const current = canonicalStatus(booking.status);
    if (!current || !DATED_STATUSES.includes(current)) {
      throw conflict(`cannot change the dates of booking ${bookingCode}: it is ${String(booking.status)}`);
    }
    if (dates.checkIn === booking.checkIn && dates.checkOut === booking.checkOut) throw conflict('the dates are unchanged');
    const oldNights = daysBetween(booking.checkIn, booking.checkOut);
    if (typeof booking.totalAmount === 'number' && oldNights > 0) {
      booking.totalAmount = roundMoney((booking.totalAmount / oldNights) * daysBetween(dates.checkIn, dates.checkOut));
    }
    booking.checkIn = dates.checkIn;
    booking.checkOut = dates.checkOut;
    const now = this.clock.nowIso();
    booking.updatedAt = now;
    this.emitBooking(booking, 'BookingDatesChanged', now);
    return structuredClone(booking);
  }

  notify(bookingCode: string): SandboxEvent {
    const booking = this.bookings.get(bookingCode);
    if (!booking) throw notFound(`booking ${bookingCode} not found`);
    return this.emitBooking(booking, 'BookingNotified', this.clock.nowIso());
  }

  /**
   * Any state at all, for tests of bad upstream data. Merging keeps updatedAt increasing unless the body
   * sets it; replacing serves the body exactly as given.
   */
  setBooking(bookingCode: string, input: unknown, replace: boolean, notify: boolean): JsonObject {
    if (!BOOKING_CODE_PATTERN.test(bookingCode)) throw badRequest(`bookingCode must match ${BOOKING_CODE_PATTERN}`);
    if (!isObject(input)) throw badRequest('the booking must be a JSON object');
    const now = this.clock.nowIso();
    const existing = this.bookings.get(bookingCode);
    const next: JsonObject = replace
      ? structuredClone(input)
      : { ...(existing ?? { bookingCode, createdAt: now }), ...structuredClone(input), updatedAt: input.updatedAt ?? now };
    if (typeof next.listingId === 'number' && Number.isInteger(next.listingId) && next.listingId > 0 && !this.listings.has(next.listingId)) {
      this.addListing(next.listingId);
    }
    this.bookings.set(bookingCode, next);
    if (notify) this.emitBooking(next, 'BookingUpdated', now, bookingCode);
    return structuredClone(next);
  }

  deleteBooking(bookingCode: string, notify: boolean): void {
    const booking = this.bookings.get(bookingCode);
    if (!booking) throw notFound(`booking ${bookingCode} not found`);
    this.bookings.delete(bookingCode);
    if (notify) {
      this.emit({ kind: 'booking', type: 'BookingDeleted', bookingCode, listingId: null, status: null, timestamp: this.clock.nowIso() });
    }
  }

  private emitBooking(booking: JsonObject, type: SandboxEventType, timestamp: string, code?: string): SandboxEvent {
    const bookingCode = code ?? String(booking.bookingCode);
    const status = typeof booking.status === 'string' ? booking.status : null;
    return this.emit({ kind: 'booking', type, bookingCode, listingId: null, status, timestamp });
  }

  private addListing(listingId: number, name?: string, timezone?: string): PlumListing {
    const listing: PlumListing = {
      listingId,
      name: name ?? `Sandbox Home ${listingId}`,
      timezone: timezone ?? 'Europe/London',
      createdAt: this.clock.nowIso(),
    };
    this.listings.set(listingId, listing);
    this.nextListingId = Math.max(this.nextListingId, listingId + 1);
    this.emit({ kind: 'listing', type: 'ListingCreated', bookingCode: null, listingId, status: null, timestamp: this.clock.nowIso() });
    return { ...listing };
  }

  private freeListingId(): number {
    while (this.listings.has(this.nextListingId)) this.nextListingId++;
    return this.nextListingId;
  }

  private resolveListing(listingId: number | undefined): number {
    if (listingId !== undefined) {
      if (!this.listings.has(listingId)) this.addListing(listingId);
      return listingId;
    }
    return this.listings.has(this.firstListingId()) ? this.firstListingId() : this.addListing(this.freeListingId()).listingId;
  }

  /** The lowest listing id, or the id the first listing will get. */
  private firstListingId(): number {
    let first: number | undefined;
    for (const id of this.listings.keys()) if (first === undefined || id < first) first = id;
    return first ?? this.freeListingId();
  }

  /** After every stay already on the listing, so default bookings never overlap one another. */
  private firstFreeDay(listingId: number): string {
    let day = addDays(todayUtc(), DEFAULT_LEAD_DAYS);
    for (const booking of this.bookings.values()) {
      if (booking.listingId === listingId && isDate(booking.checkOut)) day = laterDate(day, booking.checkOut);
    }
    return day;
  }

  private randomGuest(bookingCode: string): PlumGuest {
    const firstName = this.rng.pick(FIRST_NAMES);
    const lastName = this.rng.pick(LAST_NAMES);
    const email = `${firstName}.${lastName}.${bookingCode.replace(/^PG-/, '')}@guests.plumguide.example`.toLowerCase();
    return { firstName, lastName, email };
  }

  /** Lifecycle moves need a booking with the typed fields; one set raw without them cannot move. */
  private requireTyped(bookingCode: string): PlumBooking {
    const booking = this.bookings.get(bookingCode);
    if (!booking) throw notFound(`booking ${bookingCode} not found`);
    if (typeof booking.status !== 'string' || !isDate(booking.checkIn) || !isDate(booking.checkOut) || typeof booking.listingId !== 'number') {
      throw conflict(`booking ${bookingCode} was set to an invalid shape; use setBooking to change it`);
    }
    return booking as PlumBooking;
  }
}

export function canonicalStatus(status: unknown): BookingStatus | undefined {
  return typeof status === 'string' ? UPSTREAM_STATUS_ALIASES[status] : undefined;
}

function optDate(body: JsonObject, key: string): string | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (!isDate(value)) throw badRequest(`${key} must be a date written yyyy-MM-dd`);
  return value;
}

function requireDate(body: JsonObject, key: string): string {
  const value = optDate(body, key);
  if (value === undefined) throw badRequest(`${key} is required`);
  return value;
}

function optGuest(value: unknown): PlumGuest | null {
  if (value === null) return null;
  if (!isObject(value)) throw badRequest('guest must be an object or null');
  return { ...value };
}

function roundMoney(amount: number): number {
  return Math.round(amount * 100) / 100;
}
