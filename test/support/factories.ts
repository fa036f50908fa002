import { randomBytes } from 'node:crypto';
import type { BookingConflict, Reservation } from '../../src/generated/prisma/client';
import { PrismaService } from '../../src/prisma/prisma.service';

/** Test data written straight to Postgres, bypassing the bookings pipeline; dates are yyyy-MM-dd. */

export function newBookingCode(prefix = 'BK'): string {
  return `${prefix}-${randomBytes(5).toString('hex').toUpperCase()}`;
}

/** yyyy-MM-dd of today (UTC) plus `days`. */
export function dayFromToday(days: number): string {
  const date = new Date();
  date.setUTCHours(0, 0, 0, 0);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

const asDate = (day: string) => new Date(`${day}T00:00:00.000Z`);

export interface ReservationSeed {
  bookingCode?: string;
  listingId?: number;
  status?: string;
  checkIn?: string;
  checkOut?: string;
  guestName?: string | null;
  guestEmail?: string | null;
  respondBy?: Date | null;
  lastEventAt?: Date | null;
  syncedAt?: Date;
  createdAt?: Date;
  updatedAt?: Date;
}

export async function insertReservation(prisma: PrismaService, seed: ReservationSeed = {}): Promise<Reservation> {
  const status = seed.status ?? 'Confirmed';
  const now = new Date();
  return prisma.reservation.create({
    data: {
      bookingCode: seed.bookingCode ?? newBookingCode(),
      listingId: seed.listingId ?? 1,
      status,
      upstreamStatus: status,
      checkIn: asDate(seed.checkIn ?? '2030-01-10'),
      checkOut: asDate(seed.checkOut ?? '2030-01-14'),
      guestName: seed.guestName === undefined ? 'Ada Lovelace' : seed.guestName,
      guestEmail: seed.guestEmail === undefined ? 'ada@example.com' : seed.guestEmail,
      respondBy: seed.respondBy ?? null,
      upstreamVersion: now,
      raw: {},
      lastEventAt: seed.lastEventAt ?? null,
      syncedAt: seed.syncedAt ?? now,
      createdAt: seed.createdAt ?? now,
      updatedAt: seed.updatedAt ?? now,
    },
  });
}

export interface BlockSeed {
  bookingCode?: string;
  listingId: number;
  kind?: 'booking' | 'tentative';
  from: string;
  /** Check-out day, exclusive. */
  to: string;
  expiresAt?: Date | null;
}

/** Raw SQL: Prisma cannot write the daterange column. */
export async function insertBlock(prisma: PrismaService, seed: BlockSeed): Promise<string> {
  const bookingCode = seed.bookingCode ?? newBookingCode();
  const kind = seed.kind ?? 'booking';
  await prisma.$executeRaw`
    INSERT INTO blocked_ranges (booking_code, listing_id, kind, during, expires_at)
    VALUES (${bookingCode}, ${seed.listingId}, ${kind}::block_kind, daterange(${seed.from}::date, ${seed.to}::date, '[)'),
            ${seed.expiresAt ?? null}::timestamptz)`;
  return bookingCode;
}

export interface ConflictSeed {
  listingId?: number;
  bookingCode?: string;
  conflictingBookingCode?: string;
  checkIn?: string;
  checkOut?: string;
  detectedAt?: Date;
  resolvedAt?: Date | null;
}

export function insertConflict(prisma: PrismaService, seed: ConflictSeed = {}): Promise<BookingConflict> {
  return prisma.bookingConflict.create({
    data: {
      listingId: seed.listingId ?? 1,
      bookingCode: seed.bookingCode ?? newBookingCode(),
      conflictingBookingCode: seed.conflictingBookingCode ?? newBookingCode(),
      checkIn: asDate(seed.checkIn ?? '2030-01-10'),
      checkOut: asDate(seed.checkOut ?? '2030-01-14'),
      detectedAt: seed.detectedAt ?? new Date(),
      resolvedAt: seed.resolvedAt ?? null,
    },
  });
}
