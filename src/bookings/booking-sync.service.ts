import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Environment } from '../config/environment';
import { MetricsService } from '../metrics/metrics.service';
import { NotificationOutboxService } from '../notifications/notification-outbox.service';
import { PlumClient } from '../plum/plum.client';
import { PlumBooking } from '../plum/plum.types';
import { blockPlanFor, respondByFor, snapshotOf } from './booking-plan';
import { ApplyResult, BookingStoreRepository } from './booking-store.repository';

export type SyncSource = 'event' | 'reconcile' | 'manual';

export interface SyncResult {
  bookingCode: string;
  source: SyncSource;
  booking: PlumBooking;
  result: ApplyResult;
}

/** Fetches a booking's current state from Plum and applies it: the one path for events, reconciliation and manual syncs. */
@Injectable()
export class BookingSyncService {
  private readonly logger = new Logger(BookingSyncService.name);
  private readonly holdRequests: boolean;

  constructor(
    private readonly plum: PlumClient,
    private readonly store: BookingStoreRepository,
    config: ConfigService<Environment, true>,
    private readonly notifications: NotificationOutboxService,
    private readonly metrics: MetricsService,
  ) {
    this.holdRequests = config.get('HOLD_REQUESTS', { infer: true });
  }

  /** `eventAt` is the webhook's timestamp when an event caused this sync. */
  async syncBooking(bookingCode: string, source: SyncSource, eventAt: Date | null = null): Promise<SyncResult> {
    // The fetch's start time is the version of an answer without updatedAt: any answer fetched later is at least as fresh.
    const fetchStartedAt = new Date();
    const booking = await this.plum.getBooking(bookingCode);
    const snapshot = snapshotOf(booking, fetchStartedAt);
    // What the change tells the host is written in the same transaction (the outbox): a crash after the commit cannot lose it.
    const notificationIds: string[] = [];
    const result = await this.store.apply(
      snapshot,
      eventAt,
      (stored) => {
        const now = new Date();
        const respondBy = respondByFor(snapshot, stored, eventAt && eventAt < now ? eventAt : now);
        return { respondBy, block: blockPlanFor(snapshot.status, respondBy, this.holdRequests, now) };
      },
      async (tx, applied) => {
        notificationIds.push(...(await this.notifications.recordBookingChange(tx, { bookingCode, ...applied })));
      },
    );
    await this.notifications.dispatch(notificationIds);
    this.report(bookingCode, source, result);
    this.metrics.bookingSynced(source, result);
    return { bookingCode, source, booking, result };
  }

  private report(bookingCode: string, source: SyncSource, result: ApplyResult): void {
    if (result.outcome === 'stale') {
      this.logger.debug(`${bookingCode}: ${source} fetched an older state than the one stored; dropped`);
      return;
    }
    if (result.newConflicts.length > 0) {
      this.logger.warn(
        `Double booking on listing ${result.current.listingId}: ${bookingCode} (${result.current.checkIn} to ${result.current.checkOut}) overlaps ${result.newConflicts.join(', ')}; reservation kept, dates not blocked`,
      );
    }
    if (result.healed.length > 0) this.logger.log(`${result.healed.join(', ')} now hold their dates: ${bookingCode} no longer overlaps them`);
    if (result.changed) {
      const from = result.previous ? `${result.previous.status} ${result.previous.checkIn}..${result.previous.checkOut}` : 'new';
      this.logger.log(`${bookingCode}: ${from} -> ${result.current.status} ${result.current.checkIn}..${result.current.checkOut} (${source}, block: ${result.block})`);
    }
  }
}
