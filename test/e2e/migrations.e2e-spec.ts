import { Client } from 'pg';
import { databaseUrl, dropDatabase, migrate, runId, templateName, withAdmin } from '../support/databases';

describe('migrations on an empty database', () => {
  const name = `${templateName(runId())}_empty`;
  let db: Client;

  beforeAll(async () => {
    await dropDatabase(name);
    migrate(databaseUrl(name)); // creates the database too, as `npm run db:migrate` does
    db = new Client({ connectionString: databaseUrl(name) });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await dropDatabase(name);
  });

  const block = (code: string, listingId: number, from: string, to: string, kind = 'booking') =>
    db.query(`INSERT INTO blocked_ranges (booking_code, listing_id, kind, during) VALUES ($1, $2, $3::block_kind, daterange($4::date, $5::date, '[)'))`, [
      code,
      listingId,
      kind,
      from,
      to,
    ]);

  it('creates every table', async () => {
    const { rows } = await db.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
    expect(rows.map((r) => r.tablename)).toEqual(
      expect.arrayContaining(['webhook_events', 'reservations', 'blocked_ranges', 'booking_conflicts', 'listings', 'webhook_registration']),
    );
  });

  it('refuses an overlapping booking block on the same listing', async () => {
    await block('A', 1, '2027-01-10', '2027-01-15');
    await expect(block('B', 1, '2027-01-14', '2027-01-20')).rejects.toMatchObject({ code: '23P01', constraint: 'blocked_ranges_no_overlapping_bookings' });
  });

  it('allows back-to-back stays, other listings and tentative holds over booked dates', async () => {
    await block('C', 2, '2027-01-10', '2027-01-15');
    await expect(block('D', 2, '2027-01-15', '2027-01-18')).resolves.toBeDefined();
    await expect(block('E', 3, '2027-01-10', '2027-01-15')).resolves.toBeDefined();
    await expect(block('F', 2, '2027-01-11', '2027-01-12', 'tentative')).resolves.toBeDefined();
  });

  it('refuses an empty or inverted stay', async () => {
    await expect(block('G', 4, '2027-01-10', '2027-01-10')).rejects.toMatchObject({ code: '23514' });
    await expect(
      db.query(
        `INSERT INTO reservations (booking_code, listing_id, status, upstream_status, check_in, check_out, upstream_version, raw, synced_at)
         VALUES ('H', 1, 'Confirmed', 'Confirmed', '2027-01-10', '2027-01-09', now(), '{}', now())`,
      ),
    ).rejects.toMatchObject({ code: '23514' });
  });

  it('is idempotent: migrating again applies nothing and succeeds', async () => {
    expect(() => migrate(databaseUrl(name))).not.toThrow();
    const { rows } = await withAdmin((c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]));
    expect(rows).toHaveLength(1);
  });
});
