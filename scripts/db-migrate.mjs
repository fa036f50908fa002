// npm run db:migrate — applies pending migrations to DATABASE_URL, creating the database first if needed.
import { databaseUrl } from './lib/env.mjs';
import { ensureDatabase, prisma } from './lib/database.mjs';

const url = databaseUrl();
try {
  if (await ensureDatabase(url)) console.log(`created database ${new URL(url).pathname.slice(1)}`);
  prisma(['migrate', 'deploy'], url);
} catch (error) {
  console.error(`db:migrate: ${error.message}`);
  process.exit(1);
}
