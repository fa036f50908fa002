import { Client } from 'pg';
import type { RunningSandbox } from '../../../sandbox';

/** What a drill ends with: acknowledged events against processed ones, and why any was not. */
export interface Tally {
  /** Events the sandbox sent (booking events, and listing events for listings it created on the way). */
  sent: number;
  /** Distinct events answered 2xx at least once: the app owes each of them. */
  acknowledged: number;
  /**
   * Acknowledged events whose row is `processed` and whose booking's reservation matches the sandbox
   * (a listing event: whose listing is stored).
   */
  processed: number;
  lost: number;
  /** Sent but never answered 2xx (the sender gave up): not owed by the app, but a drill misconfiguration. */
  unacknowledged: number;
  /** Acknowledged events not (yet) processed, by reason: `no row`, `status <s>`, `reservation differs`. */
  pending: Record<string, number>;
  /** A few examples of unprocessed acknowledged events, for the report. */
  examples: string[];
  /** Each acknowledged event: null when processed, else why not. */
  outcome: Map<string, string | null>;
  /** Each acknowledged event: when its first 2xx delivery started (ms). */
  ackedAt: Map<string, number>;
  /** Event rows by status (all rows of the database). */
  rowsByStatus: Record<string, number>;
}

interface ReservationRow {
  booking_code: string;
  listing_id: number;
  status: string;
  check_in: string;
  check_out: string;
}

export async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function countProcessed(url: string): Promise<number> {
  return withClient(url, async (c) => Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM webhook_events WHERE status = 'processed'`)).rows[0]?.n ?? 0));
}

export async function rowsByStatus(url: string): Promise<Record<string, number>> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ status: string; n: string }>(`SELECT status::text AS status, count(*) AS n FROM webhook_events GROUP BY 1 ORDER BY 1`);
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  });
}

/**
 * Counts from the two sides: the sandbox's delivery log (which events got a 2xx) and the app's
 * database (event rows and reservations), compared with the sandbox's own bookings.
 */
export async function tally(sandbox: RunningSandbox, databaseUrl: string): Promise<Tally> {
  const events = sandbox.events().filter((e) => e.queued);
  const ackedAt = new Map<string, number>();
  for (const d of sandbox.deliveries({ ok: true })) {
    const at = Date.parse(d.at);
    if (!ackedAt.has(d.eventId) || at < (ackedAt.get(d.eventId) as number)) ackedAt.set(d.eventId, at);
  }
  const okIds = new Set(ackedAt.keys());
  const acked = events.filter((e) => okIds.has(e.eventId));
  const codes = [...new Set(acked.filter((e) => e.kind === 'booking').map((e) => e.bookingCode as string))];

  const { statuses, reservations, storedListings, byStatus } = await withClient(databaseUrl, async (c) => {
    const rows = await c.query<{ event_id: string; status: string }>(
      `SELECT event_id::text AS event_id, status::text AS status FROM webhook_events WHERE event_id = ANY($1::uuid[])`,
      [acked.map((e) => e.eventId)],
    );
    const res = await c.query<ReservationRow>(
      `SELECT booking_code, listing_id, status, check_in::text AS check_in, check_out::text AS check_out
       FROM reservations WHERE booking_code = ANY($1::varchar[])`,
      [codes],
    );
    const listings = await c.query<{ listing_id: number }>(`SELECT listing_id FROM listings`);
    const all = await c.query<{ status: string; n: string }>(`SELECT status::text AS status, count(*) AS n FROM webhook_events GROUP BY 1 ORDER BY 1`);
    return {
      statuses: new Map(rows.rows.map((r) => [r.event_id, r.status])),
      reservations: new Map(res.rows.map((r) => [r.booking_code, r])),
      storedListings: new Set(listings.rows.map((r) => r.listing_id)),
      byStatus: Object.fromEntries(all.rows.map((r) => [r.status, Number(r.n)])),
    };
  });

  const matches = new Map<string, boolean>();
  for (const code of codes) {
    const booking = sandbox.booking(code);
    const stored = reservations.get(code);
    matches.set(
      code,
      !!booking &&
        !!stored &&
        stored.status === booking.status &&
        stored.listing_id === booking.listingId &&
        stored.check_in === booking.checkIn &&
        stored.check_out === booking.checkOut,
    );
  }

  let processed = 0;
  const pending: Record<string, number> = {};
  const examples: string[] = [];
  const outcome = new Map<string, string | null>();
  for (const event of acked) {
    const status = statuses.get(event.eventId);
    const applied = event.kind === 'booking' ? matches.get(event.bookingCode as string) : storedListings.has(event.listingId as number);
    const differs = event.kind === 'booking' ? 'reservation differs' : 'listing not stored';
    const reason = status === undefined ? 'no row' : status !== 'processed' ? `status ${status}` : !applied ? differs : null;
    outcome.set(event.eventId, reason);
    if (reason === null) {
      processed++;
      continue;
    }
    pending[reason] = (pending[reason] ?? 0) + 1;
    if (examples.length < 6 && (pending[reason] as number) <= 2) {
      const booking = sandbox.booking(event.bookingCode as string);
      const stored = reservations.get(event.bookingCode as string);
      examples.push(
        `${event.eventId} ${event.type} ${event.bookingCode ?? `listing ${event.listingId}`}: ${reason}` +
          (reason === 'reservation differs'
            ? ` (plum ${booking?.status} ${booking?.checkIn}..${booking?.checkOut}, stored ${stored ? `${stored.status} ${stored.check_in}..${stored.check_out}` : 'none'})`
            : ''),
      );
    }
  }

  return {
    sent: events.length,
    acknowledged: acked.length,
    processed,
    lost: acked.length - processed,
    unacknowledged: events.length - acked.length,
    pending,
    examples,
    outcome,
    ackedAt,
    rowsByStatus: byStatus,
  };
}

export function describePending(t: Tally): string {
  const parts = Object.entries(t.pending).map(([reason, n]) => `${reason}: ${n}`);
  return parts.length ? parts.join(', ') : 'none';
}
