import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { Queue } from 'bullmq';
import { EventJobData, JobName, QueueName } from '../queue/queue.constants';
import { assertRedisReady } from '../queue/redis-ready';
import { SyncAcceptedDto } from './dto/sync-accepted.dto';

@Injectable()
export class ReservationSyncService {
  constructor(@InjectQueue(QueueName.Events) private readonly queue: Queue<EventJobData>) {}

  /** Queues a sync: it runs on the workers with the same retries and ordering guarantees as events. */
  async requestSync(bookingCode: string): Promise<SyncAcceptedDto> {
    await assertRedisReady(this.queue).catch(() => {
      throw new ServiceUnavailableException('The queue is unavailable, retry later');
    });
    const job = await this.queue.add(JobName.SyncBooking, { bookingCode }, { jobId: `sync-${bookingCode}-${Date.now()}` });
    return { bookingCode, status: 'queued', jobId: job.id! };
  }
}
