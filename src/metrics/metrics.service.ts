import { Injectable } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { ApplyResult } from '../bookings/booking-store.repository';
import { JobName } from '../queue/queue.constants';

export type WebhookKind = 'booking' | 'listing';
export type WebhookRejection = 'validation' | 'auth' | 'media_type' | 'size' | 'malformed_json' | 'other';
export type JobOutcome = 'completed' | 'retry' | 'failed';
export type EventFailure = 'permanent' | 'exhausted' | 'stalled';

const JOB_NAMES = new Set<string>(Object.values(JobName));
/** Job names come from Redis: anything not ours is one label value, not a new series per name. */
const jobLabel = (name: string) => (JOB_NAMES.has(name) ? name : 'unknown');

/**
 * The process's Prometheus registry and every metric plumline records. A registry per instance
 * (not prom-client's global one), so several apps in one process (the tests) do not collide.
 * Counters start at zero for their known label values, so a rate() has a series before the first event.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly webhooksReceived = new Counter({
    name: 'plumline_webhooks_received_total',
    help: 'Webhooks acknowledged with 200: new events and duplicates',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly webhooksDuplicate = new Counter({
    name: 'plumline_webhooks_duplicate_total',
    help: 'Webhooks whose eventId was already stored (acknowledged, nothing enqueued)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly webhooksRejected = new Counter({
    name: 'plumline_webhooks_rejected_total',
    help: 'Webhooks answered 4xx, by reason; nothing was stored',
    labelNames: ['kind', 'reason'] as const,
    registers: [this.registry],
  });

  readonly webhookAckDuration = new Histogram({
    name: 'plumline_webhook_ack_duration_seconds',
    help: 'Time from receiving a webhook request to sending its answer',
    labelNames: ['kind', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'plumline_job_duration_seconds',
    help: 'Time one attempt of a queue job took, by job name and outcome (completed, retry, failed)',
    labelNames: ['job', 'outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
    registers: [this.registry],
  });

  readonly jobRetries = new Counter({
    name: 'plumline_job_retries_total',
    help: 'Job attempts that failed and were scheduled to run again with backoff',
    labelNames: ['job'] as const,
    registers: [this.registry],
  });

  readonly eventsFailed = new Counter({
    name: 'plumline_events_failed_total',
    help: 'Webhook events marked failed for good (replayable), by reason',
    labelNames: ['job', 'reason'] as const,
    registers: [this.registry],
  });

  readonly upstreamRequests = new Counter({
    name: 'plumline_upstream_requests_total',
    help: 'Requests to the Plum API by method, path template and status (timeout or network_error when none came back)',
    labelNames: ['method', 'path', 'status'] as const,
    registers: [this.registry],
  });

  readonly upstreamDuration = new Histogram({
    name: 'plumline_upstream_request_duration_seconds',
    help: 'Time to the response headers of a request to the Plum API',
    labelNames: ['method', 'path'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly bookingSyncs = new Counter({
    name: 'plumline_booking_syncs_total',
    help: 'Bookings fetched and applied, by what caused it (event, reconcile, manual) and outcome (applied, stale)',
    labelNames: ['source', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly conflicts = new Counter({
    name: 'plumline_booking_conflicts_total',
    help: 'Double bookings recorded: a booking whose dates overlap a confirmed one on the same listing',
    registers: [this.registry],
  });

  readonly reconcileCorrections = new Counter({
    name: 'plumline_reconcile_corrections_total',
    help: 'Reservations the reconciler found out of step with Plum and corrected (a missed or failed webhook)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    for (const kind of ['booking', 'listing'] as const) {
      this.webhooksReceived.inc({ kind }, 0);
      this.webhooksDuplicate.inc({ kind }, 0);
    }
    this.conflicts.inc(0);
    this.reconcileCorrections.inc(0);
  }

  webhookAcknowledged(kind: WebhookKind, outcome: 'accepted' | 'duplicate'): void {
    this.webhooksReceived.inc({ kind });
    if (outcome === 'duplicate') this.webhooksDuplicate.inc({ kind });
  }

  /** Runs one attempt of a job, recording its duration and whether BullMQ will retry it. */
  async timeJob<T>(job: Job, work: () => Promise<T>): Promise<T> {
    const name = jobLabel(job.name);
    const end = this.jobDuration.startTimer({ job: name });
    try {
      const result = await work();
      end({ outcome: 'completed' });
      return result;
    } catch (error) {
      const final = error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      end({ outcome: final ? 'failed' : 'retry' });
      if (!final) this.jobRetries.inc({ job: name });
      throw error;
    }
  }

  eventFailed(jobName: string, reason: EventFailure): void {
    this.eventsFailed.inc({ job: jobLabel(jobName), reason });
  }

  /** `path` must already be a template (`/v2/bookings/:code`): a raw booking code would be a series per booking. */
  upstreamRequest(method: string, path: string, status: number | 'timeout' | 'network_error', seconds: number): void {
    this.upstreamRequests.inc({ method, path, status: String(status) });
    this.upstreamDuration.observe({ method, path }, seconds);
  }

  bookingSynced(source: string, result: ApplyResult): void {
    this.bookingSyncs.inc({ source, outcome: result.outcome });
    if (result.outcome !== 'applied') return;
    if (result.newConflicts.length > 0) this.conflicts.inc(result.newConflicts.length);
    if (source === 'reconcile' && result.changed) this.reconcileCorrections.inc();
  }

  /** The exposition text of every metric, queue depths read from Redis at this moment included. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
