import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Queue } from 'bullmq';
import { Environment } from '../config/environment';
import { QueueName } from '../queue/queue.constants';
import { NotificationQueueService } from './notification-queue.service';
import { NotificationRepository } from './notification.repository';

const BATCH = 500;
/** Younger rows are probably still on their way to Redis through the hot path (right after their commit). */
const GRACE_MS = 1_000;
/** How often queued rows are checked for a job Redis no longer holds, and how long a row must be untouched first. */
const LOST_CHECK_MS = 60_000;

/**
 * The outbox's relay, where workers run. It enqueues rows still `pending` (Redis was away when they
 * were recorded, or the process stopped between the commit and the add), on a timer and as soon as
 * the Redis connection is back. Less often it looks for `queued` rows whose job Redis lost (a restart
 * without persistence) and queues them again, so no recorded notification is ever stranded.
 * Re-adding is harmless: the jobId is the notification id.
 */
@Injectable()
export class NotificationRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NotificationRelayService.name);
  private readonly intervalMs: number;
  private timer?: NodeJS.Timeout;
  private lostTimer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = false;

  constructor(
    private readonly repository: NotificationRepository,
    private readonly queue: NotificationQueueService,
    @InjectQueue(QueueName.Notifications) private readonly bullQueue: Queue,
    config: ConfigService<Environment, true>,
  ) {
    this.intervalMs = config.get('RELAY_INTERVAL_MS', { infer: true });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.relay(), this.intervalMs);
    this.timer.unref();
    this.lostTimer = setInterval(() => void this.recoverLostJobs(), LOST_CHECK_MS);
    this.lostTimer.unref();
    void this.bullQueue
      .getBackend()
      .client.then((client) => client.on('ready', () => void this.relay()))
      .catch(() => undefined);
    void this.relay();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.lostTimer);
    await this.running;
  }

  /** One pass over the pending rows; resolves to how many were queued. Concurrent calls share a pass. */
  relay(): Promise<number> {
    if (this.stopped) return Promise.resolve(0);
    this.running ??= this.relayAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async relayAll(): Promise<number> {
    let total = 0;
    try {
      while (!this.stopped) {
        const ids = await this.repository.findPending(new Date(Date.now() - GRACE_MS), BATCH);
        if (ids.length === 0) break;
        await this.queue.enqueue(ids);
        await this.repository.markQueued(ids);
        total += ids.length;
        if (ids.length < BATCH) break;
      }
    } catch (error) {
      this.logger.debug(`Notification relay paused: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (total > 0) this.logger.log(`Relayed ${total} recorded notification(s) to the delivery queue`);
    return total;
  }

  /** Queued rows whose job is gone are queued again; ones whose job BullMQ gave up are marked failed. */
  async recoverLostJobs(untouchedFor = LOST_CHECK_MS): Promise<number> {
    let recovered = 0;
    let after: string | null = null;
    try {
      while (!this.stopped) {
        const ids = await this.repository.findQueuedUntouched(new Date(Date.now() - untouchedFor), after, BATCH);
        for (const id of ids) {
          const state = await this.queue.jobState(id);
          if (state === 'unknown') {
            await this.queue.enqueue([id]);
            recovered++;
          } else if (state === 'failed') {
            await this.repository.markAttemptFailed(id, (await this.queue.failedReason(id)) ?? 'the delivery job failed', true);
          }
        }
        if (ids.length < BATCH) break;
        after = ids[ids.length - 1];
      }
    } catch (error) {
      this.logger.debug(`Lost-job check paused: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (recovered > 0) this.logger.warn(`Queued ${recovered} notification(s) again whose delivery job Redis no longer held`);
    return recovered;
  }
}
