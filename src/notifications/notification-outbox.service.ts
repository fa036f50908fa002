import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { Reservation } from '../generated/prisma/client';
import { ReservationResponseDto } from '../reservations/dto/reservation-response.dto';
import { bookingNotifications, BookingTransition, eventFailedDedupeKey, expiringDedupeKey, registrationFailedDedupeKey } from './notification-transitions';
import { Db, NewNotification, NotificationRepository } from './notification.repository';
import { NotificationQueueService } from './notification-queue.service';
import { NotificationType, ReservationJson } from './notification.types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The ids a Plum event job carries; validated here, since the processor hands over its raw job data. */
interface EventJobFields {
  bookingCode?: unknown;
  listingId?: unknown;
}

const toJson = (reservation: Reservation): ReservationJson => ({ ...ReservationResponseDto.fromRecord(reservation) });

/**
 * The outbox: records notifications durably, in the transaction that makes the change where there is
 * one, then hands them to the delivery queue. Recording is what must not be lost; the hand-over may
 * fail (Redis away) and is then done by the relay, which enqueues every row still `pending`.
 */
@Injectable()
export class NotificationOutboxService {
  private readonly logger = new Logger(NotificationOutboxService.name);

  constructor(
    private readonly repository: NotificationRepository,
    private readonly queue: NotificationQueueService,
  ) {}

  /**
   * Runs inside BookingStoreRepository.apply's transaction (its after-apply hook): writes what this
   * change tells the host, or nothing. Returns the ids to deliver once the transaction has committed.
   */
  async recordBookingChange(tx: Db, transition: BookingTransition): Promise<string[]> {
    const planned = bookingNotifications(transition);
    if (planned.length === 0) return [];
    const stored = await this.repository.findReservation(transition.bookingCode, tx);
    const reservation = stored && toJson(stored);
    const occurredAt = new Date();
    return this.repository.insert(
      planned.map((p) => ({
        id: randomUUID(),
        type: p.type,
        dedupeKey: p.dedupeKey,
        bookingCode: transition.bookingCode,
        listingId: transition.current.listingId,
        data: { reservation, ...p.data },
        occurredAt,
      })),
      tx,
    );
  }

  /** Reminders for requests whose deadline is near; the dedupe key keeps it to one per deadline across replicas. */
  async recordExpiringRequests(requests: Reservation[]): Promise<string[]> {
    const occurredAt = new Date();
    const rows: NewNotification[] = requests
      .filter((r): r is Reservation & { respondBy: Date } => r.respondBy !== null)
      .map((r) => ({
        id: randomUUID(),
        type: NotificationType.BookingRequestExpiring,
        dedupeKey: expiringDedupeKey(r.bookingCode, r.respondBy),
        bookingCode: r.bookingCode,
        listingId: r.listingId,
        data: { reservation: toJson(r), respondBy: r.respondBy.toISOString() },
        occurredAt,
      }));
    return this.repository.insert(rows);
  }

  /**
   * An event that failed for good. Recorded before the event is marked failed, so a crash in between
   * re-runs the job and records it again, which the dedupe key turns into nothing. Errors propagate:
   * the job is then retried rather than the notification lost.
   */
  async recordEventFailed(eventId: string, job: EventJobFields, attempts: number, error: string): Promise<void> {
    if (!UUID.test(eventId)) return;
    const bookingCode = typeof job.bookingCode === 'string' ? job.bookingCode : null;
    const listingId = typeof job.listingId === 'number' && Number.isSafeInteger(job.listingId) ? job.listingId : null;
    const stored = bookingCode ? await this.repository.findReservation(bookingCode) : null;
    const ids = await this.repository.insert([
      {
        id: randomUUID(),
        type: NotificationType.EventFailed,
        dedupeKey: eventFailedDedupeKey(eventId),
        bookingCode,
        listingId: listingId ?? stored?.listingId ?? null,
        data: { reservation: stored && toJson(stored), event: { eventId, bookingCode, listingId, attempts, error } },
        occurredAt: new Date(),
      },
    ]);
    await this.dispatch(ids);
  }

  /**
   * The webhook registration's sync failed. Called on every failed attempt; only the first of a
   * failure episode (since the last time it was in step) writes a row.
   */
  async recordRegistrationFailed(error: string): Promise<void> {
    const lastSyncedAt = await this.repository.lastRegistrationSync();
    const ids = await this.repository.insert([
      {
        id: randomUUID(),
        type: NotificationType.RegistrationFailed,
        dedupeKey: registrationFailedDedupeKey(lastSyncedAt),
        bookingCode: null,
        listingId: null,
        data: { reservation: null, registration: { error, lastSyncedAt: lastSyncedAt?.toISOString() ?? null } },
        occurredAt: new Date(),
      },
    ]);
    await this.dispatch(ids);
  }

  /** Best effort, after commit: what does not reach Redis now, the relay enqueues later. Never throws. */
  async dispatch(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await this.queue.enqueue(ids);
      await this.repository.markQueued(ids);
    } catch (error) {
      this.logger.warn(`${ids.length} notification(s) recorded but not queued yet (${error instanceof Error ? error.message : String(error)}); the relay will queue them`);
    }
  }
}
