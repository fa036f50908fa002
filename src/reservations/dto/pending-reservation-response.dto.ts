import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsListingId, MAX_INT4 } from '../validation';
import { ReservationResponseDto } from './reservation-response.dto';

export class PendingReservationQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_INT4, example: 123 })
  @IsOptional()
  @IsListingId()
  listingId?: number;
}

export class PendingReservationResponseDto extends ReservationResponseDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Whole minutes until respondBy, rounded down; negative once it has passed, null when Plum gave no deadline',
    example: 95,
  })
  minutesLeft!: number | null;
}

export class PendingReservationListResponseDto {
  @ApiProperty({ type: [PendingReservationResponseDto], description: 'Soonest respondBy first' })
  items!: PendingReservationResponseDto[];
}
