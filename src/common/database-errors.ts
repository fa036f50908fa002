// Errors that mean "Postgres cannot be reached right now", as opposed to a bad query.
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const UNAVAILABLE_PATTERNS = [
  /ECONNREFUSED/,
  /ECONNRESET/,
  /ETIMEDOUT/,
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /the database system is (starting up|shutting down|not yet accepting connections|in recovery mode)/i,
  /\b57P0[1-4]\b/, // admin_shutdown, crash_shutdown, cannot_connect_now, database_dropped
  /terminating connection due to administrator command/i,
  /Can't reach database server/i,
  /DatabaseNotReachable|ConnectionClosed|SocketTimeout/,
];

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_PRISMA_CODES.has(code)) return true;
  const text = `${error.name} ${error.message} ${JSON.stringify((error as { cause?: unknown }).cause ?? '')}`;
  return UNAVAILABLE_PATTERNS.some((pattern) => pattern.test(text));
}
