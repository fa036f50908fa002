import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Cron, CronExpression } from '@nestjs/schedule';
import { Environment } from '../config/environment';
import { WebhookEventRepository } from './webhook-event.repository';

const BATCH = 5_000;

/**
 * Prunes processed events past the retention age. The age is the dedupe window: it must outlast any
 * sender's retries, so failed and unprocessed events are never pruned.
 */
@Injectable()
export class WebhookRetentionService {
  private readonly logger = new Logger(WebhookRetentionService.name);
  private readonly retentionDays: number;

  constructor(
    private readonly events: WebhookEventRepository,
    config: ConfigService<Environment, true>,
  ) {
    this.retentionDays = config.get('EVENT_RETENTION_DAYS', { infer: true });
  }

  @Cron(CronExpression.EVERY_HOUR, { name: 'webhook-event-retention' })
  async prune(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.retentionDays * 24 * 3600 * 1000);
    let total = 0;
    for (;;) {
      const deleted = await this.events.pruneProcessed(before, BATCH);
      total += deleted;
      if (deleted < BATCH) break;
    }
    if (total > 0) this.logger.log(`Pruned ${total} processed event(s) received before ${before.toISOString()}`);
    return total;
  }
}
