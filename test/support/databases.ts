import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { Client } from 'pg';

/** The Postgres server the tests use; each run and each file gets its own database on it. */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const RUN_ENV = 'PLUMLINE_TEST_RUN';

export function databaseUrl(name: string): string {
  return `${TEST_SERVER_URL.replace(/\/$/, '')}/${name}`;
}

export function newRunId(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export function runId(): string {
  const id = process.env[RUN_ENV];
  if (!id) throw new Error(`${RUN_ENV} is not set: run the e2e tests through jest (global setup)`);
  return id;
}

export function setRunId(id: string): void {
  process.env[RUN_ENV] = id;
}

export const templateName = (run: string) => `plumline_test_${run}`;

export async function withAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Applies the committed migrations with the same script operators use (`npm run db:migrate`). */
export function migrate(url: string): void {
  const result = spawnSync(process.execPath, ['scripts/db-migrate.mjs'], {
    env: { ...process.env, DATABASE_URL: url },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`db:migrate failed:\n${result.stdout}\n${result.stderr}`);
}

/** A fresh database for one test file, cloned from the run's migrated template. */
export async function createFileDatabase(): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const run = runId();
  const name = `${templateName(run)}_${randomBytes(4).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName(run)}"`));
  return { url: databaseUrl(name), name, drop: () => dropDatabase(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

export async function dropRunDatabases(run: string): Promise<void> {
  await withAdmin(async (c) => {
    const { rows } = await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${templateName(run)}%`]);
    for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
}
