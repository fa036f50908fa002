import { Injectable } from '@nestjs/common';
import type { BookingConflict, Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';

export interface ConflictPageFilter {
  listingId?: number;
  /** (detected_at, id) of the last row already served. */
  before?: { detectedAt: Date; id: string };
  take: number;
}

@Injectable()
export class ConflictsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Newest first; the id breaks ties between conflicts detected in the same millisecond. */
  findPage(filter: ConflictPageFilter): Promise<BookingConflict[]> {
    const where: Prisma.BookingConflictWhereInput = { listingId: filter.listingId };
    if (filter.before) {
      const { detectedAt, id } = filter.before;
      where.OR = [{ detectedAt: { lt: detectedAt } }, { detectedAt, id: { lt: id } }];
    }
    return this.prisma.bookingConflict.findMany({ where, orderBy: [{ detectedAt: 'desc' }, { id: 'desc' }], take: filter.take });
  }
}
