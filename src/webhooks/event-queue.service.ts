import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { withTimeout } from '../common/with-timeout';
import { EventJobData, JobName, QueueName } from '../queue/queue.constants';
import { assertRedisReady } from '../queue/redis-ready';
import { QueueableEvent } from './webhook-event.repository';

/** A Redis that hangs (rather than refusing) must not hold a webhook response for long. */
const ENQUEUE_TIMEOUT_MS = 2_000;

/** Puts events on the BullMQ queue. The jobId makes a second add of the same event a no-op. */
@Injectable()
export class EventQueueService {
  constructor(@InjectQueue(QueueName.Events) private readonly queue: Queue<EventJobData>) {}

  /**
   * Adds every event in one round trip; BullMQ ignores an add under a jobId it still holds, so
   * adding an event twice is harmless. `replaceFinished` is for replays: the event's finished job
   * may still be kept in Redis and would swallow the add, so it is removed first.
   */
  async enqueue(events: QueueableEvent[], { replaceFinished = false } = {}): Promise<void> {
    if (events.length === 0) return;
    const jobs = events.map((event) =>
      event.kind === 'booking'
        ? { name: JobName.BookingEvent, data: { eventId: event.eventId, bookingCode: event.bookingCode! }, opts: { jobId: event.eventId } }
        : { name: JobName.ListingEvent, data: { eventId: event.eventId, listingId: event.listingId! }, opts: { jobId: event.eventId } },
    );
    const replays = replaceFinished ? events : [];
    await withTimeout(
      (async () => {
        await assertRedisReady(this.queue);
        await Promise.all(replays.map((e) => this.queue.remove(e.eventId)));
        await this.queue.addBulk(jobs);
      })(),
      ENQUEUE_TIMEOUT_MS,
      `Redis did not accept the jobs within ${ENQUEUE_TIMEOUT_MS} ms`,
    );
  }
}
