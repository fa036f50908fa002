import { ApiProperty } from '@nestjs/swagger';
import { BOOKING_CODE_PATTERN } from '../../plum/plum.types';

/**
 * Plum's booking event envelope, for OpenAPI; webhook-payload.validation.ts enforces it. Unknown
 * extra fields are accepted and kept in the stored payload.
 */
export class BookingWebhookDto {
  @ApiProperty({ format: 'uuid', example: '3f6b2a64-2c7e-4f0a-9d55-3a1a7c9d2b10' })
  eventId!: string;

  @ApiProperty({ example: '2025-01-15T10:30:00Z', description: 'ISO 8601' })
  timestamp!: string;

  @ApiProperty({ example: 'PG-ABC123', pattern: BOOKING_CODE_PATTERN.source })
  bookingCode!: string;

  @ApiProperty({ nullable: true, type: 'integer', required: false, description: 'Always null for booking events' })
  listingId?: number | null;
}

/** Plum's listing event envelope: bookingCode is null, listingId an integer. */
export class ListingWebhookDto {
  @ApiProperty({ format: 'uuid' })
  eventId!: string;

  @ApiProperty({ example: '2025-01-15T10:30:00Z' })
  timestamp!: string;

  @ApiProperty({ type: String, nullable: true, required: false, description: 'Always null for listing events' })
  bookingCode?: null;

  @ApiProperty({ type: 'integer', example: 12345 })
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
