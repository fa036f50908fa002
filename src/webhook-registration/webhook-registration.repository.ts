import { Injectable } from '@nestjs/common';
import { Prisma, WebhookRegistration } from '../generated/prisma/client';
import { PlumWebhookConfig } from '../plum/plum.types';
import { PrismaService } from '../prisma/prisma.service';
import { readRemoteConfig } from './webhook-config';
import { RegistrationState, RegistrationStatus } from './webhook-registration.types';

const ROW_ID = 1;

/**
 * Key of the advisory lock that serializes registration across instances. The two-int4 form lives
 * in a key space of its own (pg_locks.objsubid = 2), so it can never collide with the single-key
 * booking locks (`pg_advisory_xact_lock(hashtext('booking:' || code))`).
 */
const LOCK_CLASS = 0x706c756d; // 'plum'
const LOCK_ID = 1;

export interface RegistrationPatch {
  desired?: PlumWebhookConfig | null;
  remote?: PlumWebhookConfig | null;
  state?: RegistrationState;
  lastError?: string | null;
  syncedAt?: Date | null;
}

export type LockOutcome<T> = { acquired: true; value: T } | { acquired: false };

@Injectable()
export class WebhookRegistrationRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(): Promise<RegistrationStatus | null> {
    const row = await this.prisma.webhookRegistration.findUnique({ where: { id: ROW_ID } });
    return row ? toStatus(row) : null;
  }

  /** Writes the one row, creating it on first use (the migration does not seed it). */
  async save(patch: RegistrationPatch): Promise<void> {
    const data = toData(patch);
    await this.prisma.webhookRegistration.upsert({ where: { id: ROW_ID }, create: { id: ROW_ID, ...data }, update: data });
  }

  /**
   * Runs `fn` while holding the registration lock, or answers `acquired: false` at once when another
   * instance holds it. The lock is transaction-scoped: Prisma pools connections, and a session lock
   * taken on one pooled connection could be "released" on another and leak. The transaction stays
   * open (one idle connection) while `fn` talks to Plum, hence the explicit timeout; its row writes
   * go through the ordinary client and commit before the lock is let go.
   */
  async withLock<T>(fn: () => Promise<T>, timeoutMs: number): Promise<LockOutcome<T>> {
    return this.prisma.$transaction(
      async (tx): Promise<LockOutcome<T>> => {
        const [{ locked }] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${LOCK_CLASS}::int4, ${LOCK_ID}::int4) AS locked`;
        if (!locked) return { acquired: false };
        return { acquired: true, value: await fn() };
      },
      { timeout: timeoutMs, maxWait: 5_000 },
    );
  }
}

function toData(patch: RegistrationPatch): Omit<Prisma.WebhookRegistrationCreateInput, 'id'> {
  const json = (config: PlumWebhookConfig | null | undefined) =>
    config === undefined ? undefined : config === null ? Prisma.DbNull : (config as unknown as Prisma.InputJsonObject);
  return {
    desired: json(patch.desired),
    remote: json(patch.remote),
    state: patch.state,
    lastError: patch.lastError,
    syncedAt: patch.syncedAt,
  };
}

function toStatus(row: WebhookRegistration): RegistrationStatus {
  const states = Object.values(RegistrationState) as string[];
  return {
    desired: readRemoteConfig(row.desired),
    remote: readRemoteConfig(row.remote),
    state: states.includes(row.state) ? (row.state as RegistrationState) : RegistrationState.Pending,
    lastError: row.lastError,
    syncedAt: row.syncedAt,
  };
}
