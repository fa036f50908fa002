import { ApiProperty } from '@nestjs/swagger';
import type { Reservation } from '../../generated/prisma/client';
import { BOOKING_STATUSES } from '../../plum/plum.types';
import { daysBetween, toDateOnly } from '../dates';

export class GuestDto {
  @ApiProperty({ type: String, nullable: true, example: 'Ada Lovelace' })
  name!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'ada@example.com' })
  email!: string | null;
}

/** A reservation as every endpoint shows it; other modules answer with this same shape. */
export class ReservationResponseDto {
  @ApiProperty({ example: 'PLUM-8HG2K' })
  bookingCode!: string;

  @ApiProperty({ example: 123 })
  listingId!: number;

  @ApiProperty({
    description: `One of ${BOOKING_STATUSES.join(', ')}; a status Plum adds later is shown in Plum's own word`,
    example: 'Confirmed',
  })
  status!: string;

  @ApiProperty({ format: 'date', example: '2025-07-01' })
  checkIn!: string;

  @ApiProperty({ format: 'date', example: '2025-07-05', description: 'Departure day (the night before is the last one)' })
  checkOut!: string;

  @ApiProperty({ example: 4 })
  nights!: number;

  @ApiProperty({ type: GuestDto, nullable: true, description: 'null when Plum shared no guest details' })
  guest!: GuestDto | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: "The host's deadline to accept a request" })
  respondBy!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Timestamp of the last Plum event about it' })
  lastEventAt!: string | null;

  @ApiProperty({ format: 'date-time', description: 'When it was last fetched from Plum' })
  syncedAt!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  static fromRecord(record: Reservation): ReservationResponseDto {
    const dto = new ReservationResponseDto();
    dto.bookingCode = record.bookingCode;
    dto.listingId = record.listingId;
    dto.status = record.status;
    dto.checkIn = toDateOnly(record.checkIn);
    dto.checkOut = toDateOnly(record.checkOut);
    dto.nights = daysBetween(record.checkIn, record.checkOut);
    dto.guest = record.guestName === null && record.guestEmail === null ? null : { name: record.guestName, email: record.guestEmail };
    dto.respondBy = record.respondBy?.toISOString() ?? null;
    dto.lastEventAt = record.lastEventAt?.toISOString() ?? null;
    dto.syncedAt = record.syncedAt.toISOString();
    dto.createdAt = record.createdAt.toISOString();
    dto.updatedAt = record.updatedAt.toISOString();
    return dto;
  }
}
