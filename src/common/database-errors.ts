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

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03']);

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** Duck-typed rather than `instanceof Error`: errors raised inside Node's own modules come from another realm under test runners. */
export function isDatabaseUnavailable(candidate: unknown): boolean {
  if (typeof candidate !== 'object' || candidate === null) return false;
  const error = candidate as ErrorLike;
  if (typeof error.code === 'string' && (UNAVAILABLE_PRISMA_CODES.has(error.code) || NETWORK_CODES.has(error.code))) return true;
  // A refused connection to a host with several addresses arrives as an AggregateError.
  if (Array.isArray(error.errors) && error.errors.some(isDatabaseUnavailable)) return true;
  const text = `${String(error.name)} ${String(error.message)} ${JSON.stringify(error.cause ?? '')}`;
  return UNAVAILABLE_PATTERNS.some((pattern) => pattern.test(text));
}
