import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { NotificationStatus } from '../generated/prisma/client';
import { decodeTimeCursor, encodeTimeCursor } from '../common/cursor';
import { NotificationDto, NotificationListQueryDto, NotificationPageDto, NotificationRetryAcceptedDto } from './dto/notification.dto';
import { NotificationQueueService } from './notification-queue.service';
import { NotificationRepository } from './notification.repository';


/** The delivery log behind the REST API. */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly repository: NotificationRepository,
    private readonly queue: NotificationQueueService,
  ) {}

  async list(query: NotificationListQueryDto): Promise<NotificationPageDto> {
    const page = await this.repository.list({ status: query.status, type: query.type }, query.limit, query.cursor ? this.parseCursor(query.cursor) : undefined);
    return {
      items: page.items.map((n) => NotificationDto.from(n)),
      nextCursor: page.next && encodeTimeCursor(page.next.createdAt, page.next.id),
    };
  }

  async get(id: string): Promise<NotificationDto> {
    const notification = await this.repository.find(id);
    if (!notification) throw new NotFoundException(`No notification ${id}`);
    return NotificationDto.from(notification);
  }

  /**
   * Delivers a failed notification again, with its same id and body and a fresh set of attempts.
   * Only failed ones: a delivered one would reach its receivers twice (409), and a pending or queued
   * one is already on its way (409).
   */
  async retry(id: string): Promise<NotificationRetryAcceptedDto> {
    const claimed = await this.repository.claimForRetry(id);
    if (!claimed) {
      const existing = await this.repository.find(id);
      if (!existing) throw new NotFoundException(`No notification ${id}`);
      throw new ConflictException(
        existing.status === NotificationStatus.delivered
          ? `Notification ${id} was delivered: only failed notifications can be retried`
          : `Notification ${id} is ${existing.status}: it is already on its way`,
      );
    }
    try {
      await this.queue.enqueue([id], { replace: true });
      await this.repository.markQueued([id]);
      return { id, status: 'queued' };
    } catch {
      // Recorded as pending: the relay queues it once Redis answers again.
      return { id, status: 'pending' };
    }
  }

  private parseCursor(cursor: string): { createdAt: Date; id: string } {
    const { at, id } = decodeTimeCursor(cursor);
    return { createdAt: at, id };
  }
}
