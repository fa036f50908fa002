import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { withTimeout } from '../common/with-timeout';
import { DeliverNotificationJob, NotificationJobName, QueueName } from '../queue/queue.constants';
import { assertRedisReady } from '../queue/redis-ready';

/** A Redis that hangs (rather than refusing) must not hold up the booking worker for long. */
const ENQUEUE_TIMEOUT_MS = 2_000;
const REDIS_TIMEOUT_MESSAGE = `Redis did not answer within ${ENQUEUE_TIMEOUT_MS} ms`;

/** Puts notification deliveries on their queue. The jobId is the notification id, so adding one twice is a no-op. */
@Injectable()
export class NotificationQueueService {
  constructor(@InjectQueue(QueueName.Notifications) private readonly queue: Queue<DeliverNotificationJob>) {}

  async enqueue(ids: string[], { replace = false } = {}): Promise<void> {
    if (ids.length === 0) return;
    await withTimeout(
      (async () => {
        await assertRedisReady(this.queue);
        // A retry by hand: the failed job is kept under the same id, and an add would be ignored while it is there.
        if (replace) await Promise.all(ids.map((id) => this.queue.remove(id)));
        await this.queue.addBulk(ids.map((id) => ({ name: NotificationJobName.Deliver, data: { notificationId: id }, opts: { jobId: id } })));
      })(),
      ENQUEUE_TIMEOUT_MS,
      REDIS_TIMEOUT_MESSAGE,
    );
  }

  /** The state of the notification's job in Redis: 'unknown' when Redis holds none. */
  async jobState(id: string): Promise<string> {
    return withTimeout(this.queue.getJobState(id), ENQUEUE_TIMEOUT_MS, REDIS_TIMEOUT_MESSAGE);
  }

  /** Why BullMQ gave the job up, when it did. */
  async failedReason(id: string): Promise<string | undefined> {
    return (await withTimeout(this.queue.getJob(id), ENQUEUE_TIMEOUT_MS, REDIS_TIMEOUT_MESSAGE))?.failedReason;
  }
}

