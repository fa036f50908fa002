import { randomUUID } from 'node:crypto';
import { RunningSandbox } from '../../sandbox';
import { BookingStoreRepository } from '../../src/bookings/booking-store.repository';
import { snapshotOf } from '../../src/bookings/booking-plan';
import { ReconcileService } from '../../src/bookings/reconcile.service';
import { blocksOf, pointSandboxAt, sandboxEnv, startTestSandbox, waitForEventsSettled } from '../support/plum-sandbox';
import { waitFor } from '../support/processes';
import { createTestContext, startTestApp, TEST_WEBHOOK_SECRET, TestApp, TestContext } from '../support/test-app';

describe('processing booking events against the Plum sandbox (real Postgres and Redis)', () => {
  let ctx: TestContext;
  let sandbox: RunningSandbox;
  let sut: TestApp;

  beforeAll(async () => {
    ctx = await createTestContext();
    sandbox = await startTestSandbox();
    sut = await startTestApp(ctx, { ...sandboxEnv(sandbox), PLUM_TIMEOUT_MS: '1000', RECONCILE_INTERVAL_MINUTES: '0', RECONCILE_RATE_PER_SECOND: '1000' }, { listen: true });
    await pointSandboxAt(sandbox, sut);
  });

  afterEach(async () => {
    await sandbox.clearFaults();
    await sandbox.setDelivery({ duplicateRate: 0, reorder: false, delayMs: 0, jitterMs: 0 });
  });

  afterAll(async () => {
    await sut?.close();
    await sandbox?.close();
    await ctx?.cleanup();
  });

  const reservation = (bookingCode: string) => sut.prisma.reservation.findUnique({ where: { bookingCode } });
  const settle = async () => {
    await sandbox.waitForIdle(20_000);
    await waitForEventsSettled(sut);
  };

  it('stores an instant booking as Confirmed and blocks its nights', async () => {
    const listing = await sandbox.createListing();
    const booking = await sandbox.createBooking({ listingId: listing.listingId, checkIn: '2027-05-01', checkOut: '2027-05-04', guest: { firstName: 'Ada', lastName: 'L', email: 'ada@guest.plum' } });
    await settle();
    expect(await reservation(booking.bookingCode)).toMatchObject({ status: 'Confirmed', listingId: listing.listingId, guestName: 'Ada L', guestEmail: 'ada@guest.plum', respondBy: null });
    expect(await blocksOf(sut, booking.bookingCode)).toEqual([{ booking_code: booking.bookingCode, listing_id: listing.listingId, kind: 'booking', from: '2027-05-01', to: '2027-05-04' }]);
    const event = await sut.prisma.webhookEvent.findFirstOrThrow({ where: { bookingCode: booking.bookingCode } });
    expect(event).toMatchObject({ status: 'processed', attempts: 1, lastError: null });
    expect(event.processedAt).not.toBeNull();
  });

  it('holds a request tentatively until its deadline, then blocks it once approved', async () => {
    const booking = await sandbox.createBooking({ status: 'Request', checkIn: '2027-06-01', checkOut: '2027-06-03' });
    await settle();
    const requested = await reservation(booking.bookingCode);
    expect(requested).toMatchObject({ status: 'Request' });
    const hoursLeft = (requested!.respondBy!.getTime() - Date.now()) / 3600_000;
    expect(hoursLeft).toBeGreaterThan(23.9);
    expect(hoursLeft).toBeLessThanOrEqual(24);
    expect(await blocksOf(sut, booking.bookingCode)).toMatchObject([{ kind: 'tentative', from: '2027-06-01', to: '2027-06-03' }]);

    await sandbox.approve(booking.bookingCode);
    await settle();
    expect(await reservation(booking.bookingCode)).toMatchObject({ status: 'Confirmed', respondBy: null });
    expect(await blocksOf(sut, booking.bookingCode)).toMatchObject([{ kind: 'booking' }]);
  });

  it('frees the dates of a declined request and of a cancelled stay', async () => {
    const request = await sandbox.createBooking({ status: 'Request' });
    const stay = await sandbox.createBooking({});
    await settle();
    await sandbox.decline(request.bookingCode);
    await sandbox.cancel(stay.bookingCode);
    await settle();
    expect(await reservation(request.bookingCode)).toMatchObject({ status: 'Declined' });
    expect(await reservation(stay.bookingCode)).toMatchObject({ status: 'Cancelled' });
    expect(await blocksOf(sut, request.bookingCode)).toEqual([]);
    expect(await blocksOf(sut, stay.bookingCode)).toEqual([]);
  });

  it("accepts Plum's 'Requested' spelling and blocks nothing for Initiated", async () => {
    await sandbox.setFaults({ requestSpelling: 'Requested' });
    const request = await sandbox.createBooking({ status: 'Request' });
    const initiated = await sandbox.createBooking({ status: 'Initiated' });
    await settle();
    expect(await reservation(request.bookingCode)).toMatchObject({ status: 'Request', upstreamStatus: 'Requested' });
    expect(await reservation(initiated.bookingCode)).toMatchObject({ status: 'Initiated' });
    expect(await blocksOf(sut, initiated.bookingCode)).toEqual([]);
  });

  it('stores an unknown status with the raw booking and changes no dates', async () => {
    const booking = await sandbox.createBooking({ checkIn: '2027-07-01', checkOut: '2027-07-05' });
    await settle();
    await sandbox.setBooking(booking.bookingCode, { status: 'UnderReview', checkIn: '2027-07-02', checkOut: '2027-07-06' });
    await settle();
    const stored = await reservation(booking.bookingCode);
    expect(stored).toMatchObject({ status: 'UnderReview', upstreamStatus: 'UnderReview' });
    expect((stored!.raw as { status: string }).status).toBe('UnderReview');
    expect(await blocksOf(sut, booking.bookingCode)).toMatchObject([{ kind: 'booking', from: '2027-07-01', to: '2027-07-05' }]);
  });

  it('moves the block when the dates change', async () => {
    const booking = await sandbox.createBooking({ checkIn: '2027-08-01', checkOut: '2027-08-04' });
    await settle();
    await sandbox.changeDates(booking.bookingCode, { checkIn: '2027-08-10', checkOut: '2027-08-15' });
    await settle();
    expect(await reservation(booking.bookingCode)).toMatchObject({ checkIn: new Date('2027-08-10'), checkOut: new Date('2027-08-15') });
    expect(await blocksOf(sut, booking.bookingCode)).toMatchObject([{ kind: 'booking', from: '2027-08-10', to: '2027-08-15' }]);
  });

  it('records an overlap as a conflict, keeps both reservations, and blocks only the first', async () => {
    const listing = await sandbox.createListing();
    const first = await sandbox.createBooking({ listingId: listing.listingId, checkIn: '2027-09-01', checkOut: '2027-09-05' });
    await settle();
    const second = await sandbox.createBooking({ listingId: listing.listingId, checkIn: '2027-09-03', checkOut: '2027-09-07' });
    await settle();
    expect(await reservation(second.bookingCode)).toMatchObject({ status: 'Confirmed' });
    expect(await blocksOf(sut, second.bookingCode)).toEqual([]);
    expect(await sut.prisma.bookingConflict.findMany({ where: { listingId: listing.listingId } })).toMatchObject([
      { bookingCode: second.bookingCode, conflictingBookingCode: first.bookingCode, resolvedAt: null },
    ]);
    const api = await sut.request({ method: 'GET', url: '/conflicts', auth: true });
    expect(api.json().items).toEqual(expect.arrayContaining([expect.objectContaining({ bookingCode: second.bookingCode, conflictingBookingCode: first.bookingCode })]));
    const event = await sut.prisma.webhookEvent.findFirstOrThrow({ where: { bookingCode: second.bookingCode } });
    expect(event.status).toBe('processed');

    // Once the first stay is cancelled, the second holds its dates and the conflict is resolved.
    await sandbox.cancel(first.bookingCode);
    await settle();
    expect(await blocksOf(sut, second.bookingCode)).toMatchObject([{ kind: 'booking', from: '2027-09-03', to: '2027-09-07' }]);
    expect((await sut.prisma.bookingConflict.findFirstOrThrow({ where: { bookingCode: second.bookingCode } })).resolvedAt).not.toBeNull();
  });

  it('ends equal to Plum after 40 bookings change fast, with duplicated and shuffled events', async () => {
    await sandbox.setDelivery({ duplicateRate: 0.5, maxDuplicates: 3, reorder: true, reorderWindowMs: 200 });
    const listings = await Promise.all([1, 2, 3, 4].map(() => sandbox.createListing()));
    const codes: string[] = [];
    for (let i = 0; i < 40; i++) {
      const listingId = listings[i % 4].listingId;
      const flow = i % 4;
      const b = await sandbox.createBooking({ listingId, status: flow === 0 ? 'Confirmed' : 'Request' });
      codes.push(b.bookingCode);
      if (flow === 1) await sandbox.approve(b.bookingCode);
      if (flow === 2) await sandbox.decline(b.bookingCode);
      if (flow === 3) {
        await sandbox.approve(b.bookingCode);
        await sandbox.cancel(b.bookingCode);
      }
      if (flow === 0 && i % 8 === 0) await sandbox.changeDates(b.bookingCode, { checkIn: addDays(b.checkIn, 1), checkOut: addDays(b.checkOut, 1) });
    }
    await settle();
    for (const code of codes) {
      const upstream = sandbox.booking(code)!;
      const stored = await reservation(code);
      expect({ code, status: stored?.status, checkIn: iso(stored?.checkIn), checkOut: iso(stored?.checkOut) }).toEqual({
        code,
        status: upstream.status === 'Requested' ? 'Request' : upstream.status,
        checkIn: upstream.checkIn,
        checkOut: upstream.checkOut,
      });
      const blocks = await blocksOf(sut, code);
      if (upstream.status === 'Confirmed') expect(blocks).toMatchObject([{ kind: 'booking', from: upstream.checkIn, to: upstream.checkOut }]);
      else expect(blocks).toEqual([]);
    }
    const duplicates = sandbox.deliveries({ kind: 'booking' }).length - new Set(sandbox.deliveries({ kind: 'booking' }).map((d) => d.eventId)).size;
    expect(duplicates).toBeGreaterThan(0);
  });

  it('never goes back to an older state, whatever order fetches finish in', async () => {
    const booking = await sandbox.createBooking({ checkIn: '2027-10-01', checkOut: '2027-10-03' });
    await settle();
    const store = sut.app.get(BookingStoreRepository);
    const older = snapshotOf({ ...booking, status: 'Cancelled', updatedAt: '2020-01-01T00:00:00Z' }, new Date());
    const result = await store.apply(older, null, () => ({ respondBy: null, block: { kind: 'none' } }));
    expect(result.outcome).toBe('stale');
    expect(await reservation(booking.bookingCode)).toMatchObject({ status: 'Confirmed' });
    expect(await blocksOf(sut, booking.bookingCode)).toHaveLength(1);
  });

  it('retries 500, 503, 429 and a hung request, then succeeds', async () => {
    for (const fault of [{ status: 500 }, { status: 503 }, { status: 429, retryAfterSeconds: 1 }, { hang: true }]) {
      await sandbox.pause();
      const booking = await sandbox.createBooking({});
      await sandbox.failNext({ path: `/v2/bookings/${booking.bookingCode}`, count: 2, ...fault });
      await sandbox.resume();
      await settle();
      const event = await sut.prisma.webhookEvent.findFirstOrThrow({ where: { bookingCode: booking.bookingCode }, orderBy: { receivedAt: 'desc' } });
      expect({ fault, status: event.status, attempts: event.attempts }).toEqual({ fault, status: 'processed', attempts: 3 });
      expect(await reservation(booking.bookingCode)).toMatchObject({ status: 'Confirmed' });
    }
  });

  it('fails a 404 at once, with a readable error, and replays it once Plum knows the booking', async () => {
    const eventId = randomUUID();
    const code = `PG-MISSING${Date.now()}`;
    const res = await sut.request({
      method: 'POST',
      url: `/webhooks/bookings?token=${TEST_WEBHOOK_SECRET}`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ eventId, timestamp: new Date().toISOString(), bookingCode: code, listingId: null }),
    });
    expect(res.statusCode).toBe(200);
    await waitForEventsSettled(sut);
    const failed = await sut.prisma.webhookEvent.findUniqueOrThrow({ where: { eventId } });
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.lastError).toMatch(/answered 404/);
    expect(sandbox.requests({ path: `/v2/bookings/${code}` })).toHaveLength(1);

    await sandbox.setBooking(code, { listingId: 1, status: 'Confirmed', checkIn: '2027-11-01', checkOut: '2027-11-02' }, { notify: false });
    const replay = await sut.request({ method: 'POST', url: `/webhook-events/${eventId}/replay`, auth: true });
    expect(replay.statusCode).toBe(202);
    await waitFor(async () => (await sut.prisma.webhookEvent.findUniqueOrThrow({ where: { eventId } })).status === 'processed', { what: 'replayed event processed' });
    expect(await reservation(code)).toMatchObject({ status: 'Confirmed' });
  });

  it('fails an invalid booking body at once, saying what is wrong', async () => {
    const booking = await sandbox.createBooking({});
    await settle();
    await sandbox.setBooking(booking.bookingCode, { ...booking, checkOut: booking.checkIn }, { replace: true });
    await settle();
    const event = await sut.prisma.webhookEvent.findFirstOrThrow({ where: { bookingCode: booking.bookingCode }, orderBy: { receivedAt: 'desc' } });
    expect(event).toMatchObject({ status: 'failed', attempts: 1 });
    expect(event.lastError).toMatch(/checkOut .* is not after checkIn/);
    expect(await reservation(booking.bookingCode)).toMatchObject({ status: 'Confirmed' });
  });

  it('logs in again when the token has expired', async () => {
    const first = await sandbox.createBooking({});
    await settle();
    const logins = sandbox.requests({ path: '/authenticate' }).length;
    await sandbox.expireTokens();
    const second = await sandbox.createBooking({});
    await settle();
    expect(await reservation(second.bookingCode)).toMatchObject({ status: 'Confirmed' });
    expect(sandbox.requests({ path: '/authenticate' }).length).toBe(logins + 1);
    expect(first.bookingCode).not.toBe(second.bookingCode);
  });

  it('syncs one booking on demand, even one no webhook announced', async () => {
    const booking = { bookingCode: `PG-SILENT${Date.now()}` };
    await sandbox.setBooking(booking.bookingCode, { listingId: 77, status: 'Confirmed', checkIn: '2027-12-01', checkOut: '2027-12-03' }, { notify: false });
    const res = await sut.request({ method: 'POST', url: `/reservations/${booking.bookingCode}/sync`, auth: true });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ bookingCode: booking.bookingCode, status: 'queued' });
    await waitFor(() => reservation(booking.bookingCode), { what: 'the synced reservation' });
    expect((await sut.request({ method: 'POST', url: '/reservations/bad code!/sync', auth: true })).statusCode).toBe(400);
    expect((await sut.request({ method: 'POST', url: `/reservations/${booking.bookingCode}/sync` })).statusCode).toBe(401);
  });

  it('repairs a missed webhook by reconciliation, and a no-op sweep changes nothing', async () => {
    const booking = await sandbox.createBooking({});
    await settle();
    await sandbox.setBooking(booking.bookingCode, { status: 'Cancelled' }, { notify: false });
    const reconciler = sut.app.get(ReconcileService);
    const summary = await reconciler.sweep();
    expect(summary.corrected).toBeGreaterThanOrEqual(1);
    expect(await reservation(booking.bookingCode)).toMatchObject({ status: 'Cancelled' });
    expect(await blocksOf(sut, booking.bookingCode)).toEqual([]);
    const before = await reservation(booking.bookingCode);
    const again = await reconciler.sweep();
    expect(again.corrected).toBe(0);
    expect((await reservation(booking.bookingCode))!.updatedAt).toEqual(before!.updatedAt);
  });
});

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function iso(date: Date | undefined): string | undefined {
  return date?.toISOString().slice(0, 10);
}
