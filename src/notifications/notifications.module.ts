import { DynamicModule, Module } from '@nestjs/common';
import { EmailChannel } from './channels/email.channel';
import { LogChannel } from './channels/log.channel';
import { WebhookChannel } from './channels/webhook.channel';
import { NotificationDeliveryService } from './notification-delivery.service';
import { NotificationOutboxService } from './notification-outbox.service';
import { NotificationQueueService } from './notification-queue.service';
import { NotificationRelayService } from './notification-relay.service';
import { NotificationRemindersService } from './notification-reminders.service';
import { NotificationRepository } from './notification.repository';
import { NotificationProcessor } from './notification.processor';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';

@Module({})
export class NotificationsModule {
  /**
   * Any role records notifications (the registration runs on HTTP instances, bookings on workers);
   * delivery, the relay and the reminder schedule run only where workers run.
   */
  static register(options: { worker: boolean }): DynamicModule {
    return {
      module: NotificationsModule,
      // The outbox is written by the bookings worker, its processor and the webhook registration.
      global: true,
      controllers: [NotificationsController],
      providers: [
        NotificationRepository,
        NotificationQueueService,
        NotificationOutboxService,
        NotificationsService,
        ...(options.worker
          ? [WebhookChannel, EmailChannel, LogChannel, NotificationDeliveryService, NotificationProcessor, NotificationRelayService, NotificationRemindersService]
          : []),
      ],
      exports: [NotificationOutboxService],
    };
  }
}
