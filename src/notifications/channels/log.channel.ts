import { Injectable, Logger } from '@nestjs/common';
import { NotificationChannelName } from '../notification.types';
import { NotificationChannel, OutgoingNotification } from './notification-channel';

/**
 * Stands in when neither the webhook nor email is configured, so notifications are not silently
 * dropped and `npm run dev` shows each one as it would be sent.
 */
@Injectable()
export class LogChannel implements NotificationChannel {
  readonly name = NotificationChannelName.Log;
  readonly enabled = true;
  readonly needsListing = false;
  private readonly logger = new Logger('Notification');

  describe(): string {
    return 'log (no NOTIFY_WEBHOOK_URL or SMTP_URL configured)';
  }

  async send({ body }: OutgoingNotification): Promise<void> {
    const subject = body.reservation?.bookingCode ?? body.event?.bookingCode ?? '';
    this.logger.log(`${body.type}${subject ? ` ${subject}` : ''}: ${JSON.stringify(body)}`);
  }
}
