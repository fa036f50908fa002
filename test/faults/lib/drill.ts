import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RunningSandbox, startSandbox } from '../../../sandbox';
import { withAdmin } from '../../support/databases';
import { freePort, waitFor } from '../../support/processes';
import { deleteRedisPrefix } from '../../support/redis';
import { AppProcess } from './app-process';
import { SeededRandom } from './event-stream';
import { describePending, Tally, tally } from './tally';

export const WEBHOOK_SECRET = 'faults-webhook-secret-0123456789';
export const API_TOKEN = 'faults-api-token-0123456789';

export interface Settings {
  runId: string;
  /** The run's temp dir: the dist snapshot, logs, private servers' dirs. */
  tmpDir: string;
  distDir: string;
  /** The shared services, each drill isolated by its own database and Redis prefix. */
  sharedPostgresUrl: string;
  sharedRedisUrl: string;
  /** A migrated database on the shared server that drills clone. */
  templateDatabase: string;
  quick: boolean;
  killEvents: number;
  plumOutageMs: number;
  seed: number;
  logLevel: string;
  verbose: boolean;
}

export interface DrillResult {
  name: string;
  tally?: Tally;
  /** Extra checks of the drill besides the counts, each with whether it held. */
  checks: { what: string; ok: boolean }[];
  notes: string[];
  error?: string;
  durationMs: number;
}

type Cleanup = () => Promise<void> | void;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Settings every app process of a drill shares. */
export interface AppEnvironment {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  extra?: Record<string, string>;
}

/**
 * What a drill holds while it runs: its sandbox, processes, databases and prefixes, each with a
 * cleanup that runs (in reverse order) however the drill ends.
 */
export class Drill {
  readonly started = Date.now();
  readonly logDir: string;
  readonly random: SeededRandom;
  readonly checks: DrillResult['checks'] = [];
  readonly notes: string[] = [];
  readonly apps: AppProcess[] = [];
  private readonly cleanups: Cleanup[] = [];
  private appSeq = 0;

  constructor(
    readonly name: string,
    readonly settings: Settings,
  ) {
    this.logDir = join(settings.tmpDir, name);
    mkdirSync(this.logDir, { recursive: true });
    this.random = new SeededRandom(settings.seed);
  }

  get elapsed(): string {
    return `${((Date.now() - this.started) / 1000).toFixed(1)}s`;
  }

  log(message: string): void {
    process.stdout.write(`  [${this.name} +${this.elapsed}] ${message}\n`);
  }

  note(message: string): void {
    this.notes.push(message);
    this.log(message);
  }

  check(what: string, ok: boolean): void {
    this.checks.push({ what, ok });
    this.log(`${ok ? 'ok' : 'FAILED'}: ${what}`);
  }

  defer(cleanup: Cleanup): void {
    this.cleanups.push(cleanup);
  }

  async cleanup(): Promise<void> {
    while (this.cleanups.length > 0) {
      const next = this.cleanups.pop() as Cleanup;
      try {
        await next();
      } catch (error) {
        process.stdout.write(`  [${this.name}] cleanup step failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
  }

  // ---- resources --------------------------------------------------------------------------------

  /** A database on the shared server, cloned from the run's migrated template; dropped at the end. */
  async sharedDatabase(): Promise<string> {
    const name = `${this.settings.templateDatabase}_${this.name.replace(/[^a-z0-9]/g, '_')}`;
    await withAdmin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${this.settings.templateDatabase}"`));
    this.defer(() => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined));
    return `${this.settings.sharedPostgresUrl.replace(/\/$/, '')}/${name}`;
  }

  /** A key prefix on the shared Redis; its keys are deleted at the end. */
  sharedRedisPrefix(): string {
    const prefix = `plumline-faults-${this.settings.runId}-${this.name}`;
    this.defer(() => deleteRedisPrefix(prefix, this.settings.sharedRedisUrl));
    return prefix;
  }

  /** The Plum sandbox in this process, sending its webhooks to 127.0.0.1 only. */
  async sandbox(options: { retryBaseMs?: number; maxDeliveryAttempts?: number } = {}): Promise<RunningSandbox> {
    const sandbox = await startSandbox({
      localMode: true,
      host: '127.0.0.1',
      seed: this.settings.seed,
      retryBaseMs: options.retryBaseMs ?? 100,
      maxDeliveryAttempts: options.maxDeliveryAttempts ?? 20,
      deliveryTimeoutMs: 10_000,
    });
    this.defer(() => sandbox.close());
    return sandbox;
  }

  private env(role: 'api' | 'worker' | 'all', port: number, sandbox: RunningSandbox, app: AppEnvironment): Record<string, string> {
    return {
      NODE_ENV: 'production',
      APP_ROLE: role,
      PORT: String(port),
      DATABASE_URL: app.databaseUrl,
      REDIS_URL: app.redisUrl,
      REDIS_PREFIX: app.redisPrefix,
      PLUM_API_URL: sandbox.url,
      PLUM_CLIENT_ID: sandbox.clientId,
      PLUM_CLIENT_SECRET: sandbox.clientSecret,
      PLUM_TIMEOUT_MS: '5000',
      PUBLIC_URL: `http://127.0.0.1:${port || 3000}`,
      ALLOW_INSECURE_WEBHOOK_URL: 'true',
      WEBHOOK_REGISTRATION: 'off',
      WEBHOOK_SECRET,
      API_TOKEN,
      WORKER_CONCURRENCY: '10',
      // Fast retries for a drill; attempts enough to outlast its outages (exponential, so 20 is plenty).
      JOB_ATTEMPTS: '20',
      JOB_BACKOFF_MS: '200',
      RELAY_INTERVAL_MS: '500',
      RECONCILE_INTERVAL_MINUTES: '0', // nothing may repair a reservation behind the events' back
      SHUTDOWN_TIMEOUT_MS: '5000',
      LOG_LEVEL: this.settings.logLevel,
      LOG_FORMAT: 'json',
      ...app.extra,
    };
  }

  /** Starts an `api` process (HTTP only) and points the sandbox's webhooks at it. */
  async startApi(sandbox: RunningSandbox, app: AppEnvironment): Promise<AppProcess> {
    const port = await freePort();
    const proc = this.spawn('api', this.env('api', port, sandbox, app));
    const url = `http://127.0.0.1:${port}`;
    await this.untilStarted(proc, async () => (await fetch(`${url}/health`)).ok);
    await sandbox.setWebhookConfig({
      isActive: true,
      endpoints: { bookings: `${url}/webhooks/bookings?token=${WEBHOOK_SECRET}`, listings: `${url}/webhooks/listings?token=${WEBHOOK_SECRET}` },
    });
    return proc;
  }

  /** Starts a `worker` process (queue workers, relay, schedules) and waits until it says it started. */
  async startWorker(sandbox: RunningSandbox, app: AppEnvironment): Promise<AppProcess> {
    const proc = this.spawn('worker', this.env('worker', 0, sandbox, app));
    await this.untilStarted(proc, async () => proc.contains('plumline worker started'));
    return proc;
  }

  /** Waits for `ready`, failing at once (with its last lines) when the process exits instead. */
  private async untilStarted(proc: AppProcess, ready: () => Promise<boolean>): Promise<void> {
    let exited = false;
    const exit = proc.exited.then(() => (exited = true));
    const started = waitFor(async () => exited || (await ready()), { timeoutMs: 30_000, what: `${proc.name} to start` });
    await Promise.race([started, exit]).catch(() => undefined);
    if (exited || !(await ready().catch(() => false))) {
      throw new Error(`${proc.name} did not start${exited ? ' (it exited)' : ' within 30 s'}:\n${proc.lastLines(20)}`);
    }
  }

  private spawn(role: string, env: Record<string, string>): AppProcess {
    const name = `${role}-${++this.appSeq}`;
    const proc = AppProcess.start({ name, distDir: this.settings.distDir, cwd: this.logDir, logDir: this.logDir, env });
    this.apps.push(proc);
    this.defer(() => proc.stop());
    this.log(`started ${name} (pid ${proc.pid})`);
    return proc;
  }

  // ---- waiting and counting ---------------------------------------------------------------------

  /**
   * Waits until the sender has nothing left to deliver and every acknowledged event is processed
   * (or the time is up), and returns the final counts.
   */
  async settle(sandbox: RunningSandbox, databaseUrl: string, timeoutMs: number): Promise<Tally> {
    const deadline = Date.now() + timeoutMs;
    let lastReport = Date.now();
    for (;;) {
      const stats = sandbox.stats();
      const idle = stats.pending === 0 && stats.inFlight === 0;
      const t = await tally(sandbox, databaseUrl);
      if (idle && t.lost === 0) return t;
      if (Date.now() > deadline) {
        this.log(`gave up waiting after ${Math.round(timeoutMs / 1000)} s`);
        return t;
      }
      if (Date.now() - lastReport > 5_000 || this.settings.verbose) {
        lastReport = Date.now();
        this.log(
          `waiting: acknowledged=${t.acknowledged} processed=${t.processed} (not yet: ${describePending(t)}; deliveries pending ${stats.pending}, in flight ${stats.inFlight})`,
        );
      }
      for (const app of this.apps) if (app.crashed) throw new Error(`${app.name} died on its own:\n${app.lastLines(30)}`);
      await sleep(500);
    }
  }

  /** Crashed processes are findings: say so. */
  reportCrashes(): void {
    for (const app of this.apps) {
      if (app.crashed) this.check(`${app.name} stayed up (it died on its own; last lines:\n${app.lastLines(20)})`, false);
    }
  }
}

export { sleep };
