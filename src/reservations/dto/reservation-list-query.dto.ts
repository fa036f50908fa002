import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto';
import { BOOKING_STATUSES, BookingStatus } from '../../plum/plum.types';
import { IsDateOnly, IsListingId, MAX_INT4 } from '../validation';

export class ReservationListQueryDto extends PageQueryDto {
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

}
