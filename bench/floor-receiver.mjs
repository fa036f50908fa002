// The floor of `npm run bench:ingest`: the least a webhook receiver with the app's guarantees can do.
// Same table, same durability (answer only after the row is committed), same enqueue work (a BullMQ
// job with jobId = eventId, issued after the answer as the app does), one round trip each and no
// batching, and none of the framework (no Nest, no Fastify, no Prisma, no validation library).
//
// Environment: PORT, DATABASE_URL, REDIS_URL, REDIS_PREFIX, WEBHOOK_SECRET,
// FLOOR_ENQUEUE=bullmq|lpush (lpush: one LPUSH of the eventId instead of a BullMQ add), PG_POOL_MAX (20, as the app).
import { timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import pg from 'pg';

const port = Number(process.env.PORT ?? 3100);
const secret = Buffer.from(process.env.WEBHOOK_SECRET ?? '');
const prefix = process.env.REDIS_PREFIX ?? 'plumline-floor';
const mode = process.env.FLOOR_ENQUEUE ?? 'bullmq';
if (mode !== 'bullmq' && mode !== 'lpush') throw new Error(`FLOOR_ENQUEUE must be bullmq or lpush, got ${mode}`);

const BODY_LIMIT = 64 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BOOKING_CODE = /^[A-Za-z0-9_-]{1,64}$/;
const INSERT = `INSERT INTO webhook_events (event_id, kind, booking_code, listing_id, event_timestamp, payload)
  VALUES ($1, 'booking', $2, NULL, $3, $4) ON CONFLICT (event_id) DO NOTHING RETURNING event_id`;

// The same pool size as the app's Prisma adapter.
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.PG_POOL_MAX ?? 20) });
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// The app's default job options (src/queue/queue.module.ts), so Redis stores the same job.
const queue =
  mode === 'bullmq'
    ? new Queue('plum-events', {
        connection: { url: redisUrl },
        prefix,
        defaultJobOptions: { attempts: 8, backoff: { type: 'plum', delay: 30_000 }, removeOnComplete: { age: 86_400, count: 50_000 }, removeOnFail: false },
      })
    : null;
const redis = mode === 'lpush' ? new Redis(redisUrl) : null;
let enqueueFailures = 0;

function enqueue(eventId, bookingCode) {
  const added = queue ? queue.add('booking-event', { eventId, bookingCode }, { jobId: eventId }) : redis.lpush(`${prefix}:floor-events`, eventId);
  added.catch(() => enqueueFailures++);
}

function send(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

function authorized(req) {
  if (secret.length === 0) return true;
  const url = req.url ?? '';
  const query = url.indexOf('?');
  const presented = req.headers['x-webhook-token'] ?? (query >= 0 ? new URLSearchParams(url.slice(query + 1)).get('token') : null);
  const given = Buffer.from(typeof presented === 'string' ? presented : '');
  return given.length === secret.length && timingSafeEqual(given, secret);
}

async function receive(req, res, raw) {
  let body;
  try {
    body = JSON.parse(raw);
  } catch {
    return send(res, 400, { statusCode: 400, error: 'Bad Request', message: 'malformed JSON' });
  }
  const { eventId, timestamp, bookingCode } = body ?? {};
  const at = typeof timestamp === 'string' ? new Date(timestamp) : null;
  if (typeof eventId !== 'string' || !UUID.test(eventId) || typeof bookingCode !== 'string' || !BOOKING_CODE.test(bookingCode) || !at || Number.isNaN(at.getTime())) {
    return send(res, 400, { statusCode: 400, error: 'Bad Request', message: 'invalid event' });
  }
  let inserted;
  try {
    const result = await pool.query(INSERT, [eventId.toLowerCase(), bookingCode, at, raw]);
    inserted = result.rowCount === 1;
  } catch (error) {
    return send(res, 503, { statusCode: 503, error: 'Service Unavailable', message: String(error?.message ?? error) });
  }
  send(res, 200, { acknowledged: true, status: inserted ? 'accepted' : 'duplicate', eventId });
  if (inserted) enqueue(eventId.toLowerCase(), bookingCode);
}

const server = createServer((req, res) => {
  const path = (req.url ?? '').split('?')[0];
  if (req.method === 'GET' && path === '/health') return send(res, 200, { status: 'ok', enqueueFailures });
  if (req.method !== 'POST' || path !== '/webhooks/bookings') return send(res, 404, { statusCode: 404, error: 'Not Found' });
  if (!authorized(req)) return send(res, 401, { statusCode: 401, error: 'Unauthorized' });
  if ((req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() !== 'application/json') {
    return send(res, 415, { statusCode: 415, error: 'Unsupported Media Type' });
  }
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size <= BODY_LIMIT) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > BODY_LIMIT) return send(res, 413, { statusCode: 413, error: 'Payload Too Large' });
    void receive(req, res, Buffer.concat(chunks).toString('utf8'));
  });
});

// Node's defaults would close idle keep-alive sockets after 5 s; a load generator keeps them busy anyway.
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => console.log(`floor receiver (${mode}) listening on 127.0.0.1:${port}`));

async function shutdown() {
  server.close();
  server.closeAllConnections();
  await Promise.allSettled([pool.end(), queue?.close(), redis?.quit()]);
  process.exit(0);
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
