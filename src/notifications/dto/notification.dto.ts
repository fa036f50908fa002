import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto';
import { Notification, NotificationStatus } from '../../generated/prisma/client';
import { notificationBody } from '../notification-body';
import { NOTIFICATION_TYPES, NotificationType } from '../notification.types';

const STATUSES = Object.values(NotificationStatus);

export class NotificationListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: STATUSES, description: 'pending: recorded, not queued yet; queued: being delivered or waiting to retry' })
  @IsOptional()
  @IsEnum(NotificationStatus, { message: `status must be one of ${STATUSES.join(', ')}` })
  status?: NotificationStatus;

  @ApiPropertyOptional({ enum: NOTIFICATION_TYPES })
  @IsOptional()
  @IsIn(NOTIFICATION_TYPES, { message: `type must be one of ${NOTIFICATION_TYPES.join(', ')}` })
  type?: NotificationType;

}

export class NotificationDto {
  @ApiProperty({ format: 'uuid', description: 'The `id` of the body, stable across retries' })
  id!: string;

  @ApiProperty({ enum: NOTIFICATION_TYPES })
  type!: NotificationType;

  @ApiProperty({ enum: STATUSES })
  status!: NotificationStatus;

  @ApiProperty({ type: String, nullable: true, example: 'PG-ABC123' })
  bookingCode!: string | null;

  @ApiProperty({ type: 'integer', nullable: true })
  listingId!: number | null;

  @ApiProperty({ format: 'date-time', description: 'When the change it reports happened' })
  occurredAt!: string;

  @ApiProperty({ description: 'Delivery attempts so far, retries by hand included' })
  attempts!: number;

  @ApiProperty({ type: String, nullable: true, description: 'Why the last attempt failed, per channel' })
  lastError!: string | null;

  @ApiProperty({ type: [String], enum: ['webhook', 'email', 'log'], description: 'Channels that have it' })
  deliveredChannels!: string[];

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deliveredAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The JSON body exactly as the webhook channel sends it' })
  body!: Record<string, unknown>;

  static from(n: Notification): NotificationDto {
    return {
      id: n.id,
      type: n.type as NotificationType,
      status: n.status,
      bookingCode: n.bookingCode,
      listingId: n.listingId,
      occurredAt: n.occurredAt.toISOString(),
      attempts: n.attempts,
      lastError: n.lastError,
      deliveredChannels: n.deliveredChannels ?? [],
      deliveredAt: n.deliveredAt?.toISOString() ?? null,
      createdAt: n.createdAt.toISOString(),
      updatedAt: n.updatedAt.toISOString(),
      body: { ...notificationBody(n) },
    };
  }
}

export class NotificationPageDto {
  @ApiProperty({ type: [NotificationDto], description: 'Newest first' })
  items!: NotificationDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })
  nextCursor!: string | null;
}

export class NotificationRetryAcceptedDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['queued', 'pending'], description: 'pending: Redis is unavailable, the relay queues it when it returns' })
  status!: 'queued' | 'pending';
}
