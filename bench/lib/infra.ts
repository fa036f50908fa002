import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { ManagedProcess, processCpuMs, startProcess, waitForHealthy } from './processes';
import { deleteRedisPrefix as deleteTestRedisPrefix } from '../../test/support/redis';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');

/** The Postgres server and Redis the benchmarks use: the local services, on loopback only. */
export const DATABASE_SERVER_URL = process.env.BENCH_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

for (const [name, url] of [['BENCH_DATABASE_SERVER_URL', DATABASE_SERVER_URL], ['BENCH_REDIS_URL', REDIS_URL]]) {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost') throw new Error(`${name} must point at 127.0.0.1 (benchmarks only send traffic to loopback), got ${host}`);
}

export const BENCH_API_TOKEN = 'bench-api-token-0123456789';
export const BENCH_WEBHOOK_SECRET = 'bench-webhook-secret-0123456789';

export function newRunId(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export function databaseUrl(name: string): string {
  return `${DATABASE_SERVER_URL.replace(/\/$/, '')}/${name}`;
}

/**
 * Transactions the benchmark itself caused in each database (a connection's start-up is one, each
 * query another), so they can be told apart from the app's in pg_stat_database.
 */
const ownTransactions = new Map<string, number>();

export function benchTransactions(url: string): number {
  return ownTransactions.get(url) ?? 0;
}

export async function withDatabase<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  const count = (): void => void ownTransactions.set(url, (ownTransactions.get(url) ?? 0) + 1);
  count();
  await client.connect();
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    count();
    return query(...args);
  };
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const withAdmin = <T>(fn: (client: Client) => Promise<T>): Promise<T> => withDatabase(databaseUrl('postgres'), fn);

/**
 * The databases of one benchmark run: a template migrated once with the operators' script
 * (`scripts/db-migrate.mjs`), cloned for each process under test, all dropped by drop().
 */
export class BenchDatabases {
  private readonly template: string;

  private constructor(private readonly prefix: string) {
    this.template = `${prefix}_template`;
  }

  static async create(runId: string): Promise<BenchDatabases> {
    const dbs = new BenchDatabases(`plumline_bench_${runId}`);
    const result = spawnSync(process.execPath, ['scripts/db-migrate.mjs'], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl(dbs.template) },
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`db:migrate of ${dbs.template} failed:\n${result.stdout}\n${result.stderr}`);
    return dbs;
  }

  /** A fresh, migrated database; returns its URL. */
  async clone(label: string): Promise<string> {
    const name = `${this.prefix}_${label}_${randomBytes(3).toString('hex')}`;
    await withAdmin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${this.template}"`));
    return databaseUrl(name);
  }

  async drop(): Promise<void> {
    await withAdmin(async (c) => {
      const { rows } = await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${this.prefix}%`]);
      for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    });
  }
}

/** How long an idle Postgres backend may keep its counts before reporting them (PGSTAT_IDLE_INTERVAL). */
export const PG_STATS_IDLE_FLUSH_MS = 10_000;

/**
 * Transactions of the app in one database so far: pg_stat_database's commits and rollbacks less the
 * benchmark's own. Backends report their counts when they exit, or up to PG_STATS_IDLE_FLUSH_MS after
 * going idle: read this once the app has stopped or been idle that long.
 */
export async function appTransactions(url: string): Promise<number> {
  // This reading's own connection and query are not in the figure it reads.
  const own = benchTransactions(url);
  const total = await withDatabase(url, async (client) => {
    const { rows } = await client.query<{ n: string }>('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()');
    return Number(rows[0].n);
  });
  return total - own;
}

/** CPU time so far of each Postgres backend connected to the database of `url` (this query's own excluded). */
export async function backendCpuMs(url: string): Promise<Map<number, number>> {
  const pids = await withDatabase(url, async (client) => {
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    return rows.map((r) => r.pid);
  });
  const cpu = new Map<number, number>();
  for (const pid of pids) {
    const ms = processCpuMs(pid);
    if (ms !== null) cpu.set(pid, ms);
  }
  return cpu;
}

/**
 * CPU the backends spent between two readings; a backend that connected in between counts from
 * zero. One that disconnected in between is missed, which is why this reads before the app stops.
 */
export function backendCpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

export function newRedisPrefix(runId: string, label: string): string {
  return `plumline-bench-${runId}-${label}`;
}

/** Removes every key written under a prefix (the tests' cleanup, pointed at the bench's Redis). */
export function deleteRedisPrefix(prefix: string): Promise<void> {
  return deleteTestRedisPrefix(prefix, REDIS_URL);
}

export function redisClient(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * A private copy of the compiled app (`npm run build` output). Other work in this tree rebuilds
 * dist/ (the build deletes it first), which would break an app process started mid-run; the copy
 * keeps every process of the run on the same code. Lives under bench/results/ (git-ignored).
 */
export interface BuildSnapshot {
  /** The copied dist/src/main.js. */
  main: string;
  dir: string;
  remove: () => void;
}

export function snapshotBuild(runId: string): BuildSnapshot {
  const dist = join(REPO_ROOT, 'dist');
  const main = join(dist, 'src', 'main.js');
  if (!existsSync(main)) throw new Error('dist/src/main.js is missing: run `npm run build` first (`npm run bench` builds by itself)');
  if (newestMtime(join(REPO_ROOT, 'src')) > statSync(main).mtimeMs) {
    process.stderr.write('warning: src/ has changed since the last build; run `npm run build` to measure the current code\n');
  }
  const dir = join(RESULTS_DIR, `.app-${runId}`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  cpSync(dist, join(dir, 'dist'), { recursive: true });
  return { main: join(dir, 'dist', 'src', 'main.js'), dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface AppProcessOptions {
  name: string;
  main: string;
  role: 'all' | 'api' | 'worker';
  port: number;
  databaseUrl: string;
  redisPrefix: string;
  plumApiUrl?: string;
  plumClientId?: string;
  plumClientSecret?: string;
  logLevel?: string;
  extraEnv?: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
}

/**
 * Starts the compiled service as production runs it, with exactly this environment: it runs in
 * the snapshot directory, so the repository's .env (which the service reads from its working
 * directory) does not leak in.
 */
export function startAppProcess(options: AppProcessOptions): ManagedProcess {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(options.port),
    APP_ROLE: options.role,
    DATABASE_URL: options.databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: options.redisPrefix,
    PLUM_API_URL: options.plumApiUrl ?? 'http://127.0.0.1:9',
    PLUM_CLIENT_ID: options.plumClientId ?? 'bench-client',
    PLUM_CLIENT_SECRET: options.plumClientSecret ?? 'bench-secret',
    PUBLIC_URL: 'https://plumline.bench.invalid',
    WEBHOOK_REGISTRATION: 'off',
    WEBHOOK_SECRET: BENCH_WEBHOOK_SECRET,
    API_TOKEN: BENCH_API_TOKEN,
    LOG_LEVEL: options.logLevel ?? 'warn',
    LOG_FORMAT: 'json',
    ...options.extraEnv,
  };
  return startProcess(options.name, process.execPath, [...(options.nodeFlags ?? []), options.main], { env, cwd: resolve(options.main, '..', '..', '..') });
}

export async function startHttpApp(options: AppProcessOptions): Promise<ManagedProcess> {
  const proc = startAppProcess(options);
  await waitForHealthy(proc, options.port);
  return proc;
}
