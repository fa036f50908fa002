import { databaseUrl, migrate, newRunId, setRunId, templateName } from './databases';

/** One migrated template database per run; each test file clones it (CREATE DATABASE ... TEMPLATE). */
export default async function globalSetup(): Promise<void> {
  const run = newRunId();
  setRunId(run);
  migrate(databaseUrl(templateName(run)));
}
