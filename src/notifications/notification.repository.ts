import { Injectable } from '@nestjs/common';
import { Notification, NotificationStatus, Prisma, Reservation } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import { ListingInfo, NotificationChannelName, NotificationData, NotificationType } from './notification.types';

/** The client of an open transaction, or the plain client: outbox rows are written inside the caller's transaction. */
export type Db = Prisma.TransactionClient;

export interface NewNotification {
  id: string;
  type: NotificationType;
  dedupeKey: string;
  bookingCode: string | null;
  listingId: number | null;
  data: NotificationData;
  occurredAt: Date;
}

export interface NotificationFilter {
  status?: NotificationStatus;
  type?: NotificationType;
}

export interface NotificationPage {
  items: Notification[];
  next: { createdAt: Date; id: string } | null;
}

@Injectable()
export class NotificationRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Writes outbox rows; a dedupe key already stored is skipped (that change was notified before).
   * Returns the ids this call inserted, the ones to deliver.
   */
  async insert(rows: NewNotification[], db: Db = this.prisma): Promise<string[]> {
    if (rows.length === 0) return [];
    const inserted = await db.$queryRaw<{ id: string }[]>`
      INSERT INTO notifications (id, type, dedupe_key, booking_code, listing_id, data, occurred_at, delivered_channels)
      SELECT id, type, dedupe_key, booking_code, listing_id, data, occurred_at, '{}'::varchar[] FROM unnest(
        ${rows.map((r) => r.id)}::uuid[],
        ${rows.map((r) => r.type)}::varchar[],
        ${rows.map((r) => r.dedupeKey)}::text[],
        ${rows.map((r) => r.bookingCode)}::varchar[],
        ${rows.map((r) => r.listingId)}::int[],
        ${rows.map((r) => JSON.stringify(r.data))}::jsonb[],
        ${rows.map((r) => r.occurredAt.toISOString())}::timestamptz[]
      ) AS n(id, type, dedupe_key, booking_code, listing_id, data, occurred_at)
      ON CONFLICT (dedupe_key) DO NOTHING
      RETURNING id`;
    return inserted.map((r) => r.id);
  }

  findReservation(bookingCode: string, db: Db = this.prisma): Promise<Reservation | null> {
    return db.reservation.findUnique({ where: { bookingCode } });
  }

  async findListing(listingId: number): Promise<ListingInfo | null> {
    return this.prisma.listing.findUnique({ where: { listingId }, select: { listingId: true, name: true, timezone: true } });
  }

  /** When the webhook registration was last in step with Plum (the start of the current failure episode). */
  async lastRegistrationSync(): Promise<Date | null> {
    const row = await this.prisma.webhookRegistration.findUnique({ where: { id: 1 }, select: { syncedAt: true } });
    return row?.syncedAt ?? null;
  }

  /** Requests whose deadline falls in (now, until] and that were not reminded of that deadline yet. */
  async findRequestsDueForReminder(now: Date, until: Date, limit: number): Promise<Reservation[]> {
    const due = await this.prisma.$queryRaw<{ booking_code: string }[]>`
      SELECT r.booking_code FROM reservations r
      WHERE r.status = 'Request' AND r.respond_by > ${now} AND r.respond_by <= ${until}
        AND NOT EXISTS (
          SELECT 1 FROM notifications n
          WHERE n.dedupe_key = 'booking.request_expiring:' || r.booking_code || ':'
                               || to_char(r.respond_by AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
      ORDER BY r.respond_by LIMIT ${limit}`;
    if (due.length === 0) return [];
    return this.prisma.reservation.findMany({ where: { bookingCode: { in: due.map((d) => d.booking_code) } }, orderBy: { respondBy: 'asc' } });
  }

  /** Rows committed but not handed to Redis yet (Redis was away, or the process stopped in between), oldest first. */
  async findPending(createdBefore: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.notification.findMany({
      where: { status: NotificationStatus.pending, createdAt: { lt: createdBefore } },
      orderBy: { createdAt: 'asc' },
      take: limit,
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  /** Queued rows untouched for a while: either waiting for a backoff, or their job was lost with Redis's data. */
  async findQueuedUntouched(updatedBefore: Date, after: string | null, limit: number): Promise<string[]> {
    const rows = await this.prisma.notification.findMany({
      where: { status: NotificationStatus.queued, updatedAt: { lt: updatedBefore }, ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: 'asc' },
      take: limit,
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  /** pending → queued once the job is in Redis; never moves a row a worker already finished. */
  async markQueued(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.prisma.notification.updateMany({
      where: { id: { in: ids }, status: NotificationStatus.pending },
      data: { status: NotificationStatus.queued },
    });
  }

  /** Counts an attempt and returns the row; null when it is gone or already delivered (a duplicate job). */
  async startAttempt(id: string): Promise<Notification | null> {
    const { count } = await this.prisma.notification.updateMany({
      where: { id, status: { not: NotificationStatus.delivered } },
      data: { attempts: { increment: 1 } },
    });
    return count === 0 ? null : this.prisma.notification.findUnique({ where: { id } });
  }

  /** Remembers a channel that has the notification, so a retry of the others does not send it there again. */
  async markChannelDelivered(id: string, channel: NotificationChannelName): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE notifications SET delivered_channels = array_append(coalesce(delivered_channels, '{}'), ${channel}::varchar), updated_at = now()
      WHERE id = ${id}::uuid AND NOT (${channel}::varchar = ANY(coalesce(delivered_channels, '{}')))`;
  }

  async markDelivered(id: string): Promise<void> {
    await this.prisma.notification.updateMany({
      where: { id },
      data: { status: NotificationStatus.delivered, deliveredAt: new Date(), lastError: null },
    });
  }

  /** A failed attempt: back to queued while retries remain, else failed (kept, retryable by hand). */
  async markAttemptFailed(id: string, error: string, final: boolean): Promise<void> {
    await this.prisma.notification.updateMany({
      where: { id, status: { not: NotificationStatus.delivered } },
      data: { status: final ? NotificationStatus.failed : NotificationStatus.queued, lastError: error.slice(0, 2000) },
    });
  }

  /** failed → pending for a retry by hand; null when the row is unknown or not failed. */
  async claimForRetry(id: string): Promise<string | null> {
    const { count } = await this.prisma.notification.updateMany({
      where: { id, status: NotificationStatus.failed },
      data: { status: NotificationStatus.pending },
    });
    return count === 0 ? null : id;
  }

  find(id: string): Promise<Notification | null> {
    return this.prisma.notification.findUnique({ where: { id } });
  }

  /** Newest first, keyset-paginated on (createdAt, id). */
  async list(filter: NotificationFilter, limit: number, after?: { createdAt: Date; id: string }): Promise<NotificationPage> {
    const where: Prisma.NotificationWhereInput = { status: filter.status, type: filter.type };
    if (after) where.OR = [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }];
    const rows = await this.prisma.notification.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit + 1 });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items, next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null };
  }
}
