import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto';
import type { BookingConflict } from '../../generated/prisma/client';
import { toDateOnly } from '../dates';
import { IsListingId, MAX_INT4 } from '../validation';

export class ConflictListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_INT4, example: 123 })
  @IsOptional()
  @IsListingId()
  listingId?: number;

}

export class ConflictResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 123 })
  listingId!: number;

  @ApiProperty({ description: 'The confirmed booking that could not get its block', example: 'PLUM-8HG2K' })
  bookingCode!: string;

  @ApiProperty({ description: 'The booking already holding the dates', example: 'PLUM-2JD9X' })
  conflictingBookingCode!: string;

  @ApiProperty({ format: 'date', example: '2025-07-01' })
  checkIn!: string;

  @ApiProperty({ format: 'date', example: '2025-07-05' })
  checkOut!: string;

  @ApiProperty({ format: 'date-time' })
  detectedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  resolvedAt!: string | null;

  static fromRecord(record: BookingConflict): ConflictResponseDto {
    const dto = new ConflictResponseDto();
    dto.id = record.id;
    dto.listingId = record.listingId;
    dto.bookingCode = record.bookingCode;
    dto.conflictingBookingCode = record.conflictingBookingCode;
    dto.checkIn = toDateOnly(record.checkIn);
    dto.checkOut = toDateOnly(record.checkOut);
    dto.detectedAt = record.detectedAt.toISOString();
    dto.resolvedAt = record.resolvedAt?.toISOString() ?? null;
    return dto;
  }
}

export class ConflictListResponseDto {
  @ApiProperty({ type: [ConflictResponseDto], description: 'Newest first' })
  items!: ConflictResponseDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })
  nextCursor!: string | null;
}
