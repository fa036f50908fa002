import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto';
import { WebhookEvent, WebhookEventStatus } from '../../generated/prisma/client';
import { BOOKING_CODE_PATTERN } from '../../plum/plum.types';

export class WebhookEventQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: WebhookEventStatus })
  @IsOptional()
  @IsEnum(WebhookEventStatus, { message: `status must be one of ${Object.values(WebhookEventStatus).join(', ')}` })
  status?: WebhookEventStatus;

  @ApiPropertyOptional({ example: 'PG-ABC123' })
  @IsOptional()
  @Matches(BOOKING_CODE_PATTERN, { message: 'bookingCode must be 1-64 characters of A-Z, a-z, 0-9, _ or -' })
  bookingCode?: string;

}

export class WebhookEventDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ enum: ['booking', 'listing'] }) kind!: string;
  @ApiProperty({ nullable: true, type: String }) bookingCode!: string | null;
  @ApiProperty({ nullable: true, type: 'integer' }) listingId!: number | null;
  @ApiProperty({ enum: WebhookEventStatus }) status!: WebhookEventStatus;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: "the event's own timestamp" }) timestamp!: string | null;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) processedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the payload as received' }) payload!: Record<string, unknown>;

  static from(e: WebhookEvent): WebhookEventDto {
    return {
      eventId: e.eventId,
      kind: e.kind,
      bookingCode: e.bookingCode,
      listingId: e.listingId,
      status: e.status,
      attempts: e.attempts,
      lastError: e.lastError,
      timestamp: e.eventTimestamp?.toISOString() ?? null,
      receivedAt: e.receivedAt.toISOString(),
      processedAt: e.processedAt?.toISOString() ?? null,
      updatedAt: e.updatedAt.toISOString(),
      payload: e.payload as Record<string, unknown>,
    };
  }
}

export class WebhookEventPageDto {
  @ApiProperty({ type: [WebhookEventDto] }) items!: WebhookEventDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class WebhookEventStatsDto {
  @ApiProperty() received!: number;
  @ApiProperty() queued!: number;
  @ApiProperty() processing!: number;
  @ApiProperty() processed!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() total!: number;
}

export class ReplayAcceptedDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ enum: ['queued', 'received'], description: 'received: Redis is unavailable, the relay enqueues it when it returns' })
  status!: 'queued' | 'received';
}
