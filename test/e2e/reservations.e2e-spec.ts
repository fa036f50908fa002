import type { Response as InjectResponse } from 'light-my-request';
import { insertReservation, newBookingCode } from '../support/factories';
import { createTestContext, startTestApp, TestApp, TestContext } from '../support/test-app';

interface ReservationBody {
  bookingCode: string;
  listingId: number;
  status: string;
  checkIn: string;
  checkOut: string;
  nights: number;
  guest: { name: string | null; email: string | null } | null;
  respondBy: string | null;
  minutesLeft?: number | null;
}

interface PageBody {
  items: ReservationBody[];
  nextCursor: string | null;
}

function expectBadParameter(res: InjectResponse, parameter: string): void {
  expect(res.statusCode).toBe(400);
  const body = res.json<{ statusCode: number; error: string; message: string[] }>();
  expect(body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(Array) });
  expect(body.message.some((m) => m.includes(parameter))).toBe(true);
}

describe('reservation queries (real Postgres)', () => {
  let ctx: TestContext;
  let sut: TestApp;

  beforeAll(async () => {
    ctx = await createTestContext();
    sut = await startTestApp(ctx);
  });

  afterAll(async () => {
    await sut?.close();
    await ctx?.cleanup();
  });

  const get = (url: string) => sut.request({ method: 'GET', url, auth: true });
  const codes = (res: InjectResponse) => res.json<PageBody>().items.map((r) => r.bookingCode);

  /** Follows nextCursor to the end; `between` runs after each page (to write concurrently). */
  async function walk(query: string, between: () => Promise<void> = async () => {}): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`/reservations?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.statusCode).toBe(200);
      const page = res.json<PageBody>();
      seen.push(...page.items.map((r) => r.bookingCode));
      cursor = page.nextCursor;
      await between();
    } while (cursor);
    return seen;
  }

  describe('GET /reservations/{bookingCode}', () => {
    it('answers one reservation in the documented shape', async () => {
      const row = await insertReservation(sut.prisma, {
        listingId: 11,
        status: 'Request',
        checkIn: '2030-03-01',
        checkOut: '2030-03-05',
        respondBy: new Date('2030-02-01T12:00:00.000Z'),
        lastEventAt: new Date('2030-01-31T10:00:00.000Z'),
      });
      const res = await get(`/reservations/${row.bookingCode}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        bookingCode: row.bookingCode,
        listingId: 11,
        status: 'Request',
        checkIn: '2030-03-01',
        checkOut: '2030-03-05',
        nights: 4,
        guest: { name: 'Ada Lovelace', email: 'ada@example.com' },
        respondBy: '2030-02-01T12:00:00.000Z',
        lastEventAt: '2030-01-31T10:00:00.000Z',
        syncedAt: row.syncedAt.toISOString(),
        createdAt: row.createdAt.toISOString(),
        updatedAt: row.updatedAt.toISOString(),
      });
    });

    it('shows guest as null when Plum shared no guest details', async () => {
      const row = await insertReservation(sut.prisma, { guestName: null, guestEmail: null });
      expect((await get(`/reservations/${row.bookingCode}`)).json<ReservationBody>().guest).toBeNull();
    });

    it('answers 404 in the one error shape for an unknown booking code', async () => {
      const res = await get('/reservations/NOPE-404');
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'Reservation NOPE-404 not found' });
    });

    it('answers 400 naming bookingCode when it cannot be a booking code', async () => {
      expectBadParameter(await get('/reservations/not%20a%20code'), 'bookingCode');
    });
  });

  describe('GET /reservations filters', () => {
    const listing = 21;
    const seeded: Record<string, string> = {};

    beforeAll(async () => {
      const rows: Array<[string, Parameters<typeof insertReservation>[1]]> = [
        ['confirmedJan', { status: 'Confirmed', checkIn: '2031-01-05', checkOut: '2031-01-08', updatedAt: new Date('2031-01-01T00:00:00Z') }],
        ['requestJan', { status: 'Request', checkIn: '2031-01-31', checkOut: '2031-02-02', updatedAt: new Date('2031-01-02T00:00:00Z') }],
        ['cancelledFeb', { status: 'Cancelled', checkIn: '2031-02-01', checkOut: '2031-02-03', updatedAt: new Date('2031-01-03T00:00:00Z') }],
        ['confirmedMar', { status: 'Confirmed', checkIn: '2031-03-10', checkOut: '2031-03-12', updatedAt: new Date('2031-01-04T00:00:00Z') }],
      ];
      for (const [name, seed] of rows) seeded[name] = (await insertReservation(sut.prisma, { listingId: listing, ...seed })).bookingCode;
      await insertReservation(sut.prisma, { listingId: listing + 1, status: 'Confirmed', checkIn: '2031-01-05', checkOut: '2031-01-08' });
    });

    const sorted = (...names: string[]) => names.map((n) => seeded[n]).sort();

    it('filters by listingId, ordered by booking code', async () => {
      const res = await get(`/reservations?listingId=${listing}`);
      expect(codes(res)).toEqual(sorted('confirmedJan', 'requestJan', 'cancelledFeb', 'confirmedMar'));
      expect(res.json<PageBody>().items.every((r) => r.listingId === listing)).toBe(true);
      expect(res.json<PageBody>().nextCursor).toBeNull();
    });

    it('filters by status', async () => {
      expect(codes(await get(`/reservations?listingId=${listing}&status=Confirmed`))).toEqual(sorted('confirmedJan', 'confirmedMar'));
      expect(codes(await get(`/reservations?listingId=${listing}&status=Declined`))).toEqual([]);
    });

    it('filters by check-in day, both bounds inclusive', async () => {
      expect(codes(await get(`/reservations?listingId=${listing}&checkInFrom=2031-01-31`))).toEqual(sorted('requestJan', 'cancelledFeb', 'confirmedMar'));
      expect(codes(await get(`/reservations?listingId=${listing}&checkInTo=2031-01-31`))).toEqual(sorted('confirmedJan', 'requestJan'));
      expect(codes(await get(`/reservations?listingId=${listing}&checkInFrom=2031-01-06&checkInTo=2031-02-01`))).toEqual(sorted('requestJan', 'cancelledFeb'));
    });

    it('filters by updatedSince (inclusive)', async () => {
      expect(codes(await get(`/reservations?listingId=${listing}&updatedSince=2031-01-03T00:00:00Z`))).toEqual(sorted('cancelledFeb', 'confirmedMar'));
      expect(codes(await get(`/reservations?listingId=${listing}&updatedSince=${encodeURIComponent('2031-01-03T01:00:00+01:00')}`))).toEqual(
        sorted('cancelledFeb', 'confirmedMar'),
      );
    });

    it('combines filters', async () => {
      const res = await get(`/reservations?listingId=${listing}&status=Confirmed&checkInFrom=2031-02-01&updatedSince=2031-01-01T00:00:00Z`);
      expect(codes(res)).toEqual(sorted('confirmedMar'));
    });
  });

  describe('GET /reservations pagination', () => {
    it('pages 50 by default and at most 200', async () => {
      const listing = 31;
      for (let i = 0; i < 60; i += 1) await insertReservation(sut.prisma, { listingId: listing });
      const first = (await get(`/reservations?listingId=${listing}`)).json<PageBody>();
      expect(first.items).toHaveLength(50);
      expect(first.nextCursor).toEqual(expect.any(String));
      const rest = (await get(`/reservations?listingId=${listing}&cursor=${encodeURIComponent(first.nextCursor!)}`)).json<PageBody>();
      expect(rest.items).toHaveLength(10);
      expect(rest.nextCursor).toBeNull();
      expect((await get(`/reservations?listingId=${listing}&limit=200`)).json<PageBody>().items).toHaveLength(60);
    });

    it('serves every row exactly once while rows are inserted and updated during the walk', async () => {
      const listing = 41;
      const initial = new Set<string>();
      for (let i = 0; i < 90; i += 1) initial.add((await insertReservation(sut.prisma, { listingId: listing })).bookingCode);
      const inserted: string[] = [];
      let writing = true;
      // A writer running beside the reader, not only between pages.
      const writer = (async () => {
        while (writing) {
          inserted.push((await insertReservation(sut.prisma, { listingId: listing })).bookingCode);
          await sut.prisma.reservation.updateMany({ where: { listingId: listing, bookingCode: { in: [...initial].slice(0, 5) } }, data: { status: 'Cancelled' } });
        }
      })();
      let seen: string[];
      try {
        seen = await walk(`listingId=${listing}&limit=7`, async () => {
          inserted.push((await insertReservation(sut.prisma, { listingId: listing, bookingCode: newBookingCode('AA') })).bookingCode);
          inserted.push((await insertReservation(sut.prisma, { listingId: listing, bookingCode: newBookingCode('ZZ') })).bookingCode);
        });
      } finally {
        writing = false;
        await writer;
      }
      expect(inserted.length).toBeGreaterThan(20);
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual(seen);
      for (const code of initial) expect(seen.filter((c) => c === code)).toHaveLength(1);
      const known = new Set([...initial, ...inserted]);
      expect(seen.every((c) => known.has(c))).toBe(true);
    });
  });

  describe('GET /reservations/pending', () => {
    it('lists requests only, soonest deadline first, with whole minutes left', async () => {
      const listing = 51;
      const now = Date.now();
      const later = await insertReservation(sut.prisma, { listingId: listing, status: 'Request', respondBy: new Date(now + 5 * 3_600_000) });
      const sooner = await insertReservation(sut.prisma, { listingId: listing, status: 'Request', respondBy: new Date(now + 90 * 60_000 + 30_000) });
      const overdue = await insertReservation(sut.prisma, { listingId: listing, status: 'Request', respondBy: new Date(now - 10 * 60_000 + 30_000) });
      const noDeadline = await insertReservation(sut.prisma, { listingId: listing, status: 'Request', respondBy: null });
      await insertReservation(sut.prisma, { listingId: listing, status: 'Confirmed', respondBy: new Date(now + 60_000) });
      await insertReservation(sut.prisma, { listingId: listing + 1, status: 'Request', respondBy: new Date(now + 60_000) });

      const res = await get(`/reservations/pending?listingId=${listing}`);
      expect(res.statusCode).toBe(200);
      const items = res.json<{ items: ReservationBody[] }>().items;
      expect(items.map((r) => r.bookingCode)).toEqual([overdue.bookingCode, sooner.bookingCode, later.bookingCode, noDeadline.bookingCode]);
      expect(items.every((r) => r.status === 'Request')).toBe(true);
      expect(items.map((r) => r.minutesLeft)).toEqual([-10, 90, expect.any(Number), null]);
      expect(items[2].minutesLeft).toBeGreaterThanOrEqual(299);
      expect(items[2].minutesLeft).toBeLessThanOrEqual(300);
      expect(items[1]).toMatchObject({ checkIn: expect.any(String), guest: { name: 'Ada Lovelace', email: 'ada@example.com' } });
    });

    it('is not taken for a booking code, and lists every listing without a filter', async () => {
      const res = await get('/reservations/pending');
      expect(res.statusCode).toBe(200);
      expect(res.json<{ items: ReservationBody[] }>().items.length).toBeGreaterThanOrEqual(5);
    });
  });

  describe('validation', () => {
    it.each([
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=ten', 'limit'],
      ['listingId=abc', 'listingId'],
      ['listingId=-3', 'listingId'],
      ['listingId=99999999999', 'listingId'],
      ['status=Booked', 'status'],
      ['checkInFrom=2031-02-30', 'checkInFrom'],
      ['checkInTo=31-01-2031', 'checkInTo'],
      ['updatedSince=yesterday', 'updatedSince'],
      ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['listingid=5', 'listingid'],
      ['checkInFrom=2031-02-02&checkInTo=2031-02-01', 'checkInTo'],
    ])('answers 400 for ?%s, naming %s', async (query, parameter) => {
      expectBadParameter(await get(`/reservations?${query}`), parameter);
    });

    it('rejects unknown parameters on every query endpoint', async () => {
      expectBadParameter(await get('/reservations/pending?status=Confirmed'), 'status');
      expectBadParameter(await get('/conflicts?bookingCode=X'), 'bookingCode');
      expectBadParameter(await get('/listings/1/blocked-dates?from=2031-01-01&to=2031-02-01&kind=booking'), 'kind');
    });
  });

  describe('authentication', () => {
    const routes = [
      '/reservations',
      '/reservations/pending',
      '/reservations/ANY-CODE',
      '/listings/1/blocked-dates?from=2031-01-01&to=2031-02-01',
      '/listings/1/calendar-url',
      '/conflicts',
    ];

    it.each(routes)('answers 401 in the error shape without a token: %s', async (url) => {
      const res = await sut.request({ method: 'GET', url });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.stringContaining('Missing bearer token') });
    });

    it.each(routes)('answers 401 in the error shape with a wrong token: %s', async (url) => {
      const res = await sut.request({ method: 'GET', url, headers: { authorization: 'Bearer not-the-api-token-at-all' } });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Invalid API token' });
    });
  });
});
