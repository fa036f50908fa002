import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Queue } from 'bullmq';
import { Environment } from '../config/environment';
import { QueueName } from '../queue/queue.constants';
import { EventQueueService } from './event-queue.service';
import { WebhookEventRepository } from './webhook-event.repository';

const BATCH = 500;
/** Younger rows are probably still on their way to Redis through the hot path. */
const GRACE_MS = 1_000;

/**
 * Enqueues events that were acknowledged but never reached Redis (it was down, or the process died
 * between the commit and the add): on a timer, and at once when the Redis connection comes back.
 * Re-adding is harmless: the jobId is the eventId, so BullMQ ignores a job it already holds.
 */
@Injectable()
export class WebhookRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookRelayService.name);
  private readonly intervalMs: number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = false;

  constructor(
    private readonly events: WebhookEventRepository,
    private readonly queue: EventQueueService,
    @InjectQueue(QueueName.Events) private readonly bullQueue: Queue,
    config: ConfigService<Environment, true>,
  ) {
    this.intervalMs = config.get('RELAY_INTERVAL_MS', { infer: true });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.relay(), this.intervalMs);
    this.timer.unref();
    void this.bullQueue
      .getBackend()
      .client.then((client) => client.on('ready', () => void this.relay()))
      .catch(() => undefined);
    void this.relay();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over the backlog; resolves to the number of events enqueued. Concurrent calls share a pass. */
  relay(): Promise<number> {
    if (this.stopped) return Promise.resolve(0);
    this.running ??= this.relayAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async relayAll(): Promise<number> {
    let total = 0;
    try {
      while (!this.stopped) {
        const batch = await this.events.findUnqueued(new Date(Date.now() - GRACE_MS), BATCH);
        if (batch.length === 0) break;
        await this.queue.enqueue(batch);
        await this.events.markQueued(batch.map((e) => e.eventId));
        total += batch.length;
        if (batch.length < BATCH) break;
      }
    } catch (error) {
      this.logger.debug(`Relay paused: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (total > 0) this.logger.log(`Relayed ${total} acknowledged event(s) to the queue`);
    return total;
  }
}
