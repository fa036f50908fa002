import { spawnSync } from 'node:child_process';
import pg from 'pg';

/** Creates the database named in `url` when it does not exist yet (on the same server). */
export async function ensureDatabase(url) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name) throw new Error('DATABASE_URL names no database');
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      return true;
    }
    return false;
  } finally {
    await client.end();
  }
}

/** Runs the Prisma CLI with DATABASE_URL set; throws when it fails. */
export function prisma(args, url, { capture = false } = {}) {
  const result = spawnSync('npx', ['--no-install', 'prisma', ...args], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`prisma ${args.join(' ')} failed (exit ${result.status})`);
  return result.stdout;
}
