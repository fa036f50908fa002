import { Injectable } from '@nestjs/common';
import { Prisma, WebhookEvent, WebhookEventStatus } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';

export type EventKind = 'booking' | 'listing';

export interface NewWebhookEvent {
  eventId: string;
  kind: EventKind;
  bookingCode: string | null;
  listingId: number | null;
  eventTimestamp: Date;
  payload: Record<string, unknown>;
}

/** What the queue needs to (re-)enqueue an event. */
export type QueueableEvent = Pick<WebhookEvent, 'eventId' | 'kind' | 'bookingCode' | 'listingId' | 'attempts' | 'status'>;

export interface EventPage {
  items: WebhookEvent[];
  next: { receivedAt: Date; eventId: string } | null;
}

const QUEUEABLE = { eventId: true, kind: true, bookingCode: true, listingId: true, attempts: true, status: true } as const;

@Injectable()
export class WebhookEventRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Inserts a batch in one statement; an eventId already stored (or repeated within the batch) is
   * skipped by the primary key. Returns the ids this call inserted.
   */
  async insertNew(events: NewWebhookEvent[]): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    // Straight through pg: this is the webhook hot path (see PrismaService.pool).
    const { rows } = await this.prisma.pool.query<{ event_id: string }>(
      `INSERT INTO webhook_events (event_id, kind, booking_code, listing_id, event_timestamp, payload)
       SELECT * FROM unnest($1::uuid[], $2::webhook_event_kind[], $3::varchar[], $4::int[], $5::timestamptz[], $6::jsonb[])
       ON CONFLICT (event_id) DO NOTHING
       RETURNING event_id`,
      [
        events.map((e) => e.eventId),
        events.map((e) => e.kind),
        events.map((e) => e.bookingCode),
        events.map((e) => e.listingId),
        events.map((e) => e.eventTimestamp.toISOString()),
        events.map((e) => JSON.stringify(e.payload)),
      ],
    );
    return new Set(rows.map((r) => r.event_id));
  }

  /** received → queued, once the job is in Redis; never moves an event that a worker already took. */
  async markQueued(eventIds: string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await this.prisma.pool.query(`UPDATE webhook_events SET status = 'queued', updated_at = now() WHERE event_id = ANY($1::uuid[]) AND status = 'received'`, [
      eventIds,
    ]);
  }

  /** Events acknowledged but never enqueued (Redis was down), oldest first. */
  async findUnqueued(receivedBefore: Date, limit: number): Promise<QueueableEvent[]> {
    return this.prisma.webhookEvent.findMany({
      where: { status: WebhookEventStatus.received, receivedAt: { lt: receivedBefore } },
      orderBy: { receivedAt: 'asc' },
      take: limit,
      select: QUEUEABLE,
    });
  }

  /**
   * Events not finished yet (received, queued, processing), in keyset pages: after Redis comes back
   * empty, their jobs may be gone, and these are the ones to add again.
   */
  async findUnfinished(after: { receivedAt: Date; eventId: string } | null, limit: number): Promise<(QueueableEvent & { receivedAt: Date })[]> {
    const where: Prisma.WebhookEventWhereInput = { status: { in: [WebhookEventStatus.received, WebhookEventStatus.queued, WebhookEventStatus.processing] } };
    if (after) where.OR = [{ receivedAt: { gt: after.receivedAt } }, { receivedAt: after.receivedAt, eventId: { gt: after.eventId } }];
    return this.prisma.webhookEvent.findMany({
      where,
      orderBy: [{ receivedAt: 'asc' }, { eventId: 'asc' }],
      take: limit,
      select: { ...QUEUEABLE, receivedAt: true },
    });
  }

  /** Queued or in-progress events nothing has touched for a while: their job may have been lost. */
  async findStale(untouchedSince: Date, limit: number): Promise<QueueableEvent[]> {
    return this.prisma.webhookEvent.findMany({
      where: { status: { in: [WebhookEventStatus.queued, WebhookEventStatus.processing] }, updatedAt: { lt: untouchedSince } },
      orderBy: { updatedAt: 'asc' },
      take: limit,
      select: QUEUEABLE,
    });
  }

  /** Marks an attempt as started; returns the event's own timestamp (null when the row is gone or had none). */
  async markProcessing(eventId: string): Promise<Date | null> {
    const rows = await this.prisma.$queryRaw<{ event_timestamp: Date | null }[]>`
      UPDATE webhook_events SET status = 'processing', attempts = attempts + 1, updated_at = now()
      WHERE event_id = ${eventId}::uuid RETURNING event_timestamp`;
    return rows[0]?.event_timestamp ?? null;
  }

  async markProcessed(eventId: string): Promise<void> {
    await this.prisma.webhookEvent.updateMany({
      where: { eventId },
      data: { status: WebhookEventStatus.processed, processedAt: new Date(), lastError: null },
    });
  }

  /** A failed attempt that will be retried: back in the queue, with the reason. */
  async markRetrying(eventId: string, error: string): Promise<void> {
    await this.prisma.webhookEvent.updateMany({
      where: { eventId },
      data: { status: WebhookEventStatus.queued, lastError: error },
    });
  }

  async markFailed(eventId: string, error: string): Promise<void> {
    await this.prisma.webhookEvent.updateMany({
      where: { eventId },
      data: { status: WebhookEventStatus.failed, lastError: error, processedAt: new Date() },
    });
  }

  /**
   * Claims a processed or failed event for replay, back to `received` so the relay enqueues it if
   * Redis does not take it now. Null when it is unknown or still in flight.
   */
  async claimForReplay(eventId: string): Promise<QueueableEvent | null> {
    const rows = await this.prisma.$queryRaw<{ event_id: string; kind: EventKind; booking_code: string | null; listing_id: number | null; attempts: number }[]>`
      UPDATE webhook_events SET status = 'received', processed_at = NULL, updated_at = now()
      WHERE event_id = ${eventId}::uuid AND status IN ('processed', 'failed')
      RETURNING event_id, kind, booking_code, listing_id, attempts`;
    const row = rows[0];
    return row
      ? { eventId: row.event_id, kind: row.kind, bookingCode: row.booking_code, listingId: row.listing_id, attempts: row.attempts, status: WebhookEventStatus.received }
      : null;
  }

  async find(eventId: string): Promise<WebhookEvent | null> {
    return this.prisma.webhookEvent.findUnique({ where: { eventId } });
  }

  /** Newest first, keyset-paginated on (receivedAt, eventId). */
  async list(filter: { status?: WebhookEventStatus; bookingCode?: string }, limit: number, after?: { receivedAt: Date; eventId: string }): Promise<EventPage> {
    const where: Prisma.WebhookEventWhereInput = { status: filter.status, bookingCode: filter.bookingCode };
    if (after) {
      where.OR = [{ receivedAt: { lt: after.receivedAt } }, { receivedAt: after.receivedAt, eventId: { lt: after.eventId } }];
    }
    const rows = await this.prisma.webhookEvent.findMany({
      where,
      orderBy: [{ receivedAt: 'desc' }, { eventId: 'desc' }],
      take: limit + 1,
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items, next: rows.length > limit && last ? { receivedAt: last.receivedAt, eventId: last.eventId } : null };
  }

  async countByStatus(): Promise<Record<WebhookEventStatus, number>> {
    const groups = await this.prisma.webhookEvent.groupBy({ by: ['status'], _count: { _all: true } });
    const counts = Object.fromEntries(Object.values(WebhookEventStatus).map((s) => [s, 0])) as Record<WebhookEventStatus, number>;
    for (const g of groups) counts[g.status] = g._count._all;
    return counts;
  }

  /** Deletes up to `limit` processed events older than `before`; returns how many. */
  async pruneProcessed(before: Date, limit: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM webhook_events WHERE event_id IN (
        SELECT event_id FROM webhook_events
        WHERE status = 'processed' AND received_at < ${before}
        ORDER BY received_at LIMIT ${limit})`;
  }
}
