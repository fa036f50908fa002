import type { Notification } from '../generated/prisma/client';
import { NotificationChannel, OutgoingNotification } from './channels/notification-channel';
import { NotificationDeliveryError, NotificationDeliveryService } from './notification-delivery.service';
import { NotificationRepository } from './notification.repository';
import { NotificationChannelName, NotificationType } from './notification.types';

class FakeChannel implements NotificationChannel {
  readonly sent: OutgoingNotification[] = [];
  failWith?: Error;

  constructor(
    readonly name: NotificationChannelName,
    readonly enabled: boolean,
    readonly needsListing = false,
  ) {}

  describe(): string {
    return this.name;
  }

  async send(notification: OutgoingNotification): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.sent.push(notification);
  }
}

function row(overrides: Partial<Notification> = {}): Notification {
  const at = new Date('2027-01-01T00:00:00.000Z');
  return {
    id: '5f0c3f2e-0000-4000-8000-000000000000',
    type: NotificationType.BookingConfirmed,
    dedupeKey: 'k',
    bookingCode: 'PG-1',
    listingId: 7,
    data: { reservation: null },
    occurredAt: at,
    status: 'queued',
    deliveredChannels: [],
    attempts: 1,
    lastError: null,
    deliveredAt: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

describe('NotificationDeliveryService', () => {
  const listing = { listingId: 7, name: 'The Sea House', timezone: 'Europe/London' };
  let repository: { findListing: jest.Mock; markChannelDelivered: jest.Mock };

  beforeEach(() => {
    repository = { findListing: jest.fn().mockResolvedValue(listing), markChannelDelivered: jest.fn().mockResolvedValue(undefined) };
  });

  const build = (webhook: FakeChannel, email: FakeChannel, log = new FakeChannel(NotificationChannelName.Log, true)) =>
    new NotificationDeliveryService(repository as unknown as NotificationRepository, webhook as never, email as never, log as never);

  it('logs the payload when no channel is configured', async () => {
    const log = new FakeChannel(NotificationChannelName.Log, true);
    const sut = build(new FakeChannel(NotificationChannelName.Webhook, false), new FakeChannel(NotificationChannelName.Email, false, true), log);
    expect(sut.channelNames).toEqual(['log']);
    await sut.deliver(row());
    expect(log.sent.map((n) => n.body)).toEqual([{ id: row().id, type: 'booking.confirmed', occurredAt: '2027-01-01T00:00:00.000Z', reservation: null }]);
    expect(repository.markChannelDelivered).toHaveBeenCalledWith(row().id, 'log');
  });

  it('records each channel that succeeded, reports the ones that failed, and skips the ones already reached', async () => {
    const webhook = new FakeChannel(NotificationChannelName.Webhook, true);
    const email = new FakeChannel(NotificationChannelName.Email, true, true);
    webhook.failWith = new Error('answered 500');
    const sut = build(webhook, email);
    await expect(sut.deliver(row())).rejects.toThrow(new NotificationDeliveryError('webhook: answered 500'));
    expect(email.sent).toHaveLength(1);
    expect(email.sent[0].listing).toEqual(listing);
    expect(repository.markChannelDelivered.mock.calls).toEqual([[row().id, 'email']]);

    webhook.failWith = undefined;
    await sut.deliver(row({ deliveredChannels: ['email'] }));
    expect(webhook.sent).toHaveLength(1);
    expect(email.sent).toHaveLength(1);
    expect(webhook.sent[0].listing).toBeNull();
  });
});
