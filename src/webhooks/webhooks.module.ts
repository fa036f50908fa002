import { DynamicModule, Module } from '@nestjs/common';
import { EventQueueService } from './event-queue.service';
import { WebhookEventRepository } from './webhook-event.repository';
import { WebhookEventsController } from './webhook-events.controller';
import { WebhookIngestService } from './webhook-ingest.service';
import { WebhookRelayService } from './webhook-relay.service';
import { WebhookRetentionService } from './webhook-retention.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({})
export class WebhooksModule {
  /** The relay and retention run where the workers run; any role can receive webhooks. */
  static register(options: { worker: boolean }): DynamicModule {
    return {
      module: WebhooksModule,
      // The event repository and queue are used by the bookings worker too.
      global: true,
      controllers: [WebhooksController, WebhookEventsController],
      providers: [
        WebhookEventRepository,
        EventQueueService,
        WebhookIngestService,
        WebhooksService,
        ...(options.worker ? [WebhookRelayService, WebhookRetentionService] : []),
      ],
      exports: [WebhookEventRepository, EventQueueService],
    };
  }
}
