import { BadRequestException, Injectable } from '@nestjs/common';
import { BlockedRangesRepository } from './blocked-ranges.repository';
import { BlockedDatesResponseDto } from './dto/blocked-dates.dto';

@Injectable()
export class AvailabilityService {
  constructor(private readonly blockedRanges: BlockedRangesRepository) {}

  async blockedDates(listingId: number, from: string, to: string): Promise<BlockedDatesResponseDto> {
    if (to <= from) throw new BadRequestException(['to must be after from (the window is [from, to))']);
    const rows = await this.blockedRanges.findOverlapping(listingId, from, to);
    return { listingId, blocks: rows.map(({ bookingCode, from: start, to: end, kind }) => ({ bookingCode, from: start, to: end, kind })) };
  }
}
