import { existsSync } from 'node:fs';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';

export enum AppRole {
  All = 'all',
  Api = 'api',
  Worker = 'worker',
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every setting the service reads, validated once at start-up. Defaults work against this
 * machine's local Postgres and Redis and the Plum sandbox on port 4010.
 */
export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @Min(0)
  @Max(65535)
  @IsInt()
  PORT = 3000;

  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/plumline';

  @IsUrl({ protocols: ['redis', 'rediss'], require_tld: false, require_protocol: true })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Namespaces every BullMQ key, so several deployments (or test runs) can share one Redis. */
  @Matches(/^[A-Za-z0-9:_-]{1,64}$/)
  REDIS_PREFIX = 'plumline';

  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  PLUM_API_URL = 'http://localhost:4010';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  PLUM_CLIENT_ID?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  PLUM_CLIENT_SECRET?: string;

  /** A token managed elsewhere; when set, the client never calls /authenticate. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  PLUM_API_TOKEN?: string;

  @Transform(toInt)
  @Min(100)
  @Max(120_000)
  @IsInt()
  PLUM_TIMEOUT_MS = 10_000;

  /** Where Plum reaches this service; the webhook URLs registered with Plum start with it. */
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  PUBLIC_URL = 'http://localhost:3000';

  @Transform(toBool)
  @IsBoolean()
  ALLOW_INSECURE_WEBHOOK_URL = false;

  @IsIn(['on', 'off'])
  WEBHOOK_REGISTRATION: 'on' | 'off' = 'on';

  /** When set, webhooks must carry it as ?token= or X-Webhook-Token. */
  @Transform(emptyToUndefined)
  @MinLength(16)
  @IsOptional()
  @IsString()
  WEBHOOK_SECRET?: string;

  /** Bearer token for every endpoint but the webhooks, health and iCal feeds. */
  @MinLength(16)
  @IsString()
  API_TOKEN!: string;

  /** A second token that opens /metrics only, so a Prometheus server never holds the API token. */
  @Transform(emptyToUndefined)
  @MinLength(16)
  @IsOptional()
  @IsString()
  METRICS_TOKEN?: string;

  /** Worker role only (it serves no HTTP): serve /metrics on this port. Unset: no metrics listener. */
  @Transform(emptyToUndefined)
  @Transform(toInt)
  @Min(1)
  @Max(65535)
  @IsOptional()
  @IsInt()
  METRICS_PORT?: number;

  @IsEnum(AppRole)
  APP_ROLE: AppRole = AppRole.All;

  @Transform(toInt)
  @Min(1)
  @Max(500)
  @IsInt()
  WORKER_CONCURRENCY = 10;

  /** Attempts per event before it is failed for good; with the backoff, 8 spans about an hour. */
  @Transform(toInt)
  @Min(1)
  @Max(50)
  @IsInt()
  JOB_ATTEMPTS = 8;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  JOB_BACKOFF_MS = 30_000;

  @Transform(toBool)
  @IsBoolean()
  HOLD_REQUESTS = true;

  @Transform(toInt)
  @Min(0)
  @IsInt()
  RECONCILE_INTERVAL_MINUTES = 360;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  RECONCILE_RATE_PER_SECOND = 5;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  EVENT_RETENTION_DAYS = 30;

  @Transform(toInt)
  @Min(100)
  @IsInt()
  RELAY_INTERVAL_MS = 5_000;

  @Transform(toInt)
  @Min(100)
  @IsInt()
  SHUTDOWN_TIMEOUT_MS = 15_000;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(['json', 'pretty'])
  LOG_FORMAT?: 'json' | 'pretty';

  @Transform(emptyToUndefined)
  @MaxLength(512)
  @IsOptional()
  @IsString()
  ICAL_SECRET?: string;

  /** Notifications: POST each one here as signed JSON. Unset: no outgoing webhooks. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  NOTIFY_WEBHOOK_URL?: string;

  /** Key of the HMAC-SHA256 signature of outgoing notification webhooks; required with NOTIFY_WEBHOOK_URL. */
  @Transform(emptyToUndefined)
  @MinLength(16)
  @MaxLength(512)
  @IsOptional()
  @IsString()
  NOTIFY_WEBHOOK_SECRET?: string;

  @Transform(toInt)
  @Min(100)
  @Max(120_000)
  @IsInt()
  NOTIFY_WEBHOOK_TIMEOUT_MS = 10_000;

  /** Notifications by email through this server, e.g. smtp://user:password@mail.example.com:587 (smtps:// for TLS). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ protocols: ['smtp', 'smtps'], require_tld: false, require_protocol: true })
  SMTP_URL?: string;

  /** Who gets the emails: one address or a comma-separated list; required with SMTP_URL. */
  @Transform(emptyToUndefined)
  @Matches(/^[^\s,@]+@[^\s,@]+(\s*,\s*[^\s,@]+@[^\s,@]+)*$/, { message: 'NOTIFY_EMAIL_TO must be an email address or a comma-separated list of them' })
  @IsOptional()
  @IsString()
  NOTIFY_EMAIL_TO?: string;

  @MaxLength(256)
  @IsString()
  NOTIFY_EMAIL_FROM = 'plumline <plumline@localhost>';

  /** Link to Plum's host dashboard in emails; `{bookingCode}` in it is replaced by the booking's code. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  PLUM_DASHBOARD_URL?: string;

  /** How long before a request's deadline the host is reminded (booking.request_expiring), in minutes. */
  @Transform(toInt)
  @Min(1)
  @Max(7 * 24 * 60)
  @IsInt()
  NOTIFY_EXPIRING_BEFORE_MINUTES = 240;

  /** Delivery attempts per notification before it is failed (kept, retryable); with the backoff, 12 span about 6 hours. */
  @Transform(toInt)
  @Min(1)
  @Max(50)
  @IsInt()
  NOTIFY_ATTEMPTS = 12;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  NOTIFY_BACKOFF_MS = 10_000;
}

export class ConfigurationError extends Error {
  /** One line per bad variable, for tools that list them (npm run doctor). */
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
  }
}

function describe(error: ValidationError): string {
  const shown = typeof error.value === 'string' ? JSON.stringify(error.value) : String(error.value);
  const reasons = Object.values(error.constraints ?? {}).join(', ');
  return error.value === undefined ? `${error.property} is required (${reasons})` : `${error.property}=${shown}: ${reasons}`;
}

const SECRET_VARIABLES = new Set(['PLUM_CLIENT_SECRET', 'PLUM_API_TOKEN', 'WEBHOOK_SECRET', 'API_TOKEN', 'ICAL_SECRET', 'METRICS_TOKEN', 'NOTIFY_WEBHOOK_SECRET', 'SMTP_URL']);

/** Validates raw variables into a typed Environment; throws one line naming each bad variable. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const env = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { forbidUnknownValues: false, stopAtFirstError: true });
  const problems = errors.map((e) =>
    SECRET_VARIABLES.has(e.property) && e.value !== undefined
      ? `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`
      : describe(e),
  );
  if (!env.PLUM_API_TOKEN && !(env.PLUM_CLIENT_ID && env.PLUM_CLIENT_SECRET)) {
    problems.push('PLUM_CLIENT_ID and PLUM_CLIENT_SECRET (or PLUM_API_TOKEN) are required');
  }
  const publicUrl = safeUrl(env.PUBLIC_URL);
  const registers = env.WEBHOOK_REGISTRATION === 'on' && env.APP_ROLE !== AppRole.Worker;
  if (registers && publicUrl && publicUrl.protocol !== 'https:' && !env.ALLOW_INSECURE_WEBHOOK_URL) {
    problems.push(`PUBLIC_URL must be https (Plum only calls HTTPS endpoints); set ALLOW_INSECURE_WEBHOOK_URL=true for the local sandbox`);
  }
  if (env.NOTIFY_WEBHOOK_URL && !env.NOTIFY_WEBHOOK_SECRET) problems.push('NOTIFY_WEBHOOK_SECRET is required with NOTIFY_WEBHOOK_URL (notifications are always signed)');
  if (env.SMTP_URL && !env.NOTIFY_EMAIL_TO) problems.push('NOTIFY_EMAIL_TO is required with SMTP_URL');
  if (problems.length > 0) throw new ConfigurationError(problems);
  return env;
}

function safeUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** The environment of this process: the real variables, over `.env` when one is present. */
export function loadEnvironment(envFile = '.env'): Environment {
  if (existsSync(envFile)) process.loadEnvFile(envFile); // never overrides a variable already set
  return validateEnvironment({ ...process.env });
}
