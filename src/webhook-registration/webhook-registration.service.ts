import {
  BadGatewayException,
  ConflictException,
  HttpException,
  Injectable,
  Logger,
  NotFoundException,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppRole, Environment } from '../config/environment';
import { NotificationOutboxService } from '../notifications/notification-outbox.service';
import { PlumClient } from '../plum/plum.client';
import { PlumError, PlumTransientError } from '../plum/plum.errors';
import { PlumWebhookConfig } from '../plum/plum.types';
import { buildDesiredConfig, configMatches, readRemoteConfig, redactConfig, scrubSecret } from './webhook-config';
import { LockOutcome, RegistrationPatch, WebhookRegistrationRepository } from './webhook-registration.repository';
import { RegistrationState, RegistrationStatus, SyncAction } from './webhook-registration.types';

export const RETRY_BASE_MS = 1_000;
export const RETRY_CAP_MS = 5 * 60_000;
/** Another instance holds the lock: it is doing the work, so look again soon rather than back off. */
export const LOCK_BUSY_RETRY_MS = 1_000;
/** How long shutdown waits for a sync in flight before letting the process go on closing. */
const SHUTDOWN_WAIT_MS = 5_000;

/**
 * Delay before retry number `failures` (1-based): 1 s doubling up to 5 min, less up to 20 % jitter
 * so replicas that failed together do not retry in lockstep; never sooner than Plum's Retry-After.
 */
export function retryDelayMs(failures: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const exponential = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.max(Math.round(exponential * (0.8 + 0.2 * random())), retryAfterMs ?? 0);
}

export interface SyncResult extends RegistrationStatus {
  action: SyncAction;
}

export interface ReadinessReport {
  state: RegistrationState | 'unknown';
  lastError: string | null;
  syncedAt: Date | null;
}

/**
 * Keeps Plum's webhook configuration pointing at this service (issue 6). On start-up of an HTTP
 * instance it reads Plum's configuration and writes the desired one only when it differs, under a
 * Postgres advisory lock so replicas starting together register once. Start-up never waits on Plum:
 * the sync runs in the background and retries with backoff until it succeeds.
 */
@Injectable()
export class WebhookRegistrationService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookRegistrationService.name);
  private readonly enabled: boolean;
  private readonly servesHttp: boolean;
  private readonly secret?: string;
  private readonly desired: PlumWebhookConfig;
  /** The lock's transaction stays open across Plum calls: a GET and a POST, each possibly re-authenticated. */
  private readonly lockTimeoutMs: number;
  private retryTimer?: NodeJS.Timeout;
  private failures = 0;
  private stopped = false;
  /** Work of this process runs one piece at a time; the advisory lock only arbitrates between processes. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    config: ConfigService<Environment, true>,
    private readonly plum: PlumClient,
    private readonly repository: WebhookRegistrationRepository,
    /** Optional only for unit tests that build the service by hand; the app always provides it. */
    private readonly notifications?: NotificationOutboxService,
  ) {
    this.enabled = config.get('WEBHOOK_REGISTRATION', { infer: true }) === 'on';
    this.servesHttp = config.get('APP_ROLE', { infer: true }) !== AppRole.Worker;
    this.secret = config.get('WEBHOOK_SECRET', { infer: true });
    this.desired = buildDesiredConfig({ publicUrl: config.get('PUBLIC_URL', { infer: true }), secret: this.secret });
    this.lockTimeoutMs = 6 * config.get('PLUM_TIMEOUT_MS', { infer: true }) + 5_000;
  }

  onApplicationBootstrap(): void {
    // Workers never receive webhooks; the HTTP instances own the registration and its row.
    if (!this.servesHttp) return;
    // Not awaited: the app serves (and ingests webhooks) while Plum is slow or down.
    void (this.enabled ? this.startSync() : this.recordDisabled());
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.cancelRetry();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_WAIT_MS)));
    await Promise.race([this.tail, grace]).finally(() => clearTimeout(timer));
  }

  async status(): Promise<RegistrationStatus> {
    const stored = await this.repository.find();
    return {
      desired: redactConfig(this.desired),
      remote: stored?.remote ?? null,
      state: stored?.state ?? (this.enabled ? RegistrationState.Pending : RegistrationState.Disabled),
      lastError: stored?.lastError ?? null,
      syncedAt: stored?.syncedAt ?? null,
    };
  }

  /** For readiness: never throws, since an unreadable row must not hide the other indicators. */
  async readinessReport(): Promise<ReadinessReport> {
    try {
      const { state, lastError, syncedAt } = await this.status();
      return { state, lastError, syncedAt };
    } catch {
      // Postgres is down: its own check reports why, in full.
      return { state: 'unknown', lastError: 'registration state unreadable (see the database check)', syncedAt: null };
    }
  }

  /** POST /webhook-config/sync: one sync now, answered with its outcome. */
  async syncNow(): Promise<SyncResult> {
    if (!this.enabled) {
      throw new ConflictException('Webhook registration is off (WEBHOOK_REGISTRATION=off); the configuration is managed by hand');
    }
    let outcome: LockOutcome<SyncAction>;
    try {
      outcome = await this.exclusive(() => this.runSync());
    } catch (error) {
      // Leave the background loop to keep trying, exactly as after a failed start-up attempt.
      if (!this.retryTimer) this.scheduleFailureRetry(error);
      throw this.toHttpError(error);
    }
    if (!outcome.acquired) throw new ConflictException('Another instance is syncing the webhook configuration; try again in a moment');
    this.failures = 0;
    this.cancelRetry();
    return { ...(await this.status()), action: outcome.value };
  }

  /** PATCH /webhook-config/toggle: switches Plum's configuration on or off, then records what Plum holds. */
  async toggle(isActive: boolean): Promise<RegistrationStatus> {
    return this.operate(`set isActive=${isActive}`, async () => {
      await this.plum.toggleWebhookConfig(isActive);
      return readRemoteConfig(await this.plum.getWebhookConfig());
    });
  }

  /** DELETE /webhook-config: removes Plum's configuration. A restart or a sync puts it back while registration is on. */
  async remove(): Promise<RegistrationStatus> {
    return this.operate('deleted the configuration', async () => {
      await this.plum.deleteWebhookConfig();
      return null;
    });
  }

  private async startSync(): Promise<void> {
    try {
      await this.repository.save({ desired: redactConfig(this.desired), state: RegistrationState.Pending, lastError: null });
    } catch (error) {
      // Postgres down: the attempt below fails the same way and is retried with backoff.
      this.logger.warn(`Could not record the pending webhook registration: ${this.describe(error)}`);
    }
    await this.attemptInBackground();
  }

  private async attemptInBackground(): Promise<void> {
    this.retryTimer = undefined;
    if (this.stopped) return;
    try {
      const outcome = await this.exclusive(() => this.runSync());
      if (outcome.acquired) {
        this.failures = 0;
      } else {
        this.logger.log('Another instance is syncing the webhook configuration; checking again shortly');
        this.scheduleRetry(LOCK_BUSY_RETRY_MS);
      }
    } catch (error) {
      if (!this.stopped) this.scheduleFailureRetry(error);
    }
  }

  /** Reads Plum's configuration under the lock and writes ours only when it differs. Records failures. */
  private async runSync(): Promise<LockOutcome<SyncAction>> {
    let recorded = false;
    const fail = async (error: unknown) => {
      recorded = true;
      if (this.stopped) return;
      await this.record({ state: RegistrationState.Failed, lastError: this.describe(error) });
      // Called on every failed attempt; the outbox keeps one per failure episode (since the last sync that worked).
      await this.notifications
        ?.recordRegistrationFailed(this.describe(error))
        .catch((e: unknown) => this.logger.warn(`Could not record the registration failure notification: ${this.describe(e)}`));
    };
    try {
      return await this.repository.withLock(async () => {
        try {
          return await this.reconcile();
        } catch (error) {
          // Recorded while the lock is still held, so it cannot overwrite a success another instance records next.
          await fail(error);
          throw error;
        }
      }, this.lockTimeoutMs);
    } catch (error) {
      if (!recorded) await fail(error);
      throw error;
    }
  }

  private async reconcile(): Promise<SyncAction> {
    const remote = readRemoteConfig(await this.plum.getWebhookConfig());
    const desired = redactConfig(this.desired)!;
    if (configMatches(this.desired, remote)) {
      await this.repository.save({ desired, remote: redactConfig(remote), state: RegistrationState.InSync, lastError: null, syncedAt: new Date() });
      this.logger.log(`Plum's webhook configuration already points here (${this.describeConfig(desired)}); nothing to change`);
      return 'unchanged';
    }
    this.logger.log(`Registering webhooks with Plum: ${this.describeConfig(desired)} (Plum held ${remote ? this.describeConfig(redactConfig(remote)!) : 'no configuration'})`);
    await this.plum.saveWebhookConfig(this.desired);
    // Plum accepted it with a 2xx; what it holds now is what was sent.
    await this.repository.save({ desired, remote: desired, state: RegistrationState.InSync, lastError: null, syncedAt: new Date() });
    this.logger.log('Webhook configuration registered with Plum');
    return 'registered';
  }

  /** A deliberate change by an operator, under the same lock so it cannot interleave with a sync. */
  private async operate(what: string, change: () => Promise<PlumWebhookConfig | null>): Promise<RegistrationStatus> {
    let outcome: LockOutcome<void>;
    try {
      outcome = await this.exclusive(() =>
        this.repository.withLock(async () => {
          const remote = await change();
          const state = !this.enabled ? RegistrationState.Disabled : configMatches(this.desired, remote) ? RegistrationState.InSync : RegistrationState.Pending;
          await this.repository.save({ desired: redactConfig(this.desired), remote: redactConfig(remote), state, lastError: null, syncedAt: new Date() });
        }, this.lockTimeoutMs),
      );
    } catch (error) {
      throw this.toHttpError(error);
    }
    if (!outcome.acquired) throw new ConflictException('Another instance is syncing the webhook configuration; try again in a moment');
    // The operator meant it: a pending background retry must not undo the change behind their back.
    this.cancelRetry();
    this.logger.log(`Operator ${what} on Plum's webhook configuration`);
    return this.status();
  }

  private async recordDisabled(): Promise<void> {
    await this.exclusive(() => this.record({ desired: redactConfig(this.desired), state: RegistrationState.Disabled, lastError: null }));
    this.logger.log('Webhook registration is off (WEBHOOK_REGISTRATION=off); Plum is not contacted at start-up');
  }

  /** Writes the row; a failure to write (Postgres down) is logged, never thrown over the original error. */
  private async record(patch: RegistrationPatch): Promise<void> {
    try {
      await this.repository.save(patch);
    } catch (error) {
      this.logger.warn(`Could not record the webhook registration state: ${this.describe(error)}`);
    }
  }

  private scheduleFailureRetry(error: unknown): void {
    this.failures += 1;
    const retryAfter = error instanceof PlumTransientError ? error.retryAfterMs : undefined;
    const delay = retryDelayMs(this.failures, retryAfter);
    this.logger.error(`Webhook registration with Plum failed (attempt ${this.failures}), retrying in ${Math.round(delay / 1000)} s: ${this.describe(error)}`);
    this.scheduleRetry(delay);
  }

  private scheduleRetry(delayMs: number): void {
    if (this.stopped) return;
    this.cancelRetry();
    this.retryTimer = setTimeout(() => void this.attemptInBackground(), delayMs);
    this.retryTimer.unref();
  }

  private cancelRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private toHttpError(error: unknown): unknown {
    if (error instanceof HttpException || !(error instanceof PlumError)) return error;
    if (error.status === 404) return new NotFoundException('Plum holds no webhook configuration');
    return new BadGatewayException(`Plum did not accept the request: ${this.describe(error)}`);
  }

  /** One line, secret-free: Prisma's messages span lines (call site, code frame) and end with the cause. */
  private describe(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    const lines = message.split('\n').map((line) => line.trim()).filter(Boolean);
    return scrubSecret(lines.at(-1) ?? message, this.secret);
  }

  private describeConfig(config: PlumWebhookConfig): string {
    return `isActive=${config.isActive}, bookings=${config.endpoints.bookings ?? '-'}, listings=${config.endpoints.listings ?? '-'}`;
  }
}
