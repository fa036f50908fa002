import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';
import type { BlockKindName } from './dto/blocked-dates.dto';

export interface BlockRow {
  bookingCode: string;
  kind: BlockKindName;
  /** yyyy-MM-dd, the check-in day. */
  from: string;
  /** yyyy-MM-dd, the check-out day (exclusive). */
  to: string;
  updatedAt: Date;
}

@Injectable()
export class BlockedRangesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Blocks of a listing overlapping [from, to) (`to` null: no end), earliest first. Prisma cannot read
   * the daterange column, hence raw SQL; to_char rather than ::text, whose format follows the session's
   * DateStyle. The GiST index on (listing_id, during) serves the overlap.
   * A tentative hold past its expires_at no longer holds anything, even before the expiry job deletes it.
   */
  findOverlapping(listingId: number, from: string, to: string | null): Promise<BlockRow[]> {
    return this.prisma.$queryRaw<BlockRow[]>`
      SELECT booking_code AS "bookingCode",
             kind::text AS "kind",
             to_char(lower(during), 'YYYY-MM-DD') AS "from",
             to_char(upper(during), 'YYYY-MM-DD') AS "to",
             updated_at AS "updatedAt"
        FROM blocked_ranges
       WHERE listing_id = ${listingId}
         AND during && daterange(${from}::date, ${to}::date, '[)')
         AND (kind = 'booking' OR expires_at IS NULL OR expires_at > now())
       ORDER BY lower(during), booking_code`;
  }
}
