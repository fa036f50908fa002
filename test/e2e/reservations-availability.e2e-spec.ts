import { createHmac } from 'node:crypto';
import ICAL from 'ical.js';
import { dayFromToday, insertBlock, insertConflict, newBookingCode } from '../support/factories';
import { createTestContext, startTestApp, TEST_API_TOKEN, TestApp, TestContext } from '../support/test-app';

interface Block {
  bookingCode: string;
  from: string;
  to: string;
  kind: 'booking' | 'tentative';
}

const HOUR = 3_600_000;
const expectedToken = (secret: string, listingId: number) => createHmac('sha256', secret).update(`calendar:${listingId}`).digest('base64url');

/** Parses a feed with a real iCalendar parser into the blocks it says, plus the raw UIDs. */
function parseFeed(text: string): Array<{ uid: string; from: string; to: string; allDay: boolean; status: string }> {
  const calendar = new ICAL.Component(ICAL.parse(text));
  return calendar.getAllSubcomponents('vevent').map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      from: event.startDate.toString(),
      to: event.endDate.toString(),
      allDay: event.startDate.isDate && event.endDate.isDate,
      status: String(vevent.getFirstPropertyValue('status')),
    };
  });
}

describe('availability, iCal feeds and conflicts (real Postgres)', () => {
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

  describe('GET /listings/{listingId}/blocked-dates', () => {
    const listing = 100;
    const codes: Record<string, string> = {};

    beforeAll(async () => {
      codes.first = await insertBlock(sut.prisma, { listingId: listing, from: '2031-07-01', to: '2031-07-05' });
      // Back to back: the next guest arrives on the day the first leaves.
      codes.backToBack = await insertBlock(sut.prisma, { listingId: listing, from: '2031-07-05', to: '2031-07-08' });
      codes.hold = await insertBlock(sut.prisma, { listingId: listing, kind: 'tentative', from: '2031-07-10', to: '2031-07-12', expiresAt: new Date(Date.now() + HOUR) });
      codes.expiredHold = await insertBlock(sut.prisma, { listingId: listing, kind: 'tentative', from: '2031-07-12', to: '2031-07-14', expiresAt: new Date(Date.now() - 1000) });
      codes.openHold = await insertBlock(sut.prisma, { listingId: listing, kind: 'tentative', from: '2031-07-20', to: '2031-07-21', expiresAt: null });
      await insertBlock(sut.prisma, { listingId: listing + 1, from: '2031-07-01', to: '2031-07-05' });
    });

    const blocks = async (from: string, to: string) => {
      const res = await get(`/listings/${listing}/blocked-dates?from=${from}&to=${to}`);
      expect(res.statusCode).toBe(200);
      const body = res.json<{ listingId: number; blocks: Block[] }>();
      expect(body.listingId).toBe(listing);
      return body.blocks;
    };

    it('answers the blocks overlapping the window, earliest first, with to as the check-out day', async () => {
      expect(await blocks('2031-06-01', '2031-08-01')).toEqual([
        { bookingCode: codes.first, from: '2031-07-01', to: '2031-07-05', kind: 'booking' },
        { bookingCode: codes.backToBack, from: '2031-07-05', to: '2031-07-08', kind: 'booking' },
        { bookingCode: codes.hold, from: '2031-07-10', to: '2031-07-12', kind: 'tentative' },
        { bookingCode: codes.openHold, from: '2031-07-20', to: '2031-07-21', kind: 'tentative' },
      ]);
    });

    it('treats both the stay and the window as half-open [from, to)', async () => {
      // The check-out day of the first stay is free for it: only the back-to-back stay holds 5 July.
      expect((await blocks('2031-07-05', '2031-07-06')).map((b) => b.bookingCode)).toEqual([codes.backToBack]);
      // A window ending on 5 July does not reach the stay arriving that day.
      expect((await blocks('2031-07-01', '2031-07-05')).map((b) => b.bookingCode)).toEqual([codes.first]);
      expect((await blocks('2031-07-04', '2031-07-05')).map((b) => b.bookingCode)).toEqual([codes.first]);
      expect(await blocks('2031-07-08', '2031-07-10')).toEqual([]);
    });

    it('leaves out tentative holds whose expiry has passed', async () => {
      expect(await blocks('2031-07-12', '2031-07-14')).toEqual([]);
    });

    it('answers an empty list for a listing it knows nothing of', async () => {
      const res = await get('/listings/987654/blocked-dates?from=2031-01-01&to=2032-01-01');
      expect(res.json()).toEqual({ listingId: 987654, blocks: [] });
    });

    it.each([
      ['from=2031-07-01', 'to'],
      ['to=2031-07-01', 'from'],
      ['from=2031-07-01&to=2031-07-01', 'to'],
      ['from=2031-13-01&to=2031-14-01', 'from'],
    ])('answers 400 for ?%s, naming %s', async (query, parameter) => {
      const res = await get(`/listings/${listing}/blocked-dates?${query}`);
      expect(res.statusCode).toBe(400);
      expect(res.json<{ message: string[] }>().message.some((m) => m.includes(parameter))).toBe(true);
    });

    it('answers 400 naming listingId when it is not a positive integer', async () => {
      const res = await get('/listings/abc/blocked-dates?from=2031-07-01&to=2031-07-02');
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ statusCode: 400, error: 'Bad Request', message: [expect.stringContaining('listingId')] });
    });
  });

  describe('iCal feed', () => {
    const listing = 200;
    const feedUrl = (token: string, listingId = listing) => `/listings/${listingId}/calendar.ics?token=${encodeURIComponent(token)}`;

    beforeAll(async () => {
      await insertBlock(sut.prisma, { listingId: listing, from: dayFromToday(3), to: dayFromToday(7) });
      await insertBlock(sut.prisma, { listingId: listing, from: dayFromToday(7), to: dayFromToday(9) });
      await insertBlock(sut.prisma, { listingId: listing, kind: 'tentative', from: dayFromToday(20), to: dayFromToday(22), expiresAt: new Date(Date.now() + HOUR) });
      await insertBlock(sut.prisma, { listingId: listing, kind: 'tentative', from: dayFromToday(30), to: dayFromToday(32), expiresAt: new Date(Date.now() - HOUR) });
      await insertBlock(sut.prisma, { listingId: listing, from: dayFromToday(-10), to: dayFromToday(-5) });
      // Ended long ago: outside the feed.
      await insertBlock(sut.prisma, { listingId: listing, from: dayFromToday(-60), to: dayFromToday(-50) });
      await insertBlock(sut.prisma, { listingId: listing + 1, from: dayFromToday(3), to: dayFromToday(7) });
    });

    it('shows the feed URL and its token, derived from API_TOKEN when ICAL_SECRET is unset', async () => {
      const res = await get(`/listings/${listing}/calendar-url`);
      expect(res.statusCode).toBe(200);
      const token = expectedToken(TEST_API_TOKEN, listing);
      expect(res.json()).toEqual({ token, url: `https://plumline.test/listings/${listing}/calendar.ics?token=${token}` });
    });

    it('serves, without the bearer token, a feed that parses back into the same ranges as blocked-dates', async () => {
      const { token } = (await get(`/listings/${listing}/calendar-url`)).json<{ token: string }>();
      const res = await sut.request({ method: 'GET', url: feedUrl(token) });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/calendar/);

      const events = parseFeed(res.body);
      const window = (await get(`/listings/${listing}/blocked-dates?from=${dayFromToday(-30)}&to=${dayFromToday(3650)}`)).json<{ blocks: Block[] }>().blocks;
      expect(window).toHaveLength(4);
      expect(events).toEqual(
        window.map((b) => ({
          uid: `${b.bookingCode}@plumline`,
          from: b.from,
          to: b.to,
          allDay: true,
          status: b.kind === 'booking' ? 'CONFIRMED' : 'TENTATIVE',
        })),
      );
      expect(res.body).not.toContain('Ada');
    });

    it('keeps the same UIDs and bytes from one fetch to the next', async () => {
      const { token } = (await get(`/listings/${listing}/calendar-url`)).json<{ token: string }>();
      const first = await sut.request({ method: 'GET', url: feedUrl(token) });
      const second = await sut.request({ method: 'GET', url: feedUrl(token) });
      expect(second.body).toBe(first.body);
    });

    it('rejects a wrong, missing or other listing token with the same 401, whether or not the listing exists', async () => {
      const otherListingToken = expectedToken(TEST_API_TOKEN, listing + 1);
      const answers = await Promise.all([
        sut.request({ method: 'GET', url: feedUrl('wrong-token') }),
        sut.request({ method: 'GET', url: feedUrl(otherListingToken) }),
        sut.request({ method: 'GET', url: `/listings/${listing}/calendar.ics` }),
        sut.request({ method: 'GET', url: feedUrl('wrong-token', 424242) }),
        // The API token itself is no calendar token.
        sut.request({ method: 'GET', url: feedUrl(TEST_API_TOKEN) }),
      ]);
      for (const res of answers) {
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Missing or invalid calendar token' });
      }
    });

    it('derives tokens from ICAL_SECRET when it is set', async () => {
      const secret = 'a-separate-ical-secret-0123456789';
      const other = await startTestApp(ctx, { ICAL_SECRET: secret });
      try {
        const { token } = (await other.request({ method: 'GET', url: `/listings/${listing}/calendar-url`, auth: true })).json<{ token: string }>();
        expect(token).toBe(expectedToken(secret, listing));
        expect((await other.request({ method: 'GET', url: feedUrl(token) })).statusCode).toBe(200);
        expect((await other.request({ method: 'GET', url: feedUrl(expectedToken(TEST_API_TOKEN, listing)) })).statusCode).toBe(401);
      } finally {
        await other.close();
      }
    });
  });

  describe('GET /conflicts', () => {
    it('pages recorded conflicts newest first, each exactly once, ties broken by id', async () => {
      const base = Date.parse('2031-05-01T12:00:00.000Z');
      const listing = 300;
      const sameInstant = new Date(base + 2 * HOUR);
      const rows = [
        await insertConflict(sut.prisma, { listingId: listing, detectedAt: new Date(base) }),
        await insertConflict(sut.prisma, { listingId: listing, detectedAt: new Date(base + HOUR), resolvedAt: new Date(base + 3 * HOUR) }),
        await insertConflict(sut.prisma, { listingId: listing, detectedAt: sameInstant }),
        await insertConflict(sut.prisma, { listingId: listing, detectedAt: sameInstant }),
        await insertConflict(sut.prisma, { listingId: listing, detectedAt: new Date(base + 4 * HOUR) }),
      ];
      await insertConflict(sut.prisma, { listingId: listing + 1 });
      const expected = [...rows].sort((a, b) => b.detectedAt.getTime() - a.detectedAt.getTime() || (a.id < b.id ? 1 : -1)).map((r) => r.id);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await get(`/conflicts?listingId=${listing}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.statusCode).toBe(200);
        const page = res.json<{ items: Array<{ id: string }>; nextCursor: string | null }>();
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((c) => c.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(expected);

      const resolved = rows[1];
      const all = (await get(`/conflicts?listingId=${listing}`)).json<{ items: unknown[] }>().items;
      expect(all).toContainEqual({
        id: resolved.id,
        listingId: listing,
        bookingCode: resolved.bookingCode,
        conflictingBookingCode: resolved.conflictingBookingCode,
        checkIn: '2030-01-10',
        checkOut: '2030-01-14',
        detectedAt: resolved.detectedAt.toISOString(),
        resolvedAt: new Date(base + 3 * HOUR).toISOString(),
      });
    });

    it('answers every listing without a filter, and 400 for a forged cursor', async () => {
      await insertConflict(sut.prisma, { listingId: 301, bookingCode: newBookingCode() });
      const res = await get('/conflicts');
      expect(res.statusCode).toBe(200);
      expect(res.json<{ items: unknown[] }>().items.length).toBeGreaterThanOrEqual(7);
      const forged = Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url');
      const bad = await get(`/conflicts?cursor=${forged}`);
      expect(bad.statusCode).toBe(400);
      expect(bad.json<{ message: string[] }>().message).toEqual([expect.stringContaining('cursor')]);
    });
  });
});
