import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { DeliverNotificationJob, NotificationJobName, QueueName } from '../queue/queue.constants';
import { NotificationDeliveryService } from './notification-delivery.service';
import { NotificationRepository } from './notification.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Job payloads do not pass through the HTTP validation pipe: check the id before using it. */
function deliverData(data: unknown): DeliverNotificationJob {
  const d = data as Partial<DeliverNotificationJob> | undefined;
  if (typeof d?.notificationId !== 'string' || !UUID.test(d.notificationId)) throw new UnrecoverableError('Job has no valid notificationId');
  return { notificationId: d.notificationId };
}

/**
 * Delivers recorded notifications. A failed attempt is thrown, so BullMQ retries it with exponential
 * backoff (NOTIFY_ATTEMPTS, NOTIFY_BACKOFF_MS); the last one leaves the row `failed`, kept for
 * `POST /notifications/{id}/retry`. A duplicate job of a delivered notification does nothing.
 */
@Processor(QueueName.Notifications, { concurrency: 5, maxStalledCount: 5 })
export class NotificationProcessor extends WorkerHost {
  private readonly logger = new Logger(NotificationProcessor.name);

  constructor(
    private readonly repository: NotificationRepository,
    private readonly delivery: NotificationDeliveryService,
  ) {
    super();
  }

  async process(job: Job<unknown, unknown, string>): Promise<unknown> {
    switch (job.name) {
      case NotificationJobName.Deliver:
        return this.handleDeliver(job);
      default:
        throw new UnrecoverableError(`Unknown job ${job.name}`);
    }
  }

  private async handleDeliver(job: Job<unknown, unknown, string>): Promise<{ outcome: 'delivered' | 'skipped' }> {
    const { notificationId } = deliverData(job.data);
    const notification = await this.repository.startAttempt(notificationId);
    if (!notification) return { outcome: 'skipped' };
    try {
      await this.delivery.deliver(notification);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await this.repository.markAttemptFailed(notificationId, message, final);
      if (final) this.logger.error(`Notification ${notificationId} (${notification.type}) failed for good after ${notification.attempts} attempt(s): ${message}`);
      else this.logger.warn(`Notification ${notificationId} (${notification.type}) attempt ${notification.attempts} failed, will retry: ${message}`);
      throw error;
    }
    await this.repository.markDelivered(notificationId);
    return { outcome: 'delivered' };
  }

  /** A job given up by BullMQ itself (stalled too often) still leaves its notification visibly failed. */
  @OnWorkerEvent('failed')
  async onFailed(job: Job | undefined, error: Error): Promise<void> {
    if (!job || !/stalled/i.test(error.message)) return;
    const id = (job.data as Partial<DeliverNotificationJob>).notificationId;
    if (typeof id !== 'string' || !UUID.test(id)) return;
    await this.repository.markAttemptFailed(id, error.message, true).catch((e: unknown) => this.logger.warn(`Could not record notification ${id} as failed: ${String(e)}`));
  }
}
