import { randomUUID } from 'node:crypto';
import { TokenCheck, TokenIssuer } from './auth';
import { MonotonicClock } from './dates';
import { defaultDeliveryKnobs, Deliverer } from './delivery';
import { badRequest, conflict, notFound, SandboxError } from './errors';
import { defaultApiKnobs, FaultInjector } from './faults';
import { randomSeed, Rng } from './random';
import { EventDraft, Store } from './store';
import type {
  DeliveryFilter,
  DeliveryLogEntry,
  DeliveryStats,
  EventKind,
  PlumWebhookConfig,
  RequestFilter,
  RequestLogEntry,
  SandboxEvent,
  SandboxOptions,
} from './types';
import { asObject, isObject, JsonObject, onlyKeys, optBoolean, optNumber, optString } from './validate';

/** Logs keep the newest entries only, so a long benchmark run cannot grow memory without bound. */
const LOG_LIMIT = 100_000;
const DEFAULT_WAIT_MS = 5_000;
const DEFAULT_IDLE_WAIT_MS = 10_000;

export interface ResolvedOptions {
  clientId: string;
  clientSecret: string;
  localMode: boolean;
  seed: number;
  log: (line: string) => void;
}

interface Waiter {
  check: () => boolean;
  reject: (error: Error) => void;
}

/** Separate generators per concern, so turning one knob does not shift another's random sequence. */
function generators(seed: number): { data: Rng; faults: Rng; delivery: Rng } {
  return { data: new Rng(seed), faults: new Rng(seed ^ 0x5bd1e995), delivery: new Rng(seed ^ 0x27d4eb2f) };
}

/**
 * The whole sandbox without HTTP: the in-process helpers and the control API both call these methods,
 * so a test sees exactly what an HTTP caller would.
 */
export class SandboxCore {
  readonly options: ResolvedOptions;
  readonly clock = new MonotonicClock();
  readonly store: Store;
  readonly tokens = new TokenIssuer();
  readonly faults: FaultInjector;
  readonly deliverer: Deliverer;
  private config: PlumWebhookConfig | null = null;
  private eventLog: SandboxEvent[] = [];
  private requestLog: RequestLogEntry[] = [];
  private deliveryLog: DeliveryLogEntry[] = [];
  private eventSeq = 0;
  private requestSeq = 0;
  private deliverySeq = 0;
  private readonly waiters = new Set<Waiter>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(options: SandboxOptions = {}) {
    const seed = options.seed ?? randomSeed();
    this.options = {
      clientId: options.clientId ?? 'sandbox-client',
      clientSecret: options.clientSecret ?? 'sandbox-secret',
      localMode: options.localMode ?? false,
      seed,
      log: options.logger ?? (() => undefined),
    };
    const rng = generators(seed);
    this.store = new Store(this.clock, rng.data, (draft) => this.emit(draft));
    this.faults = new FaultInjector(defaultApiKnobs(options.tokenTtlMs, options.tokenMaxUses ?? null), rng.faults);
    const deliveryDefaults = defaultDeliveryKnobs({
      timeoutMs: options.deliveryTimeoutMs ?? 30_000,
      retryBaseMs: options.retryBaseMs ?? 1_000,
      maxAttempts: options.maxDeliveryAttempts ?? 8,
    });
    this.deliverer = new Deliverer(deliveryDefaults, {
      rng: rng.delivery,
      log: this.options.log,
      onAttempt: (entry) => this.recordDelivery(entry),
      endpointFor: (kind) => this.endpointFor(kind),
      onSettled: () => this.checkWaiters(),
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  // ---- events -------------------------------------------------------------------------------

  private emit(draft: EventDraft): SandboxEvent {
    const eventId = randomUUID();
    const event: SandboxEvent = {
      seq: ++this.eventSeq,
      eventId,
      ...draft,
      queued: false,
      payload: { eventId, timestamp: draft.timestamp, bookingCode: draft.bookingCode, listingId: draft.listingId },
    };
    if (!this.closed && this.endpointFor(draft.kind) !== null) {
      event.queued = true;
      this.deliverer.enqueue(event);
    }
    this.eventLog.push(event);
    if (this.eventLog.length > LOG_LIMIT) this.eventLog.splice(0, this.eventLog.length - LOG_LIMIT);
    this.options.log(
      `event ${event.type} ${draft.bookingCode ?? `listing ${draft.listingId}`}${draft.status ? ` (${draft.status})` : ''} ${eventId}` +
        (event.queued ? '' : ' [not sent: no active webhook configuration]'),
    );
    return event;
  }

  events(): SandboxEvent[] {
    return this.eventLog.map((event) => structuredClone(event));
  }

  redeliver(eventId: string): void {
    const event = this.eventLog.find((e) => e.eventId === eventId);
    if (!event) throw notFound(`event ${eventId} not found`);
    if (this.endpointFor(event.kind) === null) throw conflict(`no active webhook configuration with a ${event.kind}s endpoint`);
    this.deliverer.redeliver(event);
  }

  // ---- webhook configuration --------------------------------------------------------------------

  private endpointFor(kind: EventKind): string | null {
    if (!this.config?.isActive) return null;
    return (kind === 'booking' ? this.config.endpoints.bookings : this.config.endpoints.listings) ?? null;
  }

  webhookConfig(): PlumWebhookConfig | null {
    return this.config && structuredClone(this.config);
  }

  /** POST /v2/webhooks/config: create or update. Plum refuses a non-https endpoint; local mode lets http through. */
  saveWebhookConfig(input: unknown, requireHttps: boolean): { config: PlumWebhookConfig; created: boolean } {
    const body = asObject(input, 'webhook configuration');
    const isActive = optBoolean(body, 'isActive') ?? true;
    const endpoints = body.endpoints;
    if (!isObject(endpoints)) throw badRequest('endpoints must be an object with bookings and/or listings URLs');
    const bookings = readEndpoint(endpoints, 'bookings', requireHttps);
    const listings = readEndpoint(endpoints, 'listings', requireHttps);
    if (bookings === null && listings === null) throw badRequest('endpoints needs a bookings or a listings URL');
    const created = this.config === null;
    this.config = { isActive, endpoints: { bookings, listings } };
    this.options.log(`webhook configuration ${created ? 'created' : 'updated'} (${isActive ? 'active' : 'inactive'})`);
    return { config: structuredClone(this.config), created };
  }

  toggleWebhookConfig(isActive: boolean): PlumWebhookConfig {
    if (!this.config) throw notFound('no webhook configuration');
    this.config.isActive = isActive;
    this.options.log(`webhook configuration ${isActive ? 'activated' : 'deactivated'}`);
    return structuredClone(this.config);
  }

  deleteWebhookConfig(): void {
    if (!this.config) throw notFound('no webhook configuration');
    this.config = null;
    this.options.log('webhook configuration deleted');
  }

  /** The control API's version: no https rule, since the operator of the sandbox chose the URL. */
  setWebhookConfig(input: unknown): PlumWebhookConfig | null {
    if (input === null) {
      this.config = null;
      return null;
    }
    return this.saveWebhookConfig(input, false).config;
  }

  saveWebhookConfigFromApi(input: unknown): { config: PlumWebhookConfig; created: boolean } {
    return this.saveWebhookConfig(input, !this.options.localMode);
  }

  // ---- auth ---------------------------------------------------------------------------------

  authenticate(input: unknown): { token: string; expiresAt: string } {
    const body = isObject(input) ? input : {};
    if (body.clientId !== this.options.clientId || body.clientSecret !== this.options.clientSecret) {
      throw new SandboxError(401, 'invalid client credentials');
    }
    const knobs = this.faults.current();
    return this.tokens.issue(this.options.clientId, knobs.tokenTtlMs, knobs.tokenMaxUses);
  }

  checkToken(authorization: string | undefined): TokenCheck {
    return this.tokens.check(authorization);
  }

  expireTokens(): number {
    const live = this.tokens.expireAll();
    this.options.log(`expired ${live} live token(s)`);
    return live;
  }

  // ---- upstream answers ---------------------------------------------------------------------

  /** A booking as the API answers it, after the spelling knobs. */
  shapeBooking(booking: JsonObject): JsonObject {
    const knobs = this.faults.current();
    const out = { ...booking };
    if (knobs.omitUpdatedAt) delete out.updatedAt;
    if (knobs.requestSpelling === 'Requested' && out.status === 'Request') out.status = 'Requested';
    return out;
  }

  // ---- logs ---------------------------------------------------------------------------------

  startRequest(method: string, path: string, query: string): RequestLogEntry {
    const entry: RequestLogEntry = {
      seq: ++this.requestSeq,
      method,
      path,
      query,
      status: null,
      fault: null,
      at: new Date().toISOString(),
      durationMs: null,
    };
    this.requestLog.push(entry);
    if (this.requestLog.length > LOG_LIMIT) this.requestLog.splice(0, this.requestLog.length - LOG_LIMIT);
    return entry;
  }

  requests(filter: RequestFilter = {}): RequestLogEntry[] {
    const method = filter.method?.toUpperCase();
    return this.requestLog
      .filter((entry) => (!method || entry.method === method) && (!filter.path || entry.path.startsWith(filter.path)))
      .map((entry) => ({ ...entry }));
  }

  private recordDelivery(entry: Omit<DeliveryLogEntry, 'seq'>): void {
    this.deliveryLog.push({ seq: ++this.deliverySeq, ...entry });
    if (this.deliveryLog.length > LOG_LIMIT) this.deliveryLog.splice(0, this.deliveryLog.length - LOG_LIMIT);
  }

  deliveries(filter: DeliveryFilter = {}): DeliveryLogEntry[] {
    return this.deliveryLog.filter((entry) => matchesDelivery(entry, filter)).map((entry) => ({ ...entry }));
  }

  clearLogs(): void {
    this.requestLog = [];
    this.deliveryLog = [];
  }

  stats(): DeliveryStats {
    return this.deliverer.stats();
  }

  // ---- waiting ------------------------------------------------------------------------------

  waitForDeliveries(input: unknown = {}): Promise<DeliveryLogEntry[]> {
    const body = asObject(input, 'wait options');
    onlyKeys(body, ['count', 'timeoutMs', 'ok', 'kind', 'eventId', 'bookingCode'], 'wait options');
    const count = optNumber(body, 'count', { integer: true, min: 0 }) ?? 1;
    const timeoutMs = optNumber(body, 'timeoutMs', { integer: true, min: 0 }) ?? DEFAULT_WAIT_MS;
    const filter = readDeliveryFilter(body);
    let found: DeliveryLogEntry[] = [];
    return this.wait(
      () => {
        found = this.deliveries(filter);
        return found.length >= count;
      },
      () => found,
      timeoutMs,
      () => `waited ${timeoutMs} ms for ${count} deliveries matching ${JSON.stringify(filter)}, saw ${found.length}`,
    );
  }

  waitForIdle(timeoutMs = DEFAULT_IDLE_WAIT_MS): Promise<DeliveryStats> {
    return this.wait(
      () => this.deliverer.isIdle(),
      () => this.stats(),
      timeoutMs,
      () => `deliveries not idle after ${timeoutMs} ms: ${JSON.stringify(this.stats())}`,
    );
  }

  private wait<T>(check: () => boolean, result: () => T, timeoutMs: number, describe: () => string): Promise<T> {
    if (this.closed) return Promise.reject(new SandboxError(503, 'the sandbox is closed'));
    if (check()) return Promise.resolve(result());
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          if (!check()) return false;
          done();
          resolve(result());
          return true;
        },
        reject: (error) => {
          done();
          reject(error);
        },
      };
      const timer = setTimeout(() => waiter.reject(new SandboxError(408, describe())), timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
    });
  }

  private checkWaiters(): void {
    for (const waiter of [...this.waiters]) waiter.check();
  }

  // ---- timers, reset, close -------------------------------------------------------------------

  /** A delay that close() cancels (the caller then finds the sandbox closed). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  reset(input: unknown = {}): void {
    const body = asObject(input, 'reset options');
    onlyKeys(body, ['keepWebhookConfig', 'keepTokens', 'seed'], 'reset options');
    const seed = optNumber(body, 'seed', { integer: true, min: 0 });
    if (seed !== undefined) this.options.seed = seed;
    const rng = generators(this.options.seed);
    this.deliverer.reset();
    this.deliverer.reseed(rng.delivery);
    this.faults.clear();
    this.faults.reseed(rng.faults);
    this.store.clear();
    this.store.reseed(rng.data);
    if (!optBoolean(body, 'keepTokens')) this.tokens.clear();
    if (!optBoolean(body, 'keepWebhookConfig')) this.config = null;
    this.eventLog = [];
    this.clearLogs();
    this.options.log('reset');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.deliverer.close();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const waiter of [...this.waiters]) waiter.reject(new SandboxError(503, 'the sandbox was closed'));
  }
}

function readEndpoint(endpoints: JsonObject, key: 'bookings' | 'listings', requireHttps: boolean): string | null {
  const value = endpoints[key];
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw badRequest(`endpoints.${key} must be a URL`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badRequest(`endpoints.${key} is not a valid URL`);
  }
  if (url.protocol === 'https:') return value;
  if (url.protocol === 'http:' && !requireHttps) return value;
  throw badRequest(`endpoints.${key} must be an https URL`);
}

export function readDeliveryFilter(body: JsonObject): DeliveryFilter {
  const kind = optString(body, 'kind');
  if (kind !== undefined && kind !== 'booking' && kind !== 'listing') throw badRequest('kind must be booking or listing');
  const filter: DeliveryFilter = {};
  const ok = optBoolean(body, 'ok');
  if (ok !== undefined) filter.ok = ok;
  if (kind !== undefined) filter.kind = kind;
  const eventId = optString(body, 'eventId');
  if (eventId !== undefined) filter.eventId = eventId;
  const bookingCode = optString(body, 'bookingCode');
  if (bookingCode !== undefined) filter.bookingCode = bookingCode;
  return filter;
}

function matchesDelivery(entry: DeliveryLogEntry, filter: DeliveryFilter): boolean {
  return (
    (filter.ok === undefined || entry.ok === filter.ok) &&
    (filter.kind === undefined || entry.kind === filter.kind) &&
    (filter.eventId === undefined || entry.eventId === filter.eventId) &&
    (filter.bookingCode === undefined || entry.bookingCode === filter.bookingCode)
  );
}
