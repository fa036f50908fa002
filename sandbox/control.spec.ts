import { SandboxClient } from './client';
import { SandboxError } from './errors';
import { startSandbox } from './sandbox';
import { api, login, UUID_V4 } from './test-support';
import type { RunningSandbox } from './types';

describe('sandbox control: lifecycle and events', () => {
  let sandbox: RunningSandbox;

  beforeEach(async () => {
    sandbox = await startSandbox({ seed: 2 });
  });
  afterEach(() => sandbox.close());

  it('creates a default listing with the first booking and sends a listing event for it', async () => {
    const booking = await sandbox.createBooking();
    expect(booking.status).toBe('Confirmed');
    expect(sandbox.listings()).toEqual([expect.objectContaining({ listingId: booking.listingId })]);
    const again = await sandbox.createBooking();
    expect(again.listingId).toBe(booking.listingId);
    expect(again.checkIn >= booking.checkOut).toBe(true);
    expect(sandbox.events().map((e) => e.type)).toEqual(['ListingCreated', 'BookingConfirmed', 'BookingConfirmed']);
    const listingEvent = sandbox.events()[0]!;
    expect(listingEvent.payload).toEqual({ eventId: listingEvent.eventId, timestamp: listingEvent.timestamp, bookingCode: null, listingId: booking.listingId });
  });

  it('moves bookings only along the real lifecycle', async () => {
    const request = await sandbox.createBooking({ status: 'Request' });
    expect(request.respondBy).toEqual(expect.any(String));
    await expect(sandbox.cancel(request.bookingCode)).rejects.toMatchObject({ status: 409 });
    const approved = await sandbox.approve(request.bookingCode);
    expect(approved.status).toBe('Confirmed');
    expect(approved).not.toHaveProperty('respondBy');
    await expect(sandbox.approve(request.bookingCode)).rejects.toMatchObject({ status: 409 });
    await expect(sandbox.decline(request.bookingCode)).rejects.toMatchObject({ status: 409 });
    expect((await sandbox.cancel(request.bookingCode)).status).toBe('Cancelled');
    await expect(sandbox.changeDates(request.bookingCode, { checkIn: '2031-01-01', checkOut: '2031-01-02' })).rejects.toMatchObject({ status: 409 });

    const declined = await sandbox.createBooking({ status: 'Request' });
    expect((await sandbox.decline(declined.bookingCode)).status).toBe('Declined');

    const initiated = await sandbox.createBooking({ status: 'Initiated' });
    expect((await sandbox.confirm(initiated.bookingCode)).status).toBe('Confirmed');
    await expect(sandbox.confirm(initiated.bookingCode)).rejects.toMatchObject({ status: 409 });

    await expect(sandbox.approve('PG-UNKNOWN')).rejects.toMatchObject({ status: 404 });
    await expect(sandbox.createBooking({ checkIn: '2031-01-05', checkOut: '2031-01-05' })).rejects.toMatchObject({ status: 400 });
    await expect(sandbox.createBooking({ checkIn: '2031-02-30' })).rejects.toMatchObject({ status: 400 });
    await expect(sandbox.createBooking({ bookingCode: declined.bookingCode })).rejects.toMatchObject({ status: 409 });

    expect(sandbox.events().filter((e) => e.kind === 'booking').map((e) => `${e.type}:${e.status}`)).toEqual([
      'BookingRequested:Request',
      'BookingApproved:Confirmed',
      'BookingCancelled:Cancelled',
      'BookingRequested:Request',
      'BookingDeclined:Declined',
      'BookingInitiated:Initiated',
      'BookingConfirmed:Confirmed',
    ]);
  });

  it('changes dates and rescales the amount', async () => {
    const booking = await sandbox.createBooking({ checkIn: '2031-03-01', checkOut: '2031-03-03', totalAmount: 400 });
    const changed = await sandbox.changeDates(booking.bookingCode, { checkIn: '2031-03-02', checkOut: '2031-03-06' });
    expect(changed).toMatchObject({ checkIn: '2031-03-02', checkOut: '2031-03-06', totalAmount: 800, status: 'Confirmed' });
    await expect(sandbox.changeDates(booking.bookingCode, { checkIn: '2031-03-06', checkOut: '2031-03-02' })).rejects.toBeInstanceOf(SandboxError);
    expect(sandbox.events().at(-1)).toMatchObject({ type: 'BookingDatesChanged', bookingCode: booking.bookingCode });
  });

  it('gives every change a new uuid v4 eventId and a payload without type or status', async () => {
    const booking = await sandbox.createBooking({ status: 'Request' });
    await sandbox.approve(booking.bookingCode);
    await sandbox.notify(booking.bookingCode);
    const events = sandbox.events().filter((e) => e.kind === 'booking');
    expect(events).toHaveLength(3);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(3);
    for (const event of events) {
      expect(event.eventId).toMatch(UUID_V4);
      expect(event.payload).toEqual({ eventId: event.eventId, timestamp: event.timestamp, bookingCode: booking.bookingCode, listingId: null });
      expect(event.queued).toBe(false);
    }
  });

  it('sets any state raw: merged, replaced verbatim, unknown statuses, deleted', async () => {
    const token = await login(sandbox);
    const booking = await sandbox.createBooking();
    const merged = await sandbox.setBooking(booking.bookingCode, { status: 'OnHold', extra: { nested: true } });
    expect(merged).toMatchObject({ bookingCode: booking.bookingCode, status: 'OnHold', extra: { nested: true }, checkIn: booking.checkIn });
    expect(Date.parse(merged.updatedAt as string)).toBeGreaterThan(Date.parse(booking.updatedAt as string));
    await expect(sandbox.approve(booking.bookingCode)).rejects.toMatchObject({ status: 409 });

    const invalid = { bookingCode: booking.bookingCode, status: 'Confirmed', checkIn: '2031-01-05', checkOut: '2031-01-01' };
    await sandbox.setBooking(booking.bookingCode, invalid, { replace: true });
    expect((await api(sandbox, 'GET', `/v2/bookings/${booking.bookingCode}`, { token })).body).toEqual(invalid);

    const fresh = await sandbox.setBooking('PG-RAW1', { listingId: 4242, status: 'Confirmed' }, { notify: false });
    expect(fresh).toMatchObject({ bookingCode: 'PG-RAW1', listingId: 4242 });
    expect(sandbox.listings().map((l) => l.listingId)).toContain(4242);

    await sandbox.deleteBooking(booking.bookingCode);
    expect((await api(sandbox, 'GET', `/v2/bookings/${booking.bookingCode}`, { token })).status).toBe(404);
    expect(sandbox.events().filter((e) => e.bookingCode === booking.bookingCode).map((e) => e.type)).toEqual([
      'BookingConfirmed',
      'BookingUpdated',
      'BookingUpdated',
      'BookingDeleted',
    ]);
    expect(sandbox.events().some((e) => e.bookingCode === 'PG-RAW1')).toBe(false);
  });

  it('reset empties everything, optionally keeping the webhook configuration and tokens', async () => {
    const token = await login(sandbox);
    await sandbox.setWebhookConfig({ isActive: true, endpoints: { bookings: 'http://127.0.0.1:1/hooks', listings: null } });
    await sandbox.pause();
    await sandbox.createBooking();
    await sandbox.setFaults({ latencyMs: 5 });
    await sandbox.reset({ keepWebhookConfig: true, keepTokens: true });
    expect(sandbox.bookings()).toEqual([]);
    expect(sandbox.listings()).toEqual([]);
    expect(sandbox.events()).toEqual([]);
    expect(sandbox.requests()).toEqual([]);
    expect(sandbox.stats()).toMatchObject({ pending: 0, events: 0 });
    expect(sandbox.faults().latencyMs).toBe(0);
    expect(sandbox.deliveryKnobs().paused).toBe(false);
    expect(sandbox.webhookConfig()).not.toBeNull();
    expect((await api(sandbox, 'GET', '/v2/bookings', { token })).status).toBe(200);

    await sandbox.reset();
    expect(sandbox.webhookConfig()).toBeNull();
    expect((await api(sandbox, 'GET', '/v2/bookings', { token })).status).toBe(401);
  });

  it('refuses unknown knob names and bad values instead of ignoring them', async () => {
    await expect(sandbox.setFaults({ errorRat: 1 } as never)).rejects.toMatchObject({ status: 400 });
    await expect(sandbox.setFaults({ errorRate: 2 })).rejects.toMatchObject({ status: 400 });
    await expect(sandbox.setDelivery({ concurrency: 0 })).rejects.toMatchObject({ status: 400 });
    await expect(sandbox.failNext({ path: 'v2/bookings' })).rejects.toMatchObject({ status: 400 });
  });

  describe('over HTTP (SandboxClient)', () => {
    it('offers the same operations as the in-process helpers', async () => {
      const client = new SandboxClient(sandbox.url);
      const listing = await client.createListing({ name: 'Remote' });
      const request = await client.createBooking({ listingId: listing.listingId, status: 'Request' });
      expect((await client.approve(request.bookingCode)).status).toBe('Confirmed');
      const changed = await client.changeDates(request.bookingCode, { checkIn: '2031-06-01', checkOut: '2031-06-05' });
      expect(changed.checkIn).toBe('2031-06-01');
      expect((await client.cancel(request.bookingCode)).status).toBe('Cancelled');
      await expect(client.cancel(request.bookingCode)).rejects.toMatchObject({ status: 409, message: expect.stringContaining('cannot cancel') });
      await client.setBooking(request.bookingCode, { status: 'Mystery' }, { notify: false });
      expect(await client.booking(request.bookingCode)).toMatchObject({ status: 'Mystery' });
      expect(await client.booking('PG-NONE')).toBeUndefined();

      await client.setFaults({ latencyMs: 1 });
      expect((await client.faults()).latencyMs).toBe(1);
      expect((await client.setDelivery({ duplicateRate: 0.5 })).duplicateRate).toBe(0.5);
      await client.pause();
      expect((await client.deliveryKnobs()).paused).toBe(true);
      await client.resume();
      expect(await client.expireTokens()).toBe(0);
      await client.setWebhookConfig({ isActive: true, endpoints: { bookings: 'http://127.0.0.1:1/x', listings: null } });
      expect(await client.webhookConfig()).toMatchObject({ isActive: true });
      expect((await client.events()).map((e) => e.type)).toContain('BookingApproved');
      expect(await client.stats()).toMatchObject({ pending: 0 });
      await client.setWebhookConfig(null);
      expect(await client.webhookConfig()).toBeNull();

      const status = await fetch(`${sandbox.url}/_sandbox`).then((r) => r.json() as Promise<Record<string, unknown>>);
      expect(status).toMatchObject({ bookings: 1, listings: 1 });
      expect((await fetch(`${sandbox.url}/_sandbox/bookings`, { method: 'POST', body: '{nope' })).status).toBe(400);
      expect((await fetch(`${sandbox.url}/_sandbox/bookings`, { method: 'PATCH' })).status).toBe(405);
      expect((await fetch(`${sandbox.url}/_sandbox/nothing`)).status).toBe(404);
      await client.reset();
      expect(await client.bookings()).toEqual([]);
    });
  });
});
