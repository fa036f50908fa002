import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { BOOKING_STATUSES, BookingStatus } from '../../plum/plum.types';
import { IsDateOnly, IsListingId, MAX_INT4 } from '../validation';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export class ReservationListQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_INT4, example: 123 })
  @IsOptional()
  @IsListingId()
  listingId?: number;

  @ApiPropertyOptional({ enum: BOOKING_STATUSES })
  @IsOptional()
  @IsIn(BOOKING_STATUSES, { message: `$property must be one of ${BOOKING_STATUSES.join(', ')}` })
  status?: BookingStatus;

  @ApiPropertyOptional({ format: 'date', description: 'Check-in on or after this day', example: '2025-07-01' })
  @IsOptional()
  @IsDateOnly()
  checkInFrom?: string;

  @ApiPropertyOptional({ format: 'date', description: 'Check-in on or before this day', example: '2025-07-31' })
  @IsOptional()
  @IsDateOnly()
  checkInTo?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Changed at or after this instant (ISO 8601)', example: '2025-07-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: '$property must be an ISO 8601 date-time' })
  updatedSince?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page; opaque' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}
