import * as http from 'node:http';
import * as https from 'node:https';
import { Rng } from './random';
import type { DeliveryKnobs, DeliveryLogEntry, DeliveryStats, EventKind, SandboxEvent } from './types';
import { asObject, onlyKeys, optBoolean, optNumber } from './validate';

export interface DeliveryDefaults {
  timeoutMs: number;
  retryBaseMs: number;
  maxAttempts: number;
}

export function defaultDeliveryKnobs(defaults: DeliveryDefaults): DeliveryKnobs {
  return {
    duplicateRate: 0,
    maxDuplicates: 2,
    delayMs: 0,
    jitterMs: 0,
    reorder: false,
    reorderWindowMs: 100,
    paused: false,
    concurrency: 10,
    ...defaults,
  };
}

const KNOB_KEYS: readonly (keyof DeliveryKnobs)[] = Object.keys(defaultDeliveryKnobs({ timeoutMs: 0, retryBaseMs: 0, maxAttempts: 0 })) as (keyof DeliveryKnobs)[];

/** One copy of one event on its way to one URL; retries reuse it. */
interface Job {
  deliveryId: number;
  event: SandboxEvent;
  /** The URL of the latest attempt. */
  url: string;
  copy: number;
  /** Attempts made so far. */
  attempt: number;
  dueAt: number;
  /** Tie-break for equal dueAt: first queued, first sent. */
  order: number;
}

interface InFlight {
  job: Job;
  cancel: () => void;
}

interface AttemptResult {
  status: number | null;
  error: string | null;
}

export interface DelivererDeps {
  rng: Rng;
  log: (line: string) => void;
  onAttempt: (entry: Omit<DeliveryLogEntry, 'seq'>) => void;
  /**
   * The endpoint for this kind of event right now, or null when the configuration is inactive or gone.
   * Asked before every attempt, so a retry follows a re-registered URL and a switched-off configuration
   * stops its pending deliveries.
   */
  endpointFor: (kind: EventKind) => string | null;
  /** Called whenever the queue may have become idle. */
  onSettled: () => void;
}

/**
 * Sends webhooks the way a real sender does: at least once, retried with exponential backoff on a
 * non-2xx answer, a network error or a timeout, and, on demand, duplicated, delayed, reordered or held.
 */
export class Deliverer {
  private knobs: DeliveryKnobs;
  /** Sorted by (dueAt, order), so the due jobs are always a prefix. */
  private pending: Job[] = [];
  private readonly inFlight = new Set<InFlight>();
  private timer: NodeJS.Timeout | null = null;
  private nextDeliveryId = 1;
  private nextOrder = 1;
  private closed = false;
  private counters = zeroCounters();
  /** Copies queued per event, so on-demand redeliveries get the next copy number. */
  private readonly copiesOf = new Map<string, number>();
  private readonly httpAgent = new http.Agent({ keepAlive: true });
  private readonly httpsAgent = new https.Agent({ keepAlive: true });

  constructor(
    private readonly defaults: DeliveryKnobs,
    private readonly deps: DelivererDeps,
  ) {
    this.knobs = { ...defaults };
  }

  reseed(rng: Rng): void {
    this.deps.rng = rng;
  }

  current(): DeliveryKnobs {
    return { ...this.knobs };
  }

  set(input: unknown): DeliveryKnobs {
    const body = asObject(input, 'delivery');
    onlyKeys(body, KNOB_KEYS, 'delivery');
    const ms = (key: keyof DeliveryKnobs) => optNumber(body, key, { integer: true, min: 0 });
    const next: DeliveryKnobs = { ...this.knobs };
    next.duplicateRate = optNumber(body, 'duplicateRate', { min: 0, max: 1 }) ?? next.duplicateRate;
    next.maxDuplicates = optNumber(body, 'maxDuplicates', { integer: true, min: 0, max: 100 }) ?? next.maxDuplicates;
    next.delayMs = ms('delayMs') ?? next.delayMs;
    next.jitterMs = ms('jitterMs') ?? next.jitterMs;
    next.reorder = optBoolean(body, 'reorder') ?? next.reorder;
    next.reorderWindowMs = ms('reorderWindowMs') ?? next.reorderWindowMs;
    next.paused = optBoolean(body, 'paused') ?? next.paused;
    next.concurrency = optNumber(body, 'concurrency', { integer: true, min: 1, max: 1000 }) ?? next.concurrency;
    next.timeoutMs = optNumber(body, 'timeoutMs', { integer: true, min: 1 }) ?? next.timeoutMs;
    next.retryBaseMs = ms('retryBaseMs') ?? next.retryBaseMs;
    next.maxAttempts = optNumber(body, 'maxAttempts', { integer: true, min: 1 }) ?? next.maxAttempts;
    this.knobs = next;
    this.pump();
    return this.current();
  }

  /** Queues an event's original and its random duplicates; returns how many copies. */
  enqueue(event: SandboxEvent): number {
    this.counters.events++;
    let copies = 1;
    while (copies - 1 < this.knobs.maxDuplicates && this.deps.rng.chance(this.knobs.duplicateRate)) copies++;
    for (let copy = 0; copy < copies; copy++) this.queueCopy(event);
    this.pump();
    return copies;
  }

  /** One more copy of an event, on demand. */
  redeliver(event: SandboxEvent): void {
    this.queueCopy(event);
    this.pump();
  }

  stats(): DeliveryStats {
    return { ...this.counters, pending: this.pending.length, inFlight: this.inFlight.size };
  }

  isIdle(): boolean {
    return this.pending.length === 0 && this.inFlight.size === 0;
  }

  /** Drops everything queued, cancels what is in flight (their results are ignored) and restores the start knobs. */
  reset(): void {
    this.pending = [];
    this.cancelInFlight();
    this.clearTimer();
    this.counters = zeroCounters();
    this.copiesOf.clear();
    this.knobs = { ...this.defaults };
    this.deps.onSettled();
  }

  close(): void {
    this.closed = true;
    this.pending = [];
    this.cancelInFlight();
    this.clearTimer();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private queueCopy(event: SandboxEvent): void {
    const copy = this.copiesOf.get(event.eventId) ?? 0;
    this.copiesOf.set(event.eventId, copy + 1);
    const { delayMs, jitterMs, reorder, reorderWindowMs } = this.knobs;
    let wait = delayMs;
    if (jitterMs > 0) wait += this.deps.rng.int(0, jitterMs);
    if (reorder && reorderWindowMs > 0) wait += this.deps.rng.int(0, reorderWindowMs);
    this.counters.copies++;
    if (copy > 0) this.counters.duplicates++;
    this.insert({ deliveryId: this.nextDeliveryId++, event, url: '', copy, attempt: 0, dueAt: Date.now() + wait, order: this.nextOrder++ });
  }

  private insert(job: Job): void {
    let lo = 0;
    let hi = this.pending.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = this.pending[mid] as Job;
      if (other.dueAt < job.dueAt || (other.dueAt === job.dueAt && other.order < job.order)) lo = mid + 1;
      else hi = mid;
    }
    this.pending.splice(lo, 0, job);
  }

  private dueCount(now: number): number {
    let lo = 0;
    let hi = this.pending.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.pending[mid] as Job).dueAt <= now) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private pump(): void {
    if (this.closed) return;
    this.clearTimer();
    if (this.knobs.paused) return;
    const now = Date.now();
    while (this.inFlight.size < this.knobs.concurrency) {
      const due = this.dueCount(now);
      if (due === 0) break;
      const index = this.knobs.reorder ? this.deps.rng.int(0, due - 1) : 0;
      const [job] = this.pending.splice(index, 1);
      this.start(job as Job);
    }
    // A full house is pumped again when an attempt finishes; otherwise wake for the next due job.
    const next = this.pending[0];
    if (next && this.inFlight.size < this.knobs.concurrency) {
      this.timer = setTimeout(() => this.pump(), Math.max(0, next.dueAt - now));
    }
  }

  private start(job: Job): void {
    const url = this.deps.endpointFor(job.event.kind);
    if (url === null) {
      this.counters.givenUp++;
      this.deps.log(`webhook ${job.event.eventId} dropped: the webhook configuration is inactive or has no ${job.event.kind} endpoint`);
      this.deps.onSettled();
      return;
    }
    job.attempt++;
    job.url = url;
    const startedAt = Date.now();
    const { promise, cancel } = this.post(job.url, JSON.stringify(job.event.payload), this.knobs.timeoutMs);
    const flight: InFlight = { job, cancel };
    this.inFlight.add(flight);
    void promise.then((result) => this.finish(flight, startedAt, result));
  }

  private finish(flight: InFlight, startedAt: number, result: AttemptResult): void {
    if (!this.inFlight.delete(flight) || this.closed) return;
    const { job } = flight;
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    this.counters.attempts++;
    if (ok) this.counters.succeeded++;
    else this.counters.failedAttempts++;
    const retry = !ok && job.attempt < this.knobs.maxAttempts;
    const outcome = result.status ?? result.error;
    this.deps.log(
      `webhook ${job.event.type} ${job.event.eventId} -> ${redact(job.url)} ${outcome} (attempt ${job.attempt}${job.copy ? `, copy ${job.copy}` : ''})` +
        (retry ? `, retry in ${this.backoff(job.attempt)} ms` : ''),
    );
    this.deps.onAttempt({
      deliveryId: job.deliveryId,
      eventId: job.event.eventId,
      kind: job.event.kind,
      bookingCode: job.event.bookingCode,
      listingId: job.event.listingId,
      url: job.url,
      attempt: job.attempt,
      copy: job.copy,
      status: result.status,
      error: result.error,
      ok,
      at: new Date(startedAt).toISOString(),
      durationMs: Date.now() - startedAt,
    });
    if (retry) {
      job.dueAt = Date.now() + this.backoff(job.attempt);
      this.insert(job);
    } else if (!ok) {
      this.counters.givenUp++;
    }
    this.pump();
    this.deps.onSettled();
  }

  private backoff(attemptsMade: number): number {
    return this.knobs.retryBaseMs * 2 ** (attemptsMade - 1);
  }

  private post(url: string, body: string, timeoutMs: number): { promise: Promise<AttemptResult>; cancel: () => void } {
    let settle: (result: AttemptResult) => void = () => undefined;
    const promise = new Promise<AttemptResult>((resolve) => (settle = resolve));
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      settle({ status: null, error: 'invalid URL' });
      return { promise, cancel: () => undefined };
    }
    const secure = target.protocol === 'https:';
    if (!secure && target.protocol !== 'http:') {
      settle({ status: null, error: `unsupported protocol ${target.protocol}` });
      return { promise, cancel: () => undefined };
    }
    let done = false;
    const request = (secure ? https : http).request(target, {
      method: 'POST',
      agent: secure ? this.httpsAgent : this.httpAgent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'plum-sandbox-webhooks/1' },
    });
    const finish = (result: AttemptResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      settle(result);
    };
    // Plum wants an answer within the timeout; the status line is the answer, the body is drained.
    const timer = setTimeout(() => {
      finish({ status: null, error: `timeout after ${timeoutMs} ms` });
      request.destroy();
    }, timeoutMs);
    request.on('response', (response) => {
      response.resume();
      response.on('error', () => undefined);
      finish({ status: response.statusCode ?? null, error: null });
    });
    request.on('error', (error: NodeJS.ErrnoException) => finish({ status: null, error: error.code ?? error.message }));
    request.end(body);
    return {
      promise,
      cancel: () => {
        finish({ status: null, error: 'cancelled' });
        request.destroy();
      },
    };
  }

  private cancelInFlight(): void {
    const flights = [...this.inFlight];
    this.inFlight.clear();
    for (const flight of flights) flight.cancel();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

function zeroCounters(): Omit<DeliveryStats, 'pending' | 'inFlight'> {
  return { events: 0, copies: 0, duplicates: 0, attempts: 0, succeeded: 0, failedAttempts: 0, givenUp: 0 };
}

/** Webhook URLs often carry a secret in the query; log lines leave it out. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}${parsed.search ? '?…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}
