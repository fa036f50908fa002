import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Job, UnrecoverableError } from 'bullmq';
import { Environment } from '../config/environment';
import { MetricsService } from '../metrics/metrics.service';
import { NotificationOutboxService } from '../notifications/notification-outbox.service';
import { PlumError } from '../plum/plum.errors';
import { BOOKING_CODE_PATTERN } from '../plum/plum.types';
import { BookingEventJob, JobName, ListingEventJob, QueueName, SyncBookingJob } from '../queue/queue.constants';
import { WebhookEventRepository } from '../webhooks/webhook-event.repository';
import { BookingSyncService } from './booking-sync.service';
import { ListingSyncService } from './listing-sync.service';
import { ReconcileService } from './reconcile.service';
import { retryBackoff } from './retry-backoff';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Job payloads do not pass through the HTTP validation pipe: check what the handlers rely on. */
class InvalidJobError extends UnrecoverableError {}

function bookingEventData(data: unknown): BookingEventJob {
  const d = data as Partial<BookingEventJob>;
  if (typeof d?.eventId !== 'string' || !UUID.test(d.eventId)) throw new InvalidJobError('Job has no valid eventId');
  if (typeof d.bookingCode !== 'string' || !BOOKING_CODE_PATTERN.test(d.bookingCode)) throw new InvalidJobError('Job has no valid bookingCode');
  return { eventId: d.eventId, bookingCode: d.bookingCode };
}

function listingEventData(data: unknown): ListingEventJob {
  const d = data as Partial<ListingEventJob>;
  if (typeof d?.eventId !== 'string' || !UUID.test(d.eventId)) throw new InvalidJobError('Job has no valid eventId');
  if (typeof d.listingId !== 'number' || !Number.isSafeInteger(d.listingId)) throw new InvalidJobError('Job has no valid listingId');
  return { eventId: d.eventId, listingId: d.listingId };
}

function syncData(data: unknown): SyncBookingJob {
  const d = data as Partial<SyncBookingJob>;
  if (typeof d?.bookingCode !== 'string' || !BOOKING_CODE_PATTERN.test(d.bookingCode)) throw new InvalidJobError('Job has no valid bookingCode');
  return { bookingCode: d.bookingCode };
}

/**
 * Takes Plum events off the queue: fetch the current state, apply it, record how it went. Transient
 * failures are thrown so BullMQ retries them with backoff; permanent ones fail the event at once.
 * A crashed worker's job is picked up again by BullMQ's stalled-job check (maxStalledCount allows
 * several crashes before a job is given up), and applying is idempotent, so re-running is safe.
 */
@Processor(QueueName.Events, { maxStalledCount: 5, settings: { backoffStrategy: retryBackoff } })
export class PlumEventProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(PlumEventProcessor.name);

  constructor(
    private readonly config: ConfigService<Environment, true>,
    private readonly events: WebhookEventRepository,
    private readonly bookings: BookingSyncService,
    private readonly listings: ListingSyncService,
    private readonly reconciler: ReconcileService,
    private readonly notifications: NotificationOutboxService,
    private readonly metrics: MetricsService,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.get('WORKER_CONCURRENCY', { infer: true });
  }

  process(job: Job<unknown, unknown, string>): Promise<unknown> {
    return this.metrics.timeJob(job, () => this.handle(job));
  }

  private async handle(job: Job<unknown, unknown, string>): Promise<unknown> {
    switch (job.name) {
      case JobName.BookingEvent:
        return this.handleBookingEvent(job);
      case JobName.ListingEvent:
        return this.handleListingEvent(job);
      case JobName.SyncBooking:
        return this.handleSyncBooking(job);
      case JobName.Reconcile:
        return this.reconciler.sweep(job);
      default:
        throw new InvalidJobError(`Unknown job ${job.name}`);
    }
  }

  private async handleBookingEvent(job: Job<unknown, unknown, string>) {
    const { eventId, bookingCode } = bookingEventData(job.data);
    return this.recordingOutcome(job, eventId, async (eventAt) => {
      const { result } = await this.bookings.syncBooking(bookingCode, 'event', eventAt);
      return { outcome: result.outcome, ...(result.outcome === 'applied' ? { status: result.current.status, block: result.block } : {}) };
    });
  }

  private async handleListingEvent(job: Job<unknown, unknown, string>) {
    const { eventId, listingId } = listingEventData(job.data);
    return this.recordingOutcome(job, eventId, async () => {
      await this.listings.syncListing(listingId);
      return { outcome: 'applied' };
    });
  }

  private async handleSyncBooking(job: Job<unknown, unknown, string>) {
    const { bookingCode } = syncData(job.data);
    try {
      const { result } = await this.bookings.syncBooking(bookingCode, 'manual');
      return { outcome: result.outcome };
    } catch (error) {
      throw error instanceof PlumError && !error.transient ? new UnrecoverableError(error.message) : error;
    }
  }

  /** Runs one event's work between `processing` and `processed`, or records why it failed. */
  private async recordingOutcome<T>(job: Job, eventId: string, work: (eventAt: Date | null) => Promise<T>): Promise<T> {
    const eventAt = await this.events.markProcessing(eventId);
    try {
      const result = await work(eventAt);
      await this.events.markProcessed(eventId);
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const permanent = error instanceof PlumError ? !error.transient : error instanceof UnrecoverableError;
      const exhausted = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (permanent || exhausted) {
        await this.notifications.recordEventFailed(eventId, job.data, job.attemptsMade + 1, message);
        await this.events.markFailed(eventId, message);
        this.metrics.eventFailed(job.name, permanent ? 'permanent' : 'exhausted');
        this.logger.error(`Event ${eventId} failed for good after ${job.attemptsMade + 1} attempt(s): ${message}`);
        throw permanent ? new UnrecoverableError(message) : error;
      }
      await this.events.markRetrying(eventId, message);
      this.logger.warn(`Event ${eventId} attempt ${job.attemptsMade + 1} failed, will retry: ${message}`);
      throw error;
    }
  }

  /** A job given up by BullMQ itself (stalled too often) still leaves its event visibly failed. */
  @OnWorkerEvent('failed')
  async onFailed(job: Job | undefined, error: Error): Promise<void> {
    if (!job || !/stalled/i.test(error.message)) return;
    const eventId = (job.data as Partial<BookingEventJob>).eventId;
    if (typeof eventId !== 'string' || !UUID.test(eventId)) return;
    this.metrics.eventFailed(job.name, 'stalled');
    await this.notifications
      .recordEventFailed(eventId, job.data, job.attemptsMade, error.message)
      .catch((e: unknown) => this.logger.warn(`Could not record the failure notification of event ${eventId}: ${String(e)}`));
    await this.events.markFailed(eventId, error.message).catch(() => undefined);
  }
}
