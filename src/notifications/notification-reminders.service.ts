import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Cron, CronExpression } from '@nestjs/schedule';
import { Environment } from '../config/environment';
import { NotificationOutboxService } from './notification-outbox.service';
import { NotificationRepository } from './notification.repository';

/** Per pass; a larger backlog is taken up by the next minute's pass. */
const BATCH = 500;

/**
 * Reminds the host of requests whose deadline is near (booking.request_expiring), where workers run.
 * Every replica may run the check: the dedupe key (booking and deadline) lets one reminder through.
 */
@Injectable()
export class NotificationRemindersService {
  private readonly logger = new Logger(NotificationRemindersService.name);
  private readonly windowMs: number;

  constructor(
    private readonly repository: NotificationRepository,
    private readonly outbox: NotificationOutboxService,
    config: ConfigService<Environment, true>,
  ) {
    this.windowMs = config.get('NOTIFY_EXPIRING_BEFORE_MINUTES', { infer: true }) * 60_000;
  }

  @Cron(CronExpression.EVERY_MINUTE, { name: 'notify-expiring-requests' })
  async onSchedule(): Promise<void> {
    await this.remindExpiringRequests().catch((error: unknown) => this.logger.warn(`Expiring-request check failed: ${String(error)}`));
  }

  /** Records (and queues) one reminder per request whose deadline is within the window; returns how many were new. */
  async remindExpiringRequests(now = new Date()): Promise<number> {
    const due = await this.repository.findRequestsDueForReminder(now, new Date(now.getTime() + this.windowMs), BATCH);
    if (due.length === 0) return 0;
    const ids = await this.outbox.recordExpiringRequests(due);
    await this.outbox.dispatch(ids);
    if (ids.length > 0) this.logger.log(`Reminding the host of ${ids.length} request(s) about to expire`);
    return ids.length;
  }
}
