import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { BOOKING_CODE_PATTERN } from '../../plum/plum.types';
import { IsListingId, MAX_INT4 } from '../validation';

export class BookingCodeParamsDto {
  @ApiProperty({ example: 'PLUM-8HG2K' })
  @Matches(BOOKING_CODE_PATTERN, { message: '$property must be 1 to 64 letters, digits, _ or -' })
  bookingCode!: string;
}

export class ListingParamsDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_INT4, example: 123 })
  @IsListingId()
  listingId!: number;
}
