import { ApiProperty } from '@nestjs/swagger';
import { Equals, IsInt, IsISO8601, IsString, IsUUID, Matches, ValidateIf } from 'class-validator';
import { BOOKING_CODE_PATTERN } from '../../plum/plum.types';

/** Plum's booking event envelope. Unknown extra fields are accepted and kept in the stored payload. */
export class BookingWebhookDto {
  @ApiProperty({ format: 'uuid', example: '3f6b2a64-2c7e-4f0a-9d55-3a1a7c9d2b10' })
  @IsUUID('all', { message: 'eventId must be a UUID' })
  eventId!: string;

  @ApiProperty({ example: '2025-01-15T10:30:00Z', description: 'ISO 8601' })
  @IsISO8601({ strict: true }, { message: 'timestamp must be an ISO 8601 date-time' })
  timestamp!: string;

  @ApiProperty({ example: 'PG-ABC123', pattern: BOOKING_CODE_PATTERN.source })
  @Matches(BOOKING_CODE_PATTERN, { message: 'bookingCode must be 1-64 characters of A-Z, a-z, 0-9, _ or -' })
  @IsString({ message: 'bookingCode must be a string' })
  bookingCode!: string;

  @ApiProperty({ nullable: true, type: 'integer', required: false, description: 'Always null for booking events' })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsInt({ message: 'listingId must be null or an integer' })
  listingId?: number | null;
}

/** Plum's listing event envelope: bookingCode is null, listingId an integer. */
export class ListingWebhookDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'eventId must be a UUID' })
  eventId!: string;

  @ApiProperty({ example: '2025-01-15T10:30:00Z' })
  @IsISO8601({ strict: true }, { message: 'timestamp must be an ISO 8601 date-time' })
  timestamp!: string;

  @ApiProperty({ type: String, nullable: true, required: false, description: 'Always null for listing events' })
  @ValidateIf((_, value) => value !== undefined)
  @Equals(null, { message: 'bookingCode must be null for a listing event' })
  bookingCode?: null;

  @ApiProperty({ type: 'integer', example: 12345 })
  @IsInt({ message: 'listingId must be an integer' })
  listingId!: number;
}

export class WebhookAckDto {
  @ApiProperty({ example: true })
  acknowledged!: true;

  @ApiProperty({ enum: ['accepted', 'duplicate'] })
  status!: 'accepted' | 'duplicate';

  @ApiProperty({ format: 'uuid' })
  eventId!: string;
}
