import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Queue } from 'bullmq';
import { Environment } from '../config/environment';
import { QueueName } from '../queue/queue.constants';
import { EventQueueService } from './event-queue.service';
import { QueueableEvent, WebhookEventRepository } from './webhook-event.repository';

const BATCH = 500;
/** Younger rows are probably still on their way to Redis through the hot path. */
const GRACE_MS = 1_000;
/** A queued or running event untouched this long may have lost its job (Redis failed over or lost data). */
const STALE_MS = 15 * 60_000;
const STALE_CHECK_MS = 5 * 60_000;

/**
 * Makes sure every acknowledged event has a job in Redis. Adding again is harmless: the jobId is
 * the eventId, so BullMQ ignores a job it already holds.
 * - On a timer: events acknowledged but never enqueued (Redis was down, or the process died
 *   between the commit and the add).
 * - Whenever the Redis connection becomes ready (start-up, reconnect): every unfinished event,
 *   because a Redis that restarted may have come back without the jobs it held.
 * - Every few minutes: queued or running events nothing has touched for a long time.
 */
@Injectable()
export class WebhookRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookRelayService.name);
  private readonly intervalMs: number;
  private timers: NodeJS.Timeout[] = [];
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
    this.timers = [setInterval(() => void this.relay(), this.intervalMs), setInterval(() => void this.rescueStale(), STALE_CHECK_MS)];
    for (const timer of this.timers) timer.unref();
    void this.bullQueue
      .getBackend()
      .client.then((client) => {
        client.on('ready', () => void this.recover());
        if (client.status === 'ready') void this.recover();
      })
      .catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.running;
  }

  /** Enqueues events acknowledged but never enqueued; resolves to how many. Concurrent calls share a pass. */
  relay(): Promise<number> {
    return this.exclusive(async () => {
      let total = 0;
      while (!this.stopped) {
        const batch = await this.events.findUnqueued(new Date(Date.now() - GRACE_MS), BATCH);
        if (batch.length === 0) break;
        await this.add(batch);
        total += batch.length;
        if (batch.length < BATCH) break;
      }
      if (total > 0) this.logger.log(`Relayed ${total} acknowledged event(s) to the queue`);
      return total;
    });
  }

  /** Adds every unfinished event again (a no-op for jobs Redis still holds); resolves to how many were looked at. */
  recover(): Promise<number> {
    return this.exclusive(async () => {
      let total = 0;
      let after: { receivedAt: Date; eventId: string } | null = null;
      while (!this.stopped) {
        const batch = await this.events.findUnfinished(after, BATCH);
        if (batch.length === 0) break;
        await this.add(batch);
        total += batch.length;
        const last = batch[batch.length - 1];
        after = { receivedAt: last.receivedAt, eventId: last.eventId };
        if (batch.length < BATCH) break;
      }
      if (total > 0) this.logger.log(`Checked ${total} unfinished event(s) against the queue after connecting to Redis`);
      return total;
    });
  }

  private rescueStale(): Promise<number> {
    return this.exclusive(async () => {
      const batch = await this.events.findStale(new Date(Date.now() - STALE_MS), BATCH);
      await this.add(batch);
      return batch.length;
    });
  }

  /** One pass at a time: a pass started while another runs waits for it, then is skipped. */
  private exclusive(pass: () => Promise<number>): Promise<number> {
    if (this.stopped) return Promise.resolve(0);
    if (this.running) return this.running;
    this.running = pass()
      .catch((error: unknown) => {
        this.logger.debug(`Relay paused: ${error instanceof Error ? error.message : String(error)}`);
        return 0;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async add(batch: QueueableEvent[]): Promise<void> {
    if (batch.length === 0) return;
    // A replay not yet enqueued: its finished job may still sit in Redis and would swallow the add.
    const isReplay = (e: QueueableEvent) => e.status === 'received' && e.attempts > 0;
    await this.queue.enqueue(batch.filter((e) => !isReplay(e)));
    await this.queue.enqueue(batch.filter(isReplay), { replaceFinished: true });
    await this.events.markQueued(batch.filter((e) => e.status === 'received').map((e) => e.eventId));
  }
}
