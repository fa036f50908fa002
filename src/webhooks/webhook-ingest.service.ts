import { Injectable, Logger } from '@nestjs/common';
import { GroupCommit } from '../common/group-commit';
import { MetricsService } from '../metrics/metrics.service';
import { EventQueueService } from './event-queue.service';
import { NewWebhookEvent, WebhookEventRepository } from './webhook-event.repository';

export type IngestOutcome = 'accepted' | 'duplicate';

/**
 * The hot path: one inbox insert, then one queue add, each shared by every request that arrives
 * while the previous one is in flight (group commit). A webhook is answered as soon as its row is
 * committed; the queue add follows in the background. Nothing is lost if that add fails or the
 * process dies before it: the row stays `received` and the relay enqueues it.
 */
@Injectable()
export class WebhookIngestService {
  private readonly logger = new Logger(WebhookIngestService.name);
  private readonly inserts = new GroupCommit<NewWebhookEvent, boolean>((batch) => this.insertBatch(batch), { maxBatch: 500, concurrency: 1 });
  private readonly adds = new GroupCommit<NewWebhookEvent, void>((batch) => this.enqueueBatch(batch), { maxBatch: 500, concurrency: 1 });

  constructor(
    private readonly events: WebhookEventRepository,
    private readonly queue: EventQueueService,
    private readonly metrics: MetricsService,
  ) {}

  async ingest(event: NewWebhookEvent): Promise<IngestOutcome> {
    const isNew = await this.inserts.submit(event);
    this.metrics.webhookAcknowledged(event.kind, isNew ? 'accepted' : 'duplicate');
    if (!isNew) return 'duplicate';
    void this.adds.submit(event);
    return 'accepted';
  }

  private async insertBatch(batch: NewWebhookEvent[]): Promise<boolean[]> {
    const inserted = await this.events.insertNew(batch);
    // The same eventId twice in one batch: only its first delivery counts as new.
    const claimed = new Set<string>();
    return batch.map((event) => {
      if (!inserted.has(event.eventId) || claimed.has(event.eventId)) return false;
      claimed.add(event.eventId);
      return true;
    });
  }

  private async enqueueBatch(batch: NewWebhookEvent[]): Promise<void[]> {
    try {
      await this.queue.enqueue(batch.map((e) => ({ ...e, attempts: 0, status: 'received' as const })));
      await this.events.markQueued(batch.map((e) => e.eventId));
    } catch (error) {
      this.logger.warn(`${batch.length} acknowledged event(s) left for the relay: ${error instanceof Error ? error.message : String(error)}`);
    }
    return batch.map(() => undefined);
  }
}
