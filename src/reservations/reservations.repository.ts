import { Injectable } from '@nestjs/common';
import type { Prisma, Reservation } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';

export interface ReservationPageFilter {
  listingId?: number;
  status?: string;
  checkInFrom?: Date;
  checkInTo?: Date;
  updatedSince?: Date;
  /** Booking code of the last row already served. */
  after?: string;
  take: number;
}

@Injectable()
export class ReservationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * One keyset page ordered by booking_code. The booking code is the primary key: unique (no ties to
   * break) and never changes, so a row cannot move across the cursor while a client pages, as it would
   * under updated_at order when the row is updated mid-walk (served twice or skipped). A row inserted
   * during the walk lands either before the cursor (not served, it did not exist when the walk began)
   * or after it (served once), so every row that exists throughout the walk is served exactly once.
   * Indexes: the primary key serves the unfiltered walk, (listing_id, booking_code) and
   * (status, booking_code) the common filters, (check_in, booking_code) and (updated_at, booking_code)
   * the range filters.
   */
  findPage(filter: ReservationPageFilter): Promise<Reservation[]> {
    const where: Prisma.ReservationWhereInput = {
      listingId: filter.listingId,
      status: filter.status,
      checkIn: filter.checkInFrom || filter.checkInTo ? { gte: filter.checkInFrom, lte: filter.checkInTo } : undefined,
      updatedAt: filter.updatedSince ? { gte: filter.updatedSince } : undefined,
      bookingCode: filter.after === undefined ? undefined : { gt: filter.after },
    };
    return this.prisma.reservation.findMany({ where, orderBy: { bookingCode: 'asc' }, take: filter.take });
  }

  findByBookingCode(bookingCode: string): Promise<Reservation | null> {
    return this.prisma.reservation.findUnique({ where: { bookingCode } });
  }

  /** Requests awaiting the host, soonest deadline first (index on status, respond_by). */
  findAwaitingResponse(listingId?: number): Promise<Reservation[]> {
    return this.prisma.reservation.findMany({
      where: { status: 'Request', listingId },
      orderBy: [{ respondBy: { sort: 'asc', nulls: 'last' } }, { bookingCode: 'asc' }],
    });
  }
}
