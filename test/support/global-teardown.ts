import { dropRunDatabases, runId } from './databases';

export default async function globalTeardown(): Promise<void> {
  await dropRunDatabases(runId());
}
