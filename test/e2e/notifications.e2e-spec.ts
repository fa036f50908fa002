import { randomUUID } from 'node:crypto';
import { RunningSandbox } from '../../sandbox';
import { snapshotOf } from '../../src/bookings/booking-plan';
import { BookingStoreRepository } from '../../src/bookings/booking-store.repository';
import { ReconcileService } from '../../src/bookings/reconcile.service';
import { NotificationOutboxService } from '../../src/notifications/notification-outbox.service';
import { NotificationRemindersService } from '../../src/notifications/notification-reminders.service';
import { NotificationType } from '../../src/notifications/notification.types';
import { NotificationReceiver, SmtpReceiver, startNotificationReceiver, startSmtpReceiver } from '../support/notification-receivers';
import { pointSandboxAt, sandboxEnv, startTestSandbox, waitForEventsSettled } from '../support/plum-sandbox';
import { waitFor } from '../support/processes';
import { createTestContext, startTestApp, TEST_WEBHOOK_SECRET, TestApp, TestContext } from '../support/test-app';

const NOTIFY_SECRET = 'notify-secret-0123456789';
const HOST_EMAIL = 'host@plumline.test';

interface NotificationJson {
  id: string;
  type: string;
  status: string;
  bookingCode: string | null;
  attempts: number;
  lastError: string | null;
  deliveredChannels: string[];
  body: { id: string; type: string };
}

describe('notifications: outbox, webhook and email delivery, delivery log (real Postgres, Redis, sandbox, receivers)', () => {
  let ctx: TestContext;
  let sandbox: RunningSandbox;
  let receiver: NotificationReceiver;
  let smtp: SmtpReceiver;
  let sut: TestApp;

  beforeAll(async () => {
    ctx = await createTestContext();
    sandbox = await startTestSandbox();
    receiver = await startNotificationReceiver(NOTIFY_SECRET);
    smtp = await startSmtpReceiver();
    sut = await startTestApp(
      ctx,
      {
        ...sandboxEnv(sandbox),
        PLUM_TIMEOUT_MS: '1000',
        RECONCILE_INTERVAL_MINUTES: '0',
        RECONCILE_RATE_PER_SECOND: '1000',
        NOTIFY_WEBHOOK_URL: receiver.url,
        NOTIFY_WEBHOOK_SECRET: NOTIFY_SECRET,
        NOTIFY_WEBHOOK_TIMEOUT_MS: '2000',
        SMTP_URL: smtp.url,
        NOTIFY_EMAIL_TO: HOST_EMAIL,
        NOTIFY_EMAIL_FROM: 'plumline <notify@plumline.test>',
        PLUM_DASHBOARD_URL: 'https://hosts.plum.test/bookings/{bookingCode}',
        NOTIFY_ATTEMPTS: '3',
        NOTIFY_BACKOFF_MS: '50',
      },
      { listen: true },
    );
    await pointSandboxAt(sandbox, sut);
  });

  afterEach(async () => {
    await sandbox.clearFaults();
    await sandbox.setDelivery({ duplicateRate: 0, reorder: false, delayMs: 0, jitterMs: 0 });
  });

  afterAll(async () => {
    await sut?.close();
    await sandbox?.close();
    await receiver?.close();
    await smtp?.close();
    await ctx?.cleanup();
  });

  const notificationsSettled = () =>
    waitFor(async () => (await sut.prisma.notification.count({ where: { status: { in: ['pending', 'queued'] } } })) === 0, { what: 'notifications delivered' });
  const settle = async () => {
    await sandbox.waitForIdle(20_000);
    await waitForEventsSettled(sut);
    await notificationsSettled();
  };
  /** The kinds the host's receiver accepted about one booking, in order. */
  const told = (bookingCode: string) => receiver.accepted().filter((r) => r.body.reservation?.bookingCode === bookingCode).map((r) => r.body.type);
  const emailsAbout = (bookingCode: string) => smtp.messages.filter((m) => m.text.includes(bookingCode));

  it('tells about a new request once: signed webhook with the deadline, and an email the host can act on', async () => {
    const listing = await sandbox.createListing({ name: 'The Sea House', timezone: 'America/New_York' });
    await settle();
    const booking = await sandbox.createBooking({
      listingId: listing.listingId,
      status: 'Request',
      checkIn: '2027-06-01',
      checkOut: '2027-06-04',
      guest: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@guest.plum' },
    });
    await settle();

    const deliveries = receiver.received.filter((r) => r.body.reservation?.bookingCode === booking.bookingCode);
    expect(deliveries).toHaveLength(1);
    const [delivery] = deliveries;
    expect(delivery.signatureValid).toBe(true);
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['x-plumline-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(delivery.headers['x-plumline-notification-id']).toBe(delivery.body.id);
    const stored = await sut.prisma.reservation.findUniqueOrThrow({ where: { bookingCode: booking.bookingCode } });
    expect(delivery.body).toMatchObject({
      type: NotificationType.BookingRequested,
      respondBy: stored.respondBy!.toISOString(),
      previous: null,
      reservation: { bookingCode: booking.bookingCode, listingId: listing.listingId, status: 'Request', checkIn: '2027-06-01', checkOut: '2027-06-04', nights: 3, guest: { name: 'Ada Lovelace', email: 'ada@guest.plum' } },
    });
    expect(new Date(delivery.body.occurredAt).getTime()).not.toBeNaN();

    const emails = emailsAbout(booking.bookingCode);
    expect(emails).toHaveLength(1);
    const [email] = emails;
    expect(email.to).toEqual([HOST_EMAIL]);
    expect(email.from).toBe('notify@plumline.test');
    expect(email.text).toContain(`Subject: New booking request ${booking.bookingCode} at The Sea House (#${listing.listingId}): respond by`);
    expect(email.text).toContain('(America/New_York)');
    expect(email.text).toContain('Ada Lovelace <ada@guest.plum>');
    expect(email.text).toContain('Tue 1 Jun 2027 to Fri 4 Jun 2027 (3 nights)');
    expect(email.text).toContain(`https://hosts.plum.test/bookings/${booking.bookingCode}`);
    expect(email.text).toContain('Content-Type: text/html');
    expect(email.text).toContain(`Message-ID: <${delivery.body.id}@plumline>`);

    const log = await sut.request({ method: 'GET', url: `/notifications/${delivery.body.id}`, auth: true });
    expect(log.statusCode).toBe(200);
    expect(log.json()).toMatchObject({ status: 'delivered', attempts: 1, lastError: null, deliveredChannels: ['webhook', 'email'], bookingCode: booking.bookingCode });
    expect(log.json<NotificationJson>().body).toEqual(delivery.body);
  });

  it('tells each change once: approval, new dates, cancellation, and a declined request', async () => {
    const stay = await sandbox.createBooking({ status: 'Request', checkIn: '2027-07-01', checkOut: '2027-07-03' });
    const declined = await sandbox.createBooking({ status: 'Request', checkIn: '2027-07-10', checkOut: '2027-07-12' });
    await settle();
    await sandbox.approve(stay.bookingCode);
    await sandbox.decline(declined.bookingCode);
    await settle();
    await sandbox.changeDates(stay.bookingCode, { checkIn: '2027-07-02', checkOut: '2027-07-05' });
    await settle();
    await sandbox.cancel(stay.bookingCode);
    await settle();

    expect(told(stay.bookingCode)).toEqual([NotificationType.BookingRequested, NotificationType.BookingConfirmed, NotificationType.BookingDatesChanged, NotificationType.BookingCancelled]);
    expect(told(declined.bookingCode)).toEqual([NotificationType.BookingRequested, NotificationType.BookingDeclined]);
    const moved = receiver.accepted().find((r) => r.body.type === NotificationType.BookingDatesChanged && r.body.reservation?.bookingCode === stay.bookingCode)!;
    expect(moved.body).toMatchObject({ previous: { status: 'Confirmed', checkIn: '2027-07-01', checkOut: '2027-07-03' }, reservation: { checkIn: '2027-07-02', checkOut: '2027-07-05' } });
    expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
    expect(emailsAbout(stay.bookingCode)).toHaveLength(4);
  });

  it('sends nothing for duplicate events, a replay, a manual sync or a reconciliation that change nothing', async () => {
    await sandbox.setDelivery({ duplicateRate: 1, maxDuplicates: 2 });
    const booking = await sandbox.createBooking({ checkIn: '2027-08-01', checkOut: '2027-08-03' });
    await settle();
    expect(sandbox.deliveries({ bookingCode: booking.bookingCode }).length).toBeGreaterThan(1);
    expect(told(booking.bookingCode)).toEqual([NotificationType.BookingConfirmed]);

    const event = await sut.prisma.webhookEvent.findFirstOrThrow({ where: { bookingCode: booking.bookingCode } });
    expect((await sut.request({ method: 'POST', url: `/webhook-events/${event.eventId}/replay`, auth: true })).statusCode).toBe(202);
    await waitFor(async () => (await sut.prisma.webhookEvent.findUniqueOrThrow({ where: { eventId: event.eventId } })).status === 'processed', { what: 'replay processed' });
    expect((await sut.request({ method: 'POST', url: `/reservations/${booking.bookingCode}/sync`, auth: true })).statusCode).toBe(202);
    await sut.app.get(ReconcileService).sweep();
    await sandbox.notify(booking.bookingCode);
    await settle();

    expect(told(booking.bookingCode)).toEqual([NotificationType.BookingConfirmed]);
    expect(await sut.prisma.notification.count({ where: { bookingCode: booking.bookingCode } })).toBe(1);
    expect(emailsAbout(booking.bookingCode)).toHaveLength(1);
  });

  it('retries a delivery the receiver answered 500, with the same id, without emailing twice', async () => {
    receiver.failNext(1, 500);
    const booking = await sandbox.createBooking({ checkIn: '2027-09-01', checkOut: '2027-09-02' });
    await settle();
    const attempts = receiver.received.filter((r) => r.body.reservation?.bookingCode === booking.bookingCode);
    expect(attempts.map((a) => a.answered)).toEqual([500, 204]);
    expect(attempts[1].body.id).toBe(attempts[0].body.id);
    expect(attempts[1].raw).toBe(attempts[0].raw);
    expect(attempts.every((a) => a.signatureValid)).toBe(true);
    expect(emailsAbout(booking.bookingCode)).toHaveLength(1);
    const row = await sut.prisma.notification.findUniqueOrThrow({ where: { id: attempts[0].body.id } });
    expect(row).toMatchObject({ status: 'delivered', attempts: 2, lastError: null });
  });

  it('keeps a delivery that failed for good, and delivers it again on request with the same id', async () => {
    receiver.failNext(3, 503);
    const booking = await sandbox.createBooking({ checkIn: '2027-09-10', checkOut: '2027-09-11' });
    await sandbox.waitForIdle(20_000);
    await waitForEventsSettled(sut);
    const row = await waitFor(async () => (await sut.prisma.notification.findFirst({ where: { bookingCode: booking.bookingCode, status: 'failed' } })) ?? undefined, {
      what: 'the failed notification',
    });
    expect(row.attempts).toBe(3);
    expect(row.lastError).toMatch(/webhook: http:\/\/127\.0\.0\.1:\d+\/hooks\/plumline answered 503: receiver is down/);
    expect(row.lastError).not.toContain('receiver-token');
    expect(row.deliveredChannels).toEqual(['email']);

    const failed = await sut.request({ method: 'GET', url: `/notifications?status=failed&type=${NotificationType.BookingConfirmed}`, auth: true });
    expect(failed.json<{ items: NotificationJson[] }>().items.map((n) => n.id)).toContain(row.id);

    const retry = await sut.request({ method: 'POST', url: `/notifications/${row.id}/retry`, auth: true });
    expect(retry.statusCode).toBe(202);
    expect(retry.json()).toEqual({ id: row.id, status: 'queued' });
    await notificationsSettled();
    const attempts = receiver.received.filter((r) => r.body.reservation?.bookingCode === booking.bookingCode);
    expect(attempts.map((a) => a.answered)).toEqual([503, 503, 503, 204]);
    expect(new Set(attempts.map((a) => a.body.id))).toEqual(new Set([row.id]));
    expect(emailsAbout(booking.bookingCode)).toHaveLength(1);
    expect(await sut.prisma.notification.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'delivered', attempts: 4 });

    expect((await sut.request({ method: 'POST', url: `/notifications/${row.id}/retry`, auth: true })).statusCode).toBe(409);
    expect((await sut.request({ method: 'POST', url: `/notifications/${randomUUID()}/retry`, auth: true })).statusCode).toBe(404);
    expect((await sut.request({ method: 'POST', url: '/notifications/not-a-uuid/retry', auth: true })).statusCode).toBe(400);
    expect((await sut.request({ method: 'POST', url: `/notifications/${row.id}/retry` })).statusCode).toBe(401);
  });

  it('reminds the host once of a request about to expire, however often and wherever the check runs', async () => {
    const soon = await sandbox.createBooking({ status: 'Request', checkIn: '2027-10-01', checkOut: '2027-10-03' });
    const later = await sandbox.createBooking({ status: 'Request', checkIn: '2027-10-05', checkOut: '2027-10-07' });
    await settle();
    const deadline = new Date(Date.now() + 90 * 60_000).toISOString();
    await sandbox.setBooking(soon.bookingCode, { respondBy: deadline });
    await settle();
    expect((await sut.prisma.reservation.findUniqueOrThrow({ where: { bookingCode: soon.bookingCode } })).respondBy?.toISOString()).toBe(deadline);

    const reminders = sut.app.get(NotificationRemindersService);
    // Three replicas checking at once (the app's own every-minute schedule may be a fourth).
    const counts = await Promise.all([reminders.remindExpiringRequests(), reminders.remindExpiringRequests(), reminders.remindExpiringRequests()]);
    expect(counts.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1);
    expect(await reminders.remindExpiringRequests()).toBe(0);
    expect(await sut.prisma.notification.count({ where: { bookingCode: soon.bookingCode, type: NotificationType.BookingRequestExpiring } })).toBe(1);
    await notificationsSettled();

    expect(told(soon.bookingCode)).toEqual([NotificationType.BookingRequested, NotificationType.BookingRequestExpiring]);
    expect(told(later.bookingCode)).toEqual([NotificationType.BookingRequested]);
    const reminder = receiver.accepted().find((r) => r.body.type === NotificationType.BookingRequestExpiring)!;
    expect(reminder.body.respondBy).toBe(deadline);
    expect(emailsAbout(soon.bookingCode).filter((m) => m.text.includes(`Subject: Reminder: booking request ${soon.bookingCode} expires`))).toHaveLength(1);
  });

  it('tells about a double booking once, naming the booking already holding the dates', async () => {
    const listing = await sandbox.createListing();
    const first = await sandbox.createBooking({ listingId: listing.listingId, checkIn: '2027-11-01', checkOut: '2027-11-05' });
    await settle();
    const second = await sandbox.createBooking({ listingId: listing.listingId, checkIn: '2027-11-03', checkOut: '2027-11-07' });
    await settle();
    await sandbox.notify(second.bookingCode);
    await settle();
    // Both come from one change and are delivered concurrently: their arrival order is not defined.
    expect([...told(second.bookingCode)].sort()).toEqual([NotificationType.BookingConfirmed, NotificationType.BookingConflict].sort());
    const conflict = receiver.accepted().find((r) => r.body.type === NotificationType.BookingConflict && r.body.reservation?.bookingCode === second.bookingCode)!;
    expect(conflict.body.conflictsWith).toEqual([first.bookingCode]);
    expect(emailsAbout(second.bookingCode).filter((m) => m.text.includes('Subject: Double booking'))).toHaveLength(1);
  });

  it('tells once about an event that failed for good (Plum answers 404), even when it is replayed and fails again', async () => {
    const eventId = randomUUID();
    const code = `PG-GONE${Date.now()}`;
    const res = await sut.request({
      method: 'POST',
      url: `/webhooks/bookings?token=${TEST_WEBHOOK_SECRET}`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ eventId, timestamp: new Date().toISOString(), bookingCode: code, listingId: null }),
    });
    expect(res.statusCode).toBe(200);
    await waitForEventsSettled(sut);
    await notificationsSettled();
    expect((await sut.request({ method: 'POST', url: `/webhook-events/${eventId}/replay`, auth: true })).statusCode).toBe(202);
    await waitFor(async () => (await sut.prisma.webhookEvent.findUniqueOrThrow({ where: { eventId } })).attempts === 2, { what: 'the replay' });
    await waitForEventsSettled(sut);
    await notificationsSettled();

    const failures = receiver.accepted().filter((r) => r.body.type === NotificationType.EventFailed && r.body.event?.eventId === eventId);
    expect(failures).toHaveLength(1);
    expect(failures[0].body).toMatchObject({ reservation: null, event: { eventId, bookingCode: code, listingId: null, attempts: 1 } });
    expect(failures[0].body.event!.error).toMatch(/404/);
    expect(smtp.messages.filter((m) => m.text.includes(`Subject: A Plum event about booking ${code} could not be processed`))).toHaveLength(1);
  });

  it('loses nothing when the process stops right after the commit: the relay delivers what the outbox holds', async () => {
    const code = `PG-CRASH${Date.now()}`;
    const snapshot = snapshotOf({ bookingCode: code, listingId: 901, status: 'Confirmed', checkIn: '2027-12-01', checkOut: '2027-12-04', updatedAt: new Date().toISOString() }, new Date());
    const store = sut.app.get(BookingStoreRepository);
    const outbox = sut.app.get(NotificationOutboxService);
    const applyWithoutDispatch = () =>
      store.apply(
        snapshot,
        null,
        () => ({ respondBy: null, block: { kind: 'booking' } }),
        async (tx, applied) => {
          await outbox.recordBookingChange(tx, { bookingCode: code, ...applied });
        },
      );
    // The change commits with its notification; nothing is handed to Redis, as if the process died here.
    await applyWithoutDispatch();
    // The job re-runs after the crash and applies the same state again: nothing new is recorded.
    await applyWithoutDispatch();
    await waitFor(async () => told(code).length > 0, { what: 'the relay to deliver the recorded notification' });
    await notificationsSettled();
    expect(told(code)).toEqual([NotificationType.BookingConfirmed]);
    expect(await sut.prisma.notification.count({ where: { bookingCode: code } })).toBe(1);
  });

  it('pages the delivery log newest first, filters it, and refuses unknown parameters', async () => {
    const all = await sut.request({ method: 'GET', url: '/notifications?limit=200', auth: true });
    expect(all.statusCode).toBe(200);
    const items = all.json<{ items: NotificationJson[] }>().items;
    expect(items.length).toBeGreaterThan(10);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `type=${NotificationType.BookingRequested}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await sut.request({ method: 'GET', url: `/notifications?${query}`, auth: true });
      expect(page.statusCode).toBe(200);
      const body = page.json<{ items: NotificationJson[]; nextCursor: string | null }>();
      expect(body.items.length).toBeLessThanOrEqual(2);
      expect(body.items.every((n) => n.type === NotificationType.BookingRequested)).toBe(true);
      seen.push(...body.items.map((n) => n.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(items.filter((n) => n.type === NotificationType.BookingRequested).map((n) => n.id));
    expect(new Set(seen).size).toBe(seen.length);

    expect((await sut.request({ method: 'GET', url: '/notifications?status=delivered', auth: true })).json<{ items: NotificationJson[] }>().items.every((n) => n.status === 'delivered')).toBe(true);
    const unknown = await sut.request({ method: 'GET', url: '/notifications?kind=booking', auth: true });
    expect(unknown.statusCode).toBe(400);
    expect(JSON.stringify(unknown.json())).toContain('kind');
    expect((await sut.request({ method: 'GET', url: '/notifications?type=booking.nope', auth: true })).statusCode).toBe(400);
    expect((await sut.request({ method: 'GET', url: '/notifications?cursor=bogus', auth: true })).statusCode).toBe(400);
    expect((await sut.request({ method: 'GET', url: '/notifications' })).statusCode).toBe(401);
  });
});
