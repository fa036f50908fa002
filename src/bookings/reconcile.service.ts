import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Job, Queue } from 'bullmq';
import { Environment } from '../config/environment';
import { PlumError } from '../plum/plum.errors';
import { EventJobData, JobName, QueueName } from '../queue/queue.constants';
import { assertRedisReady } from '../queue/redis-ready';
import { BookingSyncService } from './booking-sync.service';
import { BookingStoreRepository } from './booking-store.repository';

const SCHEDULER_ID = 'reconcile-live-reservations';
const PAGE = 200;

export interface ReconcileSummary {
  checked: number;
  corrected: number;
  failed: number;
}

/**
 * Webhooks can be missed. On a schedule, re-fetch every reservation that can still change (requests,
 * and confirmed stays not yet over) at a polite rate, and apply what changed through the same path
 * as events. The schedule lives in BullMQ, so however many workers run, one sweep runs at a time.
 */
@Injectable()
export class ReconcileService {
  private readonly logger = new Logger(ReconcileService.name);
  private readonly intervalMs: number;
  private readonly minGapMs: number;

  constructor(
    private readonly store: BookingStoreRepository,
    private readonly sync: BookingSyncService,
    @InjectQueue(QueueName.Events) private readonly queue: Queue<EventJobData>,
    config: ConfigService<Environment, true>,
  ) {
    this.intervalMs = config.get('RECONCILE_INTERVAL_MINUTES', { infer: true }) * 60_000;
    this.minGapMs = 1000 / config.get('RECONCILE_RATE_PER_SECOND', { infer: true });
  }

  /** Installs (or removes, at interval 0) the periodic sweep. Called where workers run. */
  async schedule(): Promise<void> {
    await assertRedisReady(this.queue);
    if (this.intervalMs > 0) {
      await this.queue.upsertJobScheduler(SCHEDULER_ID, { every: this.intervalMs }, { name: JobName.Reconcile, data: {}, opts: { attempts: 1 } });
    } else {
      await this.queue.removeJobScheduler(SCHEDULER_ID);
    }
  }

  async sweep(job?: Job): Promise<ReconcileSummary> {
    const today = new Date().toISOString().slice(0, 10);
    const summary: ReconcileSummary = { checked: 0, corrected: 0, failed: 0 };
    let after: string | null = null;
    for (;;) {
      const codes = await this.store.liveBookingCodes(today, after, PAGE);
      for (const code of codes) {
        const started = Date.now();
        try {
          const { result } = await this.sync.syncBooking(code, 'reconcile');
          if (result.outcome === 'applied' && result.changed) summary.corrected++;
        } catch (error) {
          summary.failed++;
          const transient = error instanceof PlumError && error.transient;
          this.logger.warn(`Reconcile ${code}: ${error instanceof Error ? error.message : String(error)}${transient ? ' (will retry next sweep)' : ''}`);
        }
        summary.checked++;
        const wait = this.minGapMs - (Date.now() - started);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      await job?.updateProgress(summary.checked);
      if (codes.length < PAGE) break;
      after = codes[codes.length - 1];
    }
    this.logger.log(`Reconciled ${summary.checked} live reservation(s): ${summary.corrected} corrected, ${summary.failed} failed`);
    return summary;
  }
}
