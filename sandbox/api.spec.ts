import type { PlumBooking, PlumBookingPage } from '../src/plum/plum.types';
import { startSandbox } from './sandbox';
import { api, login, sleep } from './test-support';
import type { RunningSandbox } from './types';

describe('sandbox upstream API', () => {
  let sandbox: RunningSandbox;

  beforeEach(async () => {
    sandbox = await startSandbox({ seed: 1 });
  });
  afterEach(() => sandbox.close());

  describe('authentication', () => {
    it('issues a JWT with an expiry for the right credentials and 401 for wrong ones', async () => {
      const good = await api(sandbox, 'POST', '/authenticate', { body: { clientId: 'sandbox-client', clientSecret: 'sandbox-secret' } });
      expect(good.status).toBe(200);
      const { token, expiresAt } = good.body as { token: string; expiresAt: string };
      expect(token.split('.')).toHaveLength(3);
      const payload = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as { exp: number };
      expect(payload.exp).toBe(Math.floor(Date.parse(expiresAt) / 1000));

      const bad = await api(sandbox, 'POST', '/authenticate', { body: { clientId: 'sandbox-client', clientSecret: 'nope' } });
      expect(bad.status).toBe(401);
      expect(bad.body).toMatchObject({ statusCode: 401 });
    });

    it('uses the credentials from the options', async () => {
      const custom = await startSandbox({ clientId: 'id-1', clientSecret: 'secret-1' });
      try {
        expect((await api(custom, 'POST', '/authenticate', { body: { clientId: 'id-1', clientSecret: 'secret-1' } })).status).toBe(200);
        expect((await api(custom, 'POST', '/authenticate', { body: { clientId: 'sandbox-client', clientSecret: 'sandbox-secret' } })).status).toBe(401);
      } finally {
        await custom.close();
      }
    });

    it('answers 401 without a token or with an unknown one', async () => {
      expect((await api(sandbox, 'GET', '/v2/bookings')).status).toBe(401);
      expect((await api(sandbox, 'GET', '/v2/bookings', { token: 'not-a-token' })).status).toBe(401);
    });

    it('answers 403 once a token is past its TTL', async () => {
      const short = await startSandbox({ tokenTtlMs: 150 });
      try {
        const token = await login(short);
        expect((await api(short, 'GET', '/v2/bookings', { token })).status).toBe(200);
        await sleep(200);
        expect((await api(short, 'GET', '/v2/bookings', { token })).status).toBe(403);
        expect((await api(short, 'GET', '/v2/bookings', { token: await login(short) })).status).toBe(200);
      } finally {
        await short.close();
      }
    });

    it('answers 403 once a token has used up its requests', async () => {
      const limited = await startSandbox({ tokenMaxUses: 2 });
      try {
        const token = await login(limited);
        const statuses = [];
        for (let i = 0; i < 3; i++) statuses.push((await api(limited, 'GET', '/v2/bookings', { token })).status);
        expect(statuses).toEqual([200, 200, 403]);
      } finally {
        await limited.close();
      }
    });

    it('changes TTL and uses at run time for tokens issued afterwards', async () => {
      const before = await login(sandbox);
      await sandbox.setFaults({ tokenMaxUses: 1 });
      const after = await login(sandbox);
      expect((await api(sandbox, 'GET', '/v2/bookings', { token: after })).status).toBe(200);
      expect((await api(sandbox, 'GET', '/v2/bookings', { token: after })).status).toBe(403);
      expect((await api(sandbox, 'GET', '/v2/bookings', { token: before })).status).toBe(200);
      expect((await api(sandbox, 'GET', '/v2/bookings', { token: before })).status).toBe(200);
    });

    it('expires every token on demand (forced expiry)', async () => {
      const token = await login(sandbox);
      expect((await api(sandbox, 'GET', '/v2/bookings', { token })).status).toBe(200);
      expect(await sandbox.expireTokens()).toBe(1);
      expect((await api(sandbox, 'GET', '/v2/bookings', { token })).status).toBe(403);
      expect((await api(sandbox, 'GET', '/v2/bookings', { token: await login(sandbox) })).status).toBe(200);
    });
  });

  describe('bookings and listings', () => {
    let token: string;
    beforeEach(async () => {
      token = await login(sandbox);
    });

    it('serves a booking with the PlumBooking fields, and 404 JSON for an unknown code', async () => {
      const created = await sandbox.createBooking({ status: 'Confirmed', checkIn: '2031-05-01', checkOut: '2031-05-04' });
      const answer = await api(sandbox, 'GET', `/v2/bookings/${created.bookingCode}`, { token });
      expect(answer.status).toBe(200);
      const booking = answer.body as PlumBooking;
      expect(booking).toEqual(created);
      expect(booking.bookingCode).toMatch(/^PG-[A-Z0-9]+$/);
      expect(booking).toMatchObject({ status: 'Confirmed', checkIn: '2031-05-01', checkOut: '2031-05-04', currencyCode: 'GBP' });
      expect(booking.guest).toEqual({ firstName: expect.any(String), lastName: expect.any(String), email: expect.stringContaining('@') });
      expect(typeof booking.listingId).toBe('number');
      expect(booking.numberOfGuests).toBeGreaterThan(0);
      expect(booking.totalAmount).toBeGreaterThan(0);
      expect(booking.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

      const missing = await api(sandbox, 'GET', '/v2/bookings/PG-NOPE', { token });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toContain('application/json');
      expect(missing.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    });

    it('paginates GET /v2/bookings in creation order', async () => {
      const codes: string[] = [];
      for (let i = 0; i < 7; i++) codes.push((await sandbox.createBooking()).bookingCode);
      const pages: PlumBookingPage[] = [];
      for (let page = 1; page <= 4; page++) {
        const answer = await api(sandbox, 'GET', `/v2/bookings?page=${page}&pageSize=3`, { token });
        expect(answer.status).toBe(200);
        pages.push(answer.body as PlumBookingPage);
      }
      expect(pages.map((p) => [p.page, p.pageSize, p.items.length, p.totalCount, p.hasMore])).toEqual([
        [1, 3, 3, 7, true],
        [2, 3, 3, 7, true],
        [3, 3, 1, 7, false],
        [4, 3, 0, 7, false],
      ]);
      expect(pages.flatMap((p) => p.items.map((b) => b.bookingCode))).toEqual(codes);

      const defaults = (await api(sandbox, 'GET', '/v2/bookings', { token })).body as PlumBookingPage;
      expect([defaults.page, defaults.pageSize, defaults.items.length]).toEqual([1, 50, 7]);
      expect(((await api(sandbox, 'GET', '/v2/bookings?pageSize=5000', { token })).body as PlumBookingPage).pageSize).toBe(100);
      expect((await api(sandbox, 'GET', '/v2/bookings?page=0', { token })).status).toBe(400);
      expect((await api(sandbox, 'GET', '/v2/bookings?pageSize=abc', { token })).status).toBe(400);
    });

    it('serves listings, and 404 for unknown ones', async () => {
      const listing = await sandbox.createListing({ name: 'Villa Plum' });
      const answer = await api(sandbox, 'GET', `/v2/listings/${listing.listingId}`, { token });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ listingId: listing.listingId, name: 'Villa Plum', timezone: 'Europe/London' });
      expect((await api(sandbox, 'GET', '/v2/listings/999999', { token })).status).toBe(404);
      expect((await api(sandbox, 'GET', '/v2/listings/abc', { token })).status).toBe(404);
    });

    it('spells the pending status as asked and can leave updatedAt out', async () => {
      const { bookingCode } = await sandbox.createBooking({ status: 'Request' });
      const get = async (): Promise<PlumBooking> => (await api(sandbox, 'GET', `/v2/bookings/${bookingCode}`, { token })).body as PlumBooking;
      expect((await get()).status).toBe('Request');
      await sandbox.setFaults({ requestSpelling: 'Requested', omitUpdatedAt: true });
      const shaped = await get();
      expect(shaped.status).toBe('Requested');
      expect(shaped).not.toHaveProperty('updatedAt');
      const page = (await api(sandbox, 'GET', '/v2/bookings', { token })).body as PlumBookingPage;
      expect(page.items[0]).toMatchObject({ status: 'Requested' });
      expect(page.items[0]).not.toHaveProperty('updatedAt');
      expect(sandbox.booking(bookingCode)).toMatchObject({ status: 'Request', updatedAt: expect.any(String) });
    });

    it('keeps updatedAt strictly increasing on every change of a booking', async () => {
      const booking = await sandbox.createBooking({ status: 'Request', checkIn: '2031-01-10', checkOut: '2031-01-12' });
      const stamps = [booking.updatedAt as string];
      stamps.push((await sandbox.changeDates(booking.bookingCode, { checkIn: '2031-01-11', checkOut: '2031-01-13' })).updatedAt as string);
      stamps.push((await sandbox.approve(booking.bookingCode)).updatedAt as string);
      stamps.push((await sandbox.setBooking(booking.bookingCode, { numberOfGuests: 2 })).updatedAt as string);
      stamps.push((await sandbox.cancel(booking.bookingCode)).updatedAt as string);
      for (let i = 1; i < stamps.length; i++) expect(Date.parse(stamps[i] as string)).toBeGreaterThan(Date.parse(stamps[i - 1] as string));
      expect(booking.createdAt).toBe(stamps[0]);
    });

    it('logs every upstream call with method, path and status (but not control calls)', async () => {
      await api(sandbox, 'GET', '/v2/bookings/PG-NOPE', { token });
      await sandbox.createBooking();
      await fetch(`${sandbox.url}/_sandbox/bookings`);
      expect(sandbox.requests().map((r) => [r.method, r.path, r.status])).toEqual([
        ['POST', '/authenticate', 200],
        ['GET', '/v2/bookings/PG-NOPE', 404],
      ]);
      expect(sandbox.requests({ method: 'POST', path: '/v2/webhooks/config' })).toEqual([]);
      await sandbox.clearLogs();
      expect(sandbox.requests()).toEqual([]);
    });
  });

  describe('webhook configuration', () => {
    const config = { isActive: true, endpoints: { bookings: 'https://pm.example/webhooks/bookings?token=s3cret', listings: 'https://pm.example/webhooks/listings' } };

    it('creates, reads, updates, toggles and deletes the one configuration', async () => {
      const token = await login(sandbox);
      expect((await api(sandbox, 'GET', '/v2/webhooks/config', { token })).status).toBe(404);
      expect((await api(sandbox, 'PATCH', '/v2/webhooks/config/toggle?isActive=false', { token })).status).toBe(404);
      expect((await api(sandbox, 'POST', '/v2/webhooks/config', { token, body: config })).status).toBe(201);
      expect((await api(sandbox, 'GET', '/v2/webhooks/config', { token })).body).toEqual(config);

      const updated = { isActive: true, endpoints: { bookings: 'https://pm.example/v2/bookings', listings: null } };
      const update = await api(sandbox, 'POST', '/v2/webhooks/config', { token, body: updated });
      expect(update.status).toBe(200);
      expect(update.body).toEqual(updated);

      const off = await api(sandbox, 'PATCH', '/v2/webhooks/config/toggle?isActive=false', { token });
      expect(off.body).toMatchObject({ isActive: false });
      expect((await api(sandbox, 'PATCH', '/v2/webhooks/config/toggle?isActive=maybe', { token })).status).toBe(400);
      expect(sandbox.webhookConfig()).toMatchObject({ isActive: false });

      expect((await api(sandbox, 'DELETE', '/v2/webhooks/config', { token })).status).toBe(204);
      expect((await api(sandbox, 'DELETE', '/v2/webhooks/config', { token })).status).toBe(404);
      expect(sandbox.webhookConfig()).toBeNull();
      expect(sandbox.requests({ method: 'POST', path: '/v2/webhooks/config' })).toHaveLength(2);
    });

    it('refuses an http endpoint unless the sandbox runs in local mode', async () => {
      const http = { isActive: true, endpoints: { bookings: 'http://127.0.0.1:3000/webhooks/bookings', listings: null } };
      const token = await login(sandbox);
      const refused = await api(sandbox, 'POST', '/v2/webhooks/config', { token, body: http });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ message: expect.stringContaining('https') });
      expect((await api(sandbox, 'POST', '/v2/webhooks/config', { token, body: { isActive: true, endpoints: {} } })).status).toBe(400);
      expect((await api(sandbox, 'POST', '/v2/webhooks/config', { token, body: { isActive: 'yes', endpoints: config.endpoints } })).status).toBe(400);

      const local = await startSandbox({ localMode: true });
      try {
        const answer = await api(local, 'POST', '/v2/webhooks/config', { token: await login(local), body: http });
        expect(answer.status).toBe(201);
        expect(local.webhookConfig()).toEqual(http);
      } finally {
        await local.close();
      }
    });
  });
});
