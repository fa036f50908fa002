import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Environment } from '../../config/environment';
import { NOTIFICATION_ID_HEADER, NOTIFICATION_TYPE_HEADER, signNotification, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../notification-signature';
import { NotificationChannelName } from '../notification.types';
import { NotificationChannel, OutgoingNotification } from './notification-channel';

/** Enough of a receiver's answer to say why it refused, without copying a whole error page into the log. */
const MAX_ERROR_BODY = 200;

/** The URL without its query string and credentials: a receiver's URL may carry a token. */
export function describeUrl(value: string): string {
  const url = new URL(value);
  return `${url.origin}${url.pathname}`;
}

/**
 * POSTs the notification as JSON to NOTIFY_WEBHOOK_URL, signed (see notification-signature.ts). Any
 * answer but 2xx, a network error or the timeout is a failure the queue retries; the body, and with
 * it the `id` receivers deduplicate on, is the same on every attempt. Redirects are not followed: a
 * signed body must not be forwarded somewhere else.
 */
@Injectable()
export class WebhookChannel implements NotificationChannel {
  readonly name = NotificationChannelName.Webhook;
  readonly needsListing = false;
  private readonly url?: string;
  private readonly secret?: string;
  private readonly timeoutMs: number;

  constructor(config: ConfigService<Environment, true>) {
    this.url = config.get('NOTIFY_WEBHOOK_URL', { infer: true });
    this.secret = config.get('NOTIFY_WEBHOOK_SECRET', { infer: true });
    this.timeoutMs = config.get('NOTIFY_WEBHOOK_TIMEOUT_MS', { infer: true });
  }

  get enabled(): boolean {
    return this.url !== undefined && this.secret !== undefined;
  }

  describe(): string {
    return `webhook to ${this.url ? describeUrl(this.url) : '-'}`;
  }

  async send({ body }: OutgoingNotification): Promise<void> {
    if (!this.url || !this.secret) throw new Error('The webhook channel is not configured');
    const payload = JSON.stringify(body);
    const timestamp = Math.floor(Date.now() / 1000);
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'plumline-notifications/1',
          [SIGNATURE_HEADER]: signNotification(this.secret, timestamp, payload),
          [TIMESTAMP_HEADER]: String(timestamp),
          [NOTIFICATION_ID_HEADER]: body.id,
          [NOTIFICATION_TYPE_HEADER]: body.type,
        },
        body: payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : describeError(error);
      throw new Error(`${describeUrl(this.url)}: ${reason}`);
    }
    const text = await response.text().catch(() => '');
    if (response.status < 200 || response.status >= 300) {
      const detail = text.trim().slice(0, MAX_ERROR_BODY);
      throw new Error(`${describeUrl(this.url)} answered ${response.status}${detail ? `: ${detail}` : ''}`);
    }
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch hides the real reason (ECONNREFUSED, ENOTFOUND) in `cause`.
  const cause = (error as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
