import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createTransport, Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { Environment } from '../../config/environment';
import { renderNotificationEmail } from '../notification-message';
import { NOTIFICATION_ID_HEADER } from '../notification-signature';
import { NotificationChannelName } from '../notification.types';
import { NotificationChannel, OutgoingNotification } from './notification-channel';

/** A mail server that accepts the connection and then stalls must not hold a worker for minutes (nodemailer's defaults). */
const SMTP_TIMEOUT_MS = 15_000;

/** SMTP_URL as it may be logged: the password in its userinfo replaced. */
export function redactSmtpUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = 'redacted';
    url.search = '';
    return url.toString();
  } catch {
    return 'smtp://(invalid url)';
  }
}

/**
 * Sends each notification as a short plain-text and HTML email to NOTIFY_EMAIL_TO through SMTP_URL.
 * The Message-ID is derived from the notification id, so if a retry sends one twice (the server took
 * it but the answer was lost), mail clients can tell it is the same message.
 */
@Injectable()
export class EmailChannel implements NotificationChannel, OnModuleDestroy {
  readonly name = NotificationChannelName.Email;
  readonly needsListing = true;
  private readonly smtpUrl?: string;
  private readonly to?: string;
  private readonly from: string;
  private readonly dashboardUrl?: string;
  private transport?: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(config: ConfigService<Environment, true>) {
    this.smtpUrl = config.get('SMTP_URL', { infer: true });
    this.to = config.get('NOTIFY_EMAIL_TO', { infer: true });
    this.from = config.get('NOTIFY_EMAIL_FROM', { infer: true });
    this.dashboardUrl = config.get('PLUM_DASHBOARD_URL', { infer: true });
  }

  get enabled(): boolean {
    return this.smtpUrl !== undefined && this.to !== undefined;
  }

  describe(): string {
    return `email to ${this.to ?? '-'} via ${this.smtpUrl ? redactSmtpUrl(this.smtpUrl) : '-'}`;
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }

  async send({ body, listing }: OutgoingNotification): Promise<void> {
    if (!this.smtpUrl || !this.to) throw new Error('The email channel is not configured');
    const message = renderNotificationEmail(body, { listing, dashboardUrl: this.dashboardUrl });
    this.transport ??= createTransport({
      url: this.smtpUrl,
      connectionTimeout: SMTP_TIMEOUT_MS,
      greetingTimeout: SMTP_TIMEOUT_MS,
      socketTimeout: SMTP_TIMEOUT_MS,
    });
    try {
      await this.transport.sendMail({
        from: this.from,
        to: this.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: `<${body.id}@plumline>`,
        headers: { [NOTIFICATION_ID_HEADER]: body.id },
      });
    } catch (error) {
      // nodemailer's messages name the server and the SMTP reply, never the credentials; scrub anyway.
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`SMTP ${redactSmtpUrl(this.smtpUrl)}: ${this.scrub(reason)}`);
    }
  }

  private scrub(text: string): string {
    const password = safePassword(this.smtpUrl);
    return password ? text.split(password).join('redacted') : text;
  }
}

function safePassword(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.password ? decodeURIComponent(url.password) : undefined;
  } catch {
    return undefined;
  }
}
