import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Client } from 'pg';
import { Environment } from '../config/environment';
import { PlumClient } from '../plum/plum.client';
import { PlumError } from '../plum/plum.errors';
import { PlumWebhookConfig } from '../plum/plum.types';
import { QueueName } from '../queue/queue.constants';
import { CheckResult, errorText, fail, ok, skip, warn, withDeadline } from './doctor-report';

export interface DoctorOptions {
  /** A job waiting longer than this with no worker connected means the queue is not moving. */
  staleMinutes: number;
  timeoutMs: number;
}

/** The webhook routes the service serves, relative to PUBLIC_URL (src/webhooks/webhooks.controller.ts). */
const WEBHOOK_ENDPOINTS = { bookings: 'webhooks/bookings', listings: 'webhooks/listings' } as const;
type DoctorSettings = Pick<
  Environment,
  'DATABASE_URL' | 'REDIS_URL' | 'REDIS_PREFIX' | 'PLUM_API_URL' | 'PLUM_API_TOKEN' | 'PUBLIC_URL' | 'ALLOW_INSECURE_WEBHOOK_URL' | 'WEBHOOK_SECRET'
>;

const SYNC_FIX = 'POST /webhook-config/sync with the API token, or restart the api with WEBHOOK_REGISTRATION=on';

/**
 * The troubleshooting list as code: each check talks to one dependency the way the service does,
 * with its own timeout, and says what to do when it fails. Checks that need a dependency that
 * already failed are skipped rather than failing twice for one cause.
 */
@Injectable()
export class DoctorService {
  private readonly env: DoctorSettings;

  constructor(
    config: ConfigService<Environment, true>,
    private readonly plum: PlumClient,
  ) {
    this.env = {
      DATABASE_URL: config.get('DATABASE_URL', { infer: true }),
      REDIS_URL: config.get('REDIS_URL', { infer: true }),
      REDIS_PREFIX: config.get('REDIS_PREFIX', { infer: true }),
      PLUM_API_URL: config.get('PLUM_API_URL', { infer: true }),
      PLUM_API_TOKEN: config.get('PLUM_API_TOKEN', { infer: true }),
      PUBLIC_URL: config.get('PUBLIC_URL', { infer: true }),
      ALLOW_INSECURE_WEBHOOK_URL: config.get('ALLOW_INSECURE_WEBHOOK_URL', { infer: true }),
      WEBHOOK_SECRET: config.get('WEBHOOK_SECRET', { infer: true }),
    };
  }

  async *run(options: DoctorOptions): AsyncGenerator<CheckResult> {
    yield* this.postgresChecks(options);
    yield* this.redisChecks(options);
    yield* this.plumChecks();
  }

  private async *postgresChecks({ timeoutMs }: DoctorOptions): AsyncGenerator<CheckResult> {
    const where = describeUrl(this.env.DATABASE_URL);
    const client = new Client({ connectionString: this.env.DATABASE_URL, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
    try {
      await withDeadline(client.connect(), timeoutMs, 'Postgres');
      const { rows } = await client.query<{ version: string }>(`SELECT current_setting('server_version') AS version`);
      yield ok('Postgres', `reachable at ${where} (PostgreSQL ${rows[0].version})`);
    } catch (error) {
      yield fail('Postgres', `cannot connect to ${where}: ${errorText(error)}`, 'start Postgres, or fix DATABASE_URL (host, port, user, password, database)');
      yield skip('Migrations', 'needs Postgres');
      await client.end().catch(() => undefined);
      return;
    }
    try {
      yield await this.migrations(client).catch((error: unknown) =>
        fail('Migrations', `could not read _prisma_migrations: ${errorText(error)}`, 'check that the DATABASE_URL user may read the schema'),
      );
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Compares what Prisma recorded as applied with the migrations shipped in prisma/migrations. */
  private async migrations(client: Client): Promise<CheckResult> {
    const check = 'Migrations';
    const shipped = shippedMigrations();
    if (!shipped) return fail(check, 'prisma/migrations not found next to the service', 'run the doctor from the project directory (or the image\'s /app)');
    const { rows: table } = await client.query<{ exists: boolean }>(`SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS exists`);
    if (!table[0].exists) return fail(check, `none applied (${shipped.length} pending)`, 'run npm run db:migrate');
    const { rows } = await client.query<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      'SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations',
    );
    const applied = new Set(rows.filter((r) => r.finished_at && !r.rolled_back_at).map((r) => r.migration_name));
    const failed = rows.filter((r) => !r.finished_at && !r.rolled_back_at).map((r) => r.migration_name);
    if (failed.length > 0) {
      return fail(check, `failed part-way: ${failed.join(', ')}`, 'read `npx prisma migrate status`, repair the database, then `npx prisma migrate resolve`');
    }
    const pending = shipped.filter((name) => !applied.has(name));
    if (pending.length > 0) return fail(check, `${pending.length} pending: ${pending.join(', ')}`, 'run npm run db:migrate');
    const unknown = [...applied].filter((name) => !shipped.includes(name));
    if (unknown.length > 0) {
      return warn(check, `the database has migrations this version does not ship: ${unknown.join(', ')}`, 'a newer version migrated this database: run that version');
    }
    return ok(check, `all ${shipped.length} applied`);
  }

  private async *redisChecks({ timeoutMs, staleMinutes }: DoctorOptions): AsyncGenerator<CheckResult> {
    const where = describeUrl(this.env.REDIS_URL);
    const redis = new Redis(this.env.REDIS_URL, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined); // reported below, not printed by ioredis
    try {
      let info: Record<string, string>;
      try {
        await withDeadline(redis.connect(), timeoutMs, 'Redis');
        info = parseInfo(await withDeadline(redis.info(), timeoutMs, 'Redis'));
        yield ok('Redis', `reachable at ${where} (Redis ${info.redis_version ?? 'unknown version'})`);
      } catch (error) {
        yield fail('Redis', `cannot connect to ${where}: ${errorText(error)}`, 'start Redis, or fix REDIS_URL');
        yield skip('Redis settings', 'needs Redis');
        yield skip('Queue', 'needs Redis');
        return;
      }
      yield redisSettings(info);
      yield await this.queue(redis, staleMinutes, timeoutMs).catch((error: unknown) =>
        fail('Queue', `could not read the queue: ${errorText(error)}`, 'check that REDIS_URL is the Redis the service uses'),
      );
    } finally {
      redis.disconnect();
    }
  }

  /** Moving means: not paused, and nothing has waited long while no worker is connected. */
  private async queue(redis: Redis, staleMinutes: number, timeoutMs: number): Promise<CheckResult> {
    const check = 'Queue';
    const queue = new Queue(QueueName.Events, { connection: redis, prefix: this.env.REDIS_PREFIX });
    try {
      const [counts, paused, oldest, workers] = await withDeadline(
        Promise.all([
          queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed'),
          queue.isPaused(),
          queue.getJobs(['waiting'], 0, 0, true),
          queue.getWorkers().then(
            (clients) => (clients.some((c) => /does not support client list/.test(c.name)) ? undefined : clients.length),
            () => undefined, // CLIENT LIST refused (some managed Redis): the worker count is unknown
          ),
        ]),
        timeoutMs,
        'Redis',
      );
      const waiting = counts.waiting + counts.prioritized;
      const ageMs = oldest[0] ? Date.now() - oldest[0].timestamp : 0;
      const workerText = workers === undefined ? 'workers unknown' : `${workers} worker connection(s)`;
      const summary = `${waiting} waiting, ${counts.active} active, ${counts.delayed} delayed, ${counts.failed} failed; ${workerText}`;
      if (paused) return fail(check, `paused (${summary})`, 'resume it at /admin/queues');
      if (waiting > 0 && ageMs > staleMinutes * 60_000) {
        const age = `the oldest waiting job is ${ageMs < 120_000 ? `${Math.round(ageMs / 1000)} s` : `${Math.round(ageMs / 60_000)} min`} old`;
        if (workers === 0) return fail(check, `not moving: ${age} and no worker is connected (${summary})`, 'start a worker: APP_ROLE=worker or all');
        return warn(check, `backlog: ${age} (${summary})`, 'workers cannot keep up: add worker processes or raise WORKER_CONCURRENCY');
      }
      if (counts.failed > 0) {
        return warn(check, `${counts.failed} failed job(s) (${summary})`, 'inspect them at /admin/queues or GET /webhook-events?status=failed, then replay');
      }
      if (workers === 0) return warn(check, `no worker is connected (${summary})`, 'start the service (APP_ROLE=all or worker) so events are processed');
      return ok(check, summary);
    } finally {
      await queue.close().catch(() => undefined);
    }
  }

  private async *plumChecks(): AsyncGenerator<CheckResult> {
    const where = this.env.PLUM_API_URL;
    let remote: PlumWebhookConfig | null;
    try {
      // With a static token there is no login to try: reading the configuration is the check.
      if (this.env.PLUM_API_TOKEN) {
        remote = await this.plum.getWebhookConfig();
        yield ok('Plum credentials', `PLUM_API_TOKEN accepted by ${where}`);
      } else {
        await this.plum.verifyCredentials();
        yield ok('Plum credentials', `login accepted by ${where} (POST /authenticate)`);
        remote = await this.plum.getWebhookConfig();
      }
    } catch (error) {
      yield plumFailure(error, where, !!this.env.PLUM_API_TOKEN);
      yield skip('Plum webhook configuration', 'needs Plum to accept the credentials');
      return;
    }
    yield this.webhookConfig(remote);
  }

  /** Active, and every endpoint is this service's PUBLIC_URL route carrying WEBHOOK_SECRET. */
  private webhookConfig(remote: PlumWebhookConfig | null): CheckResult {
    const check = 'Plum webhook configuration';
    if (!remote) return fail(check, 'Plum holds none, so no webhook is sent', SYNC_FIX);
    const base = new URL(this.env.PUBLIC_URL);
    const root = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
    const problems: string[] = [];
    for (const [key, route] of Object.entries(WEBHOOK_ENDPOINTS) as Array<[keyof typeof WEBHOOK_ENDPOINTS, string]>) {
      const expected = new URL(`${root}/${route}`);
      const actual = safeUrl(remote.endpoints[key]);
      if (!actual) {
        problems.push(`no ${key} endpoint`);
        continue;
      }
      const at = `${actual.origin}${actual.pathname}`;
      if (at !== `${expected.origin}${expected.pathname}`) problems.push(`${key} goes to ${at}, not ${expected.origin}${expected.pathname}`);
      else if (this.env.WEBHOOK_SECRET && actual.searchParams.get('token') !== this.env.WEBHOOK_SECRET) problems.push(`${key} does not carry WEBHOOK_SECRET as ?token=`);
    }
    if (problems.length > 0) return fail(check, problems.join('; '), SYNC_FIX);
    if (!remote.isActive) return fail(check, 'points at this service but is switched off', 'PATCH /webhook-config/toggle?isActive=true with the API token');
    if (base.protocol !== 'https:') {
      const detail = `active, but PUBLIC_URL ${root} is not https`;
      if (this.env.ALLOW_INSECURE_WEBHOOK_URL) return warn(check, `${detail} (allowed for the local sandbox only)`, 'use an https PUBLIC_URL anywhere Plum itself calls');
      return fail(check, detail, 'Plum only calls https endpoints: set an https PUBLIC_URL');
    }
    return ok(check, `active, both endpoints at ${root}`);
  }
}

function plumFailure(error: unknown, where: string, staticToken: boolean): CheckResult {
  const check = 'Plum credentials';
  const status = error instanceof PlumError ? error.status : undefined;
  if (status === 401 || status === 403) {
    return fail(
      check,
      `${where} refused ${staticToken ? 'PLUM_API_TOKEN' : 'the login'} (${status})`,
      staticToken ? 'renew PLUM_API_TOKEN' : 'check PLUM_CLIENT_ID and PLUM_CLIENT_SECRET',
    );
  }
  if (status === undefined) return fail(check, `cannot reach Plum: ${errorText(error)}`, 'check PLUM_API_URL and that this host can reach it');
  return fail(check, errorText(error), 'check PLUM_API_URL; retry later if Plum is failing');
}

function redisSettings(info: Record<string, string>): CheckResult {
  const check = 'Redis settings';
  const policy = info.maxmemory_policy;
  if (policy !== undefined && policy !== 'noeviction') {
    return warn(check, `maxmemory-policy is ${policy}: under memory pressure Redis deletes queued jobs`, 'set maxmemory-policy noeviction');
  }
  if (info.aof_enabled !== '1') {
    return warn(check, 'append-only file is off: a Redis restart loses the queued jobs', 'run Redis with appendonly yes (or a managed Redis with persistence)');
  }
  return ok(check, 'maxmemory-policy noeviction, append-only file on');
}

function parseInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  return fields;
}

/** The migration folders shipped with this version, found upward from this file (source or dist/). */
function shippedMigrations(): string[] | undefined {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const migrations = join(dir, 'prisma', 'migrations');
    if (existsSync(migrations)) {
      return readdirSync(migrations, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && existsSync(join(migrations, entry.name, 'migration.sql')))
        .map((entry) => entry.name)
        .sort();
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** Host, port and database of a connection URL: never its password. */
function describeUrl(value: string): string {
  const url = safeUrl(value);
  return url ? `${url.host}${url.pathname.length > 1 ? url.pathname : ''}` : 'an unparseable URL';
}

function safeUrl(value: string | null | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
