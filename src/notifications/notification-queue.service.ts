import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DeliverNotificationJob, NotificationJobName, QueueName } from '../queue/queue.constants';

/** A Redis that hangs (rather than refusing) must not hold up the booking worker for long. */
const ENQUEUE_TIMEOUT_MS = 2_000;

/** Puts notification deliveries on their queue. The jobId is the notification id, so adding one twice is a no-op. */
@Injectable()
export class NotificationQueueService {
  constructor(@InjectQueue(QueueName.Notifications) private readonly queue: Queue<DeliverNotificationJob>) {}

  async enqueue(ids: string[], { replace = false } = {}): Promise<void> {
    if (ids.length === 0) return;
    await withTimeout(
      (async () => {
        // Fail fast while Redis is away instead of piling commands into the client's offline queue.
        const client = await this.queue.getBackend().client;
        if (client.status !== 'ready') throw new Error(`Redis connection is ${client.status}`);
        // A retry by hand: the failed job is kept under the same id, and an add would be ignored while it is there.
        if (replace) await Promise.all(ids.map((id) => this.queue.remove(id)));
        await this.queue.addBulk(ids.map((id) => ({ name: NotificationJobName.Deliver, data: { notificationId: id }, opts: { jobId: id } })));
      })(),
    );
  }

  /** The state of the notification's job in Redis: 'unknown' when Redis holds none. */
  async jobState(id: string): Promise<string> {
    return withTimeout(this.queue.getJobState(id));
  }

  /** Why BullMQ gave the job up, when it did. */
  async failedReason(id: string): Promise<string | undefined> {
    return (await withTimeout(this.queue.getJob(id)))?.failedReason;
  }
}

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
