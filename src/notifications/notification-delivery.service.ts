import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Notification } from '../generated/prisma/client';
import { EmailChannel } from './channels/email.channel';
import { LogChannel } from './channels/log.channel';
import { NotificationChannel } from './channels/notification-channel';
import { WebhookChannel } from './channels/webhook.channel';
import { notificationBody } from './notification-body';
import { NotificationRepository } from './notification.repository';
import { NotificationChannelName } from './notification.types';

export class NotificationDeliveryError extends Error {}

/** Sends one notification to every configured channel it has not reached yet. */
@Injectable()
export class NotificationDeliveryService implements OnApplicationBootstrap {
  private readonly logger = new Logger(NotificationDeliveryService.name);
  private readonly channels: NotificationChannel[];

  constructor(
    private readonly repository: NotificationRepository,
    webhook: WebhookChannel,
    email: EmailChannel,
    log: LogChannel,
  ) {
    const configured = [webhook, email].filter((channel) => channel.enabled);
    this.channels = configured.length > 0 ? configured : [log];
  }

  onApplicationBootstrap(): void {
    this.logger.log(`Notifications go to: ${this.channels.map((c) => c.describe()).join('; ')}`);
  }

  get channelNames(): NotificationChannelName[] {
    return this.channels.map((c) => c.name);
  }

  /**
   * Each channel that succeeds is recorded at once, so when another fails, the retry only repeats the
   * failed one: a webhook outage does not send the email twice. Throws when any channel failed.
   */
  async deliver(notification: Notification): Promise<void> {
    const done = new Set(notification.deliveredChannels ?? []);
    const pending = this.channels.filter((c) => !done.has(c.name));
    if (pending.length === 0) return;
    const body = notificationBody(notification);
    const listing = notification.listingId !== null && pending.some((c) => c.needsListing) ? await this.repository.findListing(notification.listingId) : null;
    const failures: string[] = [];
    for (const channel of pending) {
      try {
        await channel.send({ body, listing });
      } catch (error) {
        failures.push(`${channel.name}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      await this.repository.markChannelDelivered(notification.id, channel.name);
    }
    if (failures.length > 0) throw new NotificationDeliveryError(failures.join('; '));
  }
}
