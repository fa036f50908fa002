// npm run sandbox: the Plum sandbox as its own process (scripts/dev.mjs starts it beside the app).
import { startSandbox } from './sandbox';

function env(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}

function envInteger(name: string, min: number): number | undefined {
  const raw = env(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name}=${JSON.stringify(raw)}: must be an integer >= ${min}`);
  return value;
}

function envBoolean(name: string): boolean | undefined {
  const raw = env(name)?.toLowerCase();
  if (raw === undefined) return undefined;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error(`${name}=${JSON.stringify(raw)}: must be true or false`);
}

async function main(): Promise<void> {
  const quiet = envBoolean('SANDBOX_QUIET') ?? false;
  const write = (line: string): void => console.log(`[plum-sandbox] ${line}`);
  // Quiet keeps start-up, configuration and event lines but drops one line per request and per delivery.
  const logger = quiet ? (line: string) => (/^(GET|POST|PUT|PATCH|DELETE) |^webhook /.test(line) ? undefined : write(line)) : write;
  const sandbox = await startSandbox({
    port: envInteger('SANDBOX_PORT', 0) ?? 4010,
    host: env('SANDBOX_HOST') ?? '127.0.0.1',
    clientId: env('SANDBOX_CLIENT_ID'),
    clientSecret: env('SANDBOX_CLIENT_SECRET'),
    localMode: envBoolean('SANDBOX_LOCAL_MODE') ?? false,
    tokenTtlMs: envInteger('SANDBOX_TOKEN_TTL_MS', 1),
    tokenMaxUses: envInteger('SANDBOX_TOKEN_MAX_USES', 1),
    retryBaseMs: envInteger('SANDBOX_RETRY_BASE_MS', 0),
    maxDeliveryAttempts: envInteger('SANDBOX_MAX_DELIVERY_ATTEMPTS', 1),
    seed: envInteger('SANDBOX_SEED', 0),
    logger,
  });
  write(`control API: ${sandbox.url}/_sandbox (try: curl -X POST ${sandbox.url}/_sandbox/bookings)`);
  const stop = (): void => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`[plum-sandbox] could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
