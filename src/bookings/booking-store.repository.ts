import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import { BlockPlan, ReservationSnapshot } from './booking-plan';

type Tx = Prisma.TransactionClient;

/** The part of a stored reservation that decides what an update means. */
export interface StoredState {
  status: string;
  listingId: number;
  checkIn: string;
  checkOut: string;
  respondBy: Date | null;
  upstreamVersion: Date;
}

export type BlockOutcome = 'booking' | 'tentative' | 'none' | 'conflict' | 'kept';

export type ApplyResult =
  | { outcome: 'stale'; stored: StoredState }
  | {
      outcome: 'applied';
      previous: StoredState | null;
      current: StoredState;
      /** Whether anything a person would see changed (status, dates, listing, deadline). */
      changed: boolean;
      block: BlockOutcome;
      /** Bookings this one overlaps, when its block was refused; `newConflicts` were not recorded before. */
      conflictsWith: string[];
      newConflicts: string[];
      /** Bookings whose refused block could be placed now that this one moved or left. */
      healed: string[];
    };

export type AppliedResult = Extract<ApplyResult, { outcome: 'applied' }>;

/** Runs inside apply's transaction once the booking is written: what it writes commits (or not) with the change, e.g. the notifications outbox. */
export type ApplyHook = (tx: Tx, result: AppliedResult) => Promise<void>;

export interface ApplyDecision {
  respondBy: Date | null;
  block: BlockPlan;
}

interface StoredRow {
  status: string;
  listing_id: number;
  check_in: string;
  check_out: string;
  respond_by: Date | null;
  upstream_version: Date;
}

const toState = (r: StoredRow): StoredState => ({
  status: r.status,
  listingId: r.listing_id,
  checkIn: r.check_in,
  checkOut: r.check_out,
  respondBy: r.respond_by,
  upstreamVersion: r.upstream_version,
});

@Injectable()
export class BookingStoreRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Applies one fetched booking in one transaction.
   *
   * Why this is correct whatever order jobs finish in: every write for a booking holds the same
   * transaction-scoped advisory lock, so they happen one at a time; and a write whose upstream
   * version is older than the stored one stops without touching anything. The stored version only
   * moves forward, so the row standing last is the freshest answer Plum gave. Block changes of a
   * listing also hold the listing's lock (taken after the booking's, in id order), which makes the
   * overlap check exact; the exclusion constraint stays the last word.
   */
  async apply(
    snapshot: ReservationSnapshot,
    eventAt: Date | null,
    decide: (stored: StoredState | null) => ApplyDecision,
    afterApply?: ApplyHook,
  ): Promise<ApplyResult> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${'booking:' + snapshot.bookingCode}))`;
      const rows = await tx.$queryRaw<StoredRow[]>`
        SELECT status, listing_id, check_in::text AS check_in, check_out::text AS check_out, respond_by, upstream_version
        FROM reservations WHERE booking_code = ${snapshot.bookingCode}`;
      const previous = rows[0] ? toState(rows[0]) : null;
      if (previous && previous.upstreamVersion > snapshot.upstreamVersion) return { outcome: 'stale', stored: previous };

      const decision = decide(previous);
      for (const listingId of [...new Set([previous?.listingId, snapshot.listingId].filter((id): id is number => id !== undefined))].sort((a, b) => a - b)) {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${'listing:' + listingId}))`;
      }
      await this.upsertReservation(tx, snapshot, decision.respondBy, eventAt);
      const placed = await this.placeBlock(tx, snapshot, decision.block);
      const healed = await this.healRefusedBookings(tx, snapshot.bookingCode, previous?.listingId ?? snapshot.listingId);

      const current: StoredState = {
        status: snapshot.status,
        listingId: snapshot.listingId,
        checkIn: snapshot.checkIn,
        checkOut: snapshot.checkOut,
        respondBy: decision.respondBy,
        upstreamVersion: snapshot.upstreamVersion,
      };
      const changed =
        !previous ||
        previous.status !== current.status ||
        previous.listingId !== current.listingId ||
        previous.checkIn !== current.checkIn ||
        previous.checkOut !== current.checkOut ||
        previous.respondBy?.getTime() !== current.respondBy?.getTime();
      const result: AppliedResult = { outcome: 'applied', previous, current, changed, ...placed, healed };
      if (afterApply) await afterApply(tx, result);
      return result;
    });
  }

  private async upsertReservation(tx: Tx, s: ReservationSnapshot, respondBy: Date | null, eventAt: Date | null): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO reservations AS r (booking_code, listing_id, status, upstream_status, check_in, check_out, guest_name, guest_email,
        number_of_guests, currency_code, total_amount, respond_by, upstream_version, raw, last_event_at, synced_at, created_at, updated_at)
      VALUES (${s.bookingCode}, ${s.listingId}, ${s.status}, ${s.upstreamStatus}, ${s.checkIn}::date, ${s.checkOut}::date, ${s.guestName}, ${s.guestEmail},
        ${s.numberOfGuests}, ${s.currencyCode}, ${s.totalAmount}::numeric, ${respondBy}, ${s.upstreamVersion}, ${JSON.stringify(s.raw)}::jsonb, ${eventAt}, now(), now(), now())
      ON CONFLICT (booking_code) DO UPDATE SET
        listing_id = EXCLUDED.listing_id, status = EXCLUDED.status, upstream_status = EXCLUDED.upstream_status,
        check_in = EXCLUDED.check_in, check_out = EXCLUDED.check_out, guest_name = EXCLUDED.guest_name, guest_email = EXCLUDED.guest_email,
        number_of_guests = EXCLUDED.number_of_guests, currency_code = EXCLUDED.currency_code, total_amount = EXCLUDED.total_amount,
        respond_by = EXCLUDED.respond_by, upstream_version = EXCLUDED.upstream_version, raw = EXCLUDED.raw,
        last_event_at = GREATEST(r.last_event_at, EXCLUDED.last_event_at), synced_at = now(),
        -- updated_at moves only when the reservation really changed, so updatedSince queries skip no-op syncs
        updated_at = CASE WHEN (r.listing_id, r.status, r.upstream_status, r.check_in, r.check_out, r.guest_name, r.guest_email,
                                r.number_of_guests, r.currency_code, r.total_amount, r.respond_by, r.raw)
                         IS DISTINCT FROM (EXCLUDED.listing_id, EXCLUDED.status, EXCLUDED.upstream_status, EXCLUDED.check_in, EXCLUDED.check_out,
                                EXCLUDED.guest_name, EXCLUDED.guest_email, EXCLUDED.number_of_guests, EXCLUDED.currency_code,
                                EXCLUDED.total_amount, EXCLUDED.respond_by, EXCLUDED.raw)
                     THEN now() ELSE r.updated_at END`;
  }

  private async placeBlock(tx: Tx, s: ReservationSnapshot, plan: BlockPlan): Promise<{ block: BlockOutcome; conflictsWith: string[]; newConflicts: string[] }> {
    if (plan.kind === 'keep') return { block: 'kept', conflictsWith: [], newConflicts: [] };
    if (plan.kind === 'none') {
      await tx.$executeRaw`DELETE FROM blocked_ranges WHERE booking_code = ${s.bookingCode}`;
      await this.resolveConflictsOf(tx, s.bookingCode);
      return { block: 'none', conflictsWith: [], newConflicts: [] };
    }
    if (plan.kind === 'booking') {
      const overlapping = await this.overlappingBookings(tx, s.bookingCode, s.listingId, s.checkIn, s.checkOut);
      if (overlapping.length > 0) {
        // A double booking: keep the reservation, refuse the block, record who it collides with.
        await tx.$executeRaw`DELETE FROM blocked_ranges WHERE booking_code = ${s.bookingCode}`;
        const newConflicts = await this.recordConflicts(tx, s, overlapping);
        return { block: 'conflict', conflictsWith: overlapping, newConflicts };
      }
    }
    const expiresAt = plan.kind === 'tentative' ? plan.expiresAt : null;
    await tx.$executeRaw`
      INSERT INTO blocked_ranges (booking_code, listing_id, kind, during, expires_at)
      VALUES (${s.bookingCode}, ${s.listingId}, ${plan.kind}::block_kind, daterange(${s.checkIn}::date, ${s.checkOut}::date, '[)'), ${expiresAt})
      ON CONFLICT (booking_code) DO UPDATE SET listing_id = EXCLUDED.listing_id, kind = EXCLUDED.kind, during = EXCLUDED.during,
        expires_at = EXCLUDED.expires_at, updated_at = now()
      WHERE (blocked_ranges.listing_id, blocked_ranges.kind, blocked_ranges.during, blocked_ranges.expires_at)
        IS DISTINCT FROM (EXCLUDED.listing_id, EXCLUDED.kind, EXCLUDED.during, EXCLUDED.expires_at)`;
    await this.resolveConflictsOf(tx, s.bookingCode);
    return { block: plan.kind, conflictsWith: [], newConflicts: [] };
  }

  private async overlappingBookings(tx: Tx, bookingCode: string, listingId: number, checkIn: string, checkOut: string): Promise<string[]> {
    const rows = await tx.$queryRaw<{ booking_code: string }[]>`
      SELECT booking_code FROM blocked_ranges
      WHERE listing_id = ${listingId} AND kind = 'booking' AND booking_code <> ${bookingCode}
        AND during && daterange(${checkIn}::date, ${checkOut}::date, '[)')
      ORDER BY booking_code`;
    return rows.map((r) => r.booking_code);
  }

  /** Records (or reopens) each overlap; returns the ones not already open, so a repeat reports nothing new. */
  private async recordConflicts(tx: Tx, s: ReservationSnapshot, others: string[]): Promise<string[]> {
    const rows = await tx.$queryRaw<{ conflicting_booking_code: string; was_open: boolean }[]>`
      WITH before AS (
        SELECT conflicting_booking_code FROM booking_conflicts
        WHERE booking_code = ${s.bookingCode} AND resolved_at IS NULL AND conflicting_booking_code = ANY(${others}::varchar[]))
      INSERT INTO booking_conflicts (id, listing_id, booking_code, conflicting_booking_code, check_in, check_out)
      SELECT gen_random_uuid(), ${s.listingId}, ${s.bookingCode}, other, ${s.checkIn}::date, ${s.checkOut}::date
      FROM unnest(${others}::varchar[]) AS other
      ON CONFLICT (booking_code, conflicting_booking_code) DO UPDATE SET
        listing_id = EXCLUDED.listing_id, check_in = EXCLUDED.check_in, check_out = EXCLUDED.check_out, resolved_at = NULL
      RETURNING conflicting_booking_code, conflicting_booking_code IN (SELECT conflicting_booking_code FROM before) AS was_open`;
    return rows.filter((r) => !r.was_open).map((r) => r.conflicting_booking_code);
  }

  /** This booking holds its dates (or no longer wants any): its open conflicts are over. */
  private async resolveConflictsOf(tx: Tx, bookingCode: string): Promise<void> {
    await tx.$executeRaw`UPDATE booking_conflicts SET resolved_at = now() WHERE booking_code = ${bookingCode} AND resolved_at IS NULL`;
  }

  /**
   * Bookings refused because of this one may fit now that it moved or left: give each still
   * Confirmed one its block when nothing overlaps any more. Runs under the listing's lock.
   */
  private async healRefusedBookings(tx: Tx, bookingCode: string, listingId: number): Promise<string[]> {
    const candidates = await tx.$queryRaw<{ booking_code: string; listing_id: number; check_in: string; check_out: string }[]>`
      SELECT DISTINCT r.booking_code, r.listing_id, r.check_in::text AS check_in, r.check_out::text AS check_out
      FROM booking_conflicts c JOIN reservations r ON r.booking_code = c.booking_code
      WHERE c.conflicting_booking_code = ${bookingCode} AND c.resolved_at IS NULL AND r.status = 'Confirmed' AND r.listing_id = ${listingId}
      ORDER BY r.booking_code`;
    const healed: string[] = [];
    for (const c of candidates) {
      if ((await this.overlappingBookings(tx, c.booking_code, c.listing_id, c.check_in, c.check_out)).length > 0) continue;
      await tx.$executeRaw`
        INSERT INTO blocked_ranges (booking_code, listing_id, kind, during)
        VALUES (${c.booking_code}, ${c.listing_id}, 'booking'::block_kind, daterange(${c.check_in}::date, ${c.check_out}::date, '[)'))
        ON CONFLICT (booking_code) DO UPDATE SET listing_id = EXCLUDED.listing_id, kind = EXCLUDED.kind, during = EXCLUDED.during,
          expires_at = NULL, updated_at = now()`;
      await this.resolveConflictsOf(tx, c.booking_code);
      healed.push(c.booking_code);
    }
    return healed;
  }

  /** Releases request holds whose deadline has passed; returns how many. */
  async releaseExpiredHolds(now: Date): Promise<number> {
    return this.prisma.$executeRaw`DELETE FROM blocked_ranges WHERE kind = 'tentative' AND expires_at <= ${now}`;
  }

  /** Booking codes that can still change upstream, in pages: requests, and confirmed stays not yet over. */
  async liveBookingCodes(today: string, after: string | null, limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ booking_code: string }[]>`
      SELECT booking_code FROM reservations
      WHERE (status = 'Request' OR (status = 'Confirmed' AND check_out >= ${today}::date))
        AND booking_code > ${after ?? ''}
      ORDER BY booking_code LIMIT ${limit}`;
    return rows.map((r) => r.booking_code);
  }

  async upsertListing(listing: { listingId: number; name: string | null; timezone: string | null; raw: unknown }): Promise<void> {
    await this.prisma.$executeRaw`
      INSERT INTO listings (listing_id, name, timezone, raw, synced_at, created_at, updated_at)
      VALUES (${listing.listingId}, ${listing.name}, ${listing.timezone}, ${JSON.stringify(listing.raw)}::jsonb, now(), now(), now())
      ON CONFLICT (listing_id) DO UPDATE SET name = EXCLUDED.name, timezone = EXCLUDED.timezone, raw = EXCLUDED.raw,
        synced_at = now(), updated_at = now()`;
  }
}
