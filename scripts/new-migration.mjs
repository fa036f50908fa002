// npm run db:new-migration -- <name>
// Writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL that takes the committed
// schema (git HEAD) to the working one. The WASM engine's `migrate dev` crashes on the daterange
// column, so this diff needs no shadow database; append hand-written SQL where the schema cannot say it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseUrl } from './lib/env.mjs';
import { ensureDatabase, prisma } from './lib/database.mjs';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run db:new-migration -- <name in snake_case>');
  process.exit(2);
}

let from = ['--from-empty'];
try {
  const previous = execFileSync('git', ['show', 'HEAD:prisma/schema.prisma'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const file = join(mkdtempSync(join(tmpdir(), 'plumline-schema-')), 'schema.prisma');
  writeFileSync(file, previous);
  from = ['--from-schema-datamodel', file];
} catch {
  // No committed schema yet: the migration starts from an empty database.
}

const url = databaseUrl();
await ensureDatabase(url); // the CLI's adapter connects even for a schema-to-schema diff
const sql = prisma(['migrate', 'diff', ...from, '--to-schema-datamodel', 'prisma/schema.prisma', '--script'], url, { capture: true });
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const dir = join('prisma', 'migrations', `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'migration.sql'), sql);
console.log(`wrote ${join(dir, 'migration.sql')}`);
