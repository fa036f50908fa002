import { InvalidPlumBookingError } from './plum.errors';
import { BOOKING_CODE_PATTERN, BookingStatus, PlumBooking, PlumGuest, PlumListing, UPSTREAM_STATUS_ALIASES } from './plum.types';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The canonical status, or undefined for a word we do not know (stored as is, changes no dates). */
export function canonicalStatus(upstream: string): BookingStatus | undefined {
  return UPSTREAM_STATUS_ALIASES[upstream.trim()] ?? UPSTREAM_STATUS_ALIASES[capitalize(upstream.trim())];
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

function isValidDate(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/**
 * Checks a booking body from Plum. Missing or malformed required fields are a permanent error for
 * that event: we record why and never guess. Unknown fields pass through untouched.
 */
export function parsePlumBooking(raw: unknown, requestedCode?: string): PlumBooking {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidPlumBookingError('Plum answered with a booking that is not a JSON object');
  const b = raw as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof b.bookingCode !== 'string' || !BOOKING_CODE_PATTERN.test(b.bookingCode)) problems.push('bookingCode is missing or malformed');
  else if (requestedCode !== undefined && b.bookingCode !== requestedCode) problems.push(`bookingCode ${b.bookingCode} is not the one requested (${requestedCode})`);
  if (typeof b.listingId !== 'number' || !Number.isSafeInteger(b.listingId)) problems.push('listingId is missing or not an integer');
  if (typeof b.status !== 'string' || b.status.trim() === '') problems.push('status is missing');
  if (!isValidDate(b.checkIn)) problems.push('checkIn is missing or not yyyy-MM-dd');
  if (!isValidDate(b.checkOut)) problems.push('checkOut is missing or not yyyy-MM-dd');
  if (isValidDate(b.checkIn) && isValidDate(b.checkOut) && b.checkOut <= b.checkIn) problems.push(`checkOut ${b.checkOut} is not after checkIn ${b.checkIn}`);
  if (problems.length > 0) throw new InvalidPlumBookingError(`Invalid booking from Plum: ${problems.join('; ')}`);
  return b as PlumBooking;
}

export function parsePlumListing(raw: unknown, requestedId: number): PlumListing {
  const l = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const listingId = l.listingId ?? l.id;
  if (listingId !== requestedId) throw new InvalidPlumBookingError(`Invalid listing from Plum: listingId ${String(listingId)} is not ${requestedId}`);
  return { ...l, listingId: requestedId } as PlumListing;
}

export interface GuestFields {
  guestName: string | null;
  guestEmail: string | null;
}

/** A name and a (Plum-relayed) email, from whichever of the plausible field names Plum uses. [ours] */
export function guestFields(guest: PlumGuest | null | undefined): GuestFields {
  if (!guest || typeof guest !== 'object') return { guestName: null, guestEmail: null };
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  const joined = [str(guest.firstName), str(guest.lastName)].filter(Boolean).join(' ');
  return {
    guestName: str(guest.fullName) ?? str(guest.name) ?? (joined || null),
    guestEmail: str(guest.email),
  };
}

/** A timestamp Plum sent, or undefined when absent or unreadable. */
export function parseTimestamp(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function optionalInt(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : null;
}

/** Amounts may come as numbers or strings; kept as a decimal string to avoid float drift. */
export function optionalAmount(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value.toFixed(2);
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return value.trim();
  return null;
}
