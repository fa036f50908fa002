import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { decodeCursor, encodeCursor } from '../common/cursor';
import { fromDateOnly } from './dates';
import {
  PendingReservationListResponseDto,
  PendingReservationQueryDto,
  PendingReservationResponseDto,
} from './dto/pending-reservation-response.dto';
import { ReservationListQueryDto } from './dto/reservation-list-query.dto';
import { ReservationListResponseDto } from './dto/reservation-list-response.dto';
import { ReservationResponseDto } from './dto/reservation-response.dto';
import { ReservationsRepository } from './reservations.repository';

const MINUTE_MS = 60_000;

@Injectable()
export class ReservationsService {
  constructor(private readonly reservations: ReservationsRepository) {}

  async list(query: ReservationListQueryDto): Promise<ReservationListResponseDto> {
    if (query.checkInFrom && query.checkInTo && query.checkInTo < query.checkInFrom) {
      throw new BadRequestException(['checkInTo must not be before checkInFrom']);
    }
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 1)[0];
    // One row more than the page tells whether another page follows without a count query.
    const rows = await this.reservations.findPage({
      listingId: query.listingId,
      status: query.status,
      checkInFrom: query.checkInFrom === undefined ? undefined : fromDateOnly(query.checkInFrom),
      checkInTo: query.checkInTo === undefined ? undefined : fromDateOnly(query.checkInTo),
      updatedSince: query.updatedSince === undefined ? undefined : new Date(query.updatedSince),
      after,
      take: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((row) => ReservationResponseDto.fromRecord(row)),
      nextCursor: rows.length > query.limit && last ? encodeCursor([last.bookingCode]) : null,
    };
  }

  async get(bookingCode: string): Promise<ReservationResponseDto> {
    const row = await this.reservations.findByBookingCode(bookingCode);
    if (!row) throw new NotFoundException(`Reservation ${bookingCode} not found`);
    return ReservationResponseDto.fromRecord(row);
  }

  async pending(query: PendingReservationQueryDto, now = new Date()): Promise<PendingReservationListResponseDto> {
    // Unpaginated: a request lives only until its deadline (a day or two), so the set stays small.
    const rows = await this.reservations.findAwaitingResponse(query.listingId);
    return {
      items: rows.map((row) => {
        const dto = Object.assign(new PendingReservationResponseDto(), ReservationResponseDto.fromRecord(row));
        dto.minutesLeft = row.respondBy ? Math.floor((row.respondBy.getTime() - now.getTime()) / MINUTE_MS) : null;
        return dto;
      }),
    };
  }
}
