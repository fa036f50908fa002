import { randomUUID } from 'node:crypto';
import { RunningSandbox } from '../../sandbox';
import { pointSandboxAt, sandboxEnv, startTestSandbox, waitForEventsSettled } from '../support/plum-sandbox';
import { PrivateRedis } from '../support/private-redis';
import { waitFor } from '../support/processes';
import { createTestContext, startTestApp, startTestWorker, TEST_WEBHOOK_SECRET, TestApp, TestContext } from '../support/test-app';

describe('no acknowledged event is lost when Redis restarts', () => {
  let ctx: TestContext;
  let redis: PrivateRedis;
  let sandbox: RunningSandbox;
  let sut: TestApp;

  beforeAll(async () => {
    ctx = await createTestContext();
    redis = await PrivateRedis.start();
    sandbox = await startTestSandbox();
    sut = await startTestApp(ctx, { ...sandboxEnv(sandbox), REDIS_URL: redis.url, RELAY_INTERVAL_MS: '200' }, { listen: true });
    await pointSandboxAt(sandbox, sut);
  });

  afterAll(async () => {
    await sut?.close();
    await sandbox?.close();
    await redis?.stop();
    await ctx?.cleanup();
  });

  const postEvent = (eventId: string, bookingCode: string) =>
    sut.request({
      method: 'POST',
      url: `/webhooks/bookings?token=${TEST_WEBHOOK_SECRET}`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ eventId, timestamp: new Date().toISOString(), bookingCode, listingId: null }),
    });

  it('acknowledges while Redis is down and processes everything once it is back, without restarting the app', async () => {
    const before = await sandbox.createBooking({});
    await sandbox.waitForIdle(10_000);
    await waitForEventsSettled(sut);
    expect(await sut.prisma.reservation.findUnique({ where: { bookingCode: before.bookingCode } })).toMatchObject({ status: 'Confirmed' });

    await redis.stop();
    const during: { bookingCode: string }[] = [];
    for (let i = 0; i < 5; i++) during.push(await sandbox.createBooking({}));
    await sandbox.waitForIdle(10_000);
    const acked = sandbox.deliveries({ kind: 'booking', ok: true }).filter((d) => during.some((b) => b.bookingCode === d.bookingCode));
    expect(new Set(acked.map((d) => d.bookingCode)).size).toBe(5);
    const waiting = await sut.prisma.webhookEvent.findMany({ where: { bookingCode: { in: during.map((b) => b.bookingCode) } } });
    expect(waiting.map((e) => e.status)).toEqual(Array(5).fill('received'));

    await redis.start(); // empty: nothing of the queue survived
    await waitFor(
      async () => (await sut.prisma.reservation.count({ where: { bookingCode: { in: during.map((b) => b.bookingCode) }, status: 'Confirmed' } })) === 5,
      { timeoutMs: 30_000, what: 'the events acknowledged during the outage to be processed' },
    );
    await waitForEventsSettled(sut);
    expect(await sut.prisma.webhookEvent.count({ where: { status: 'failed' } })).toBe(0);

    // Workers kept working after the restart: a new event goes straight through.
    const after = await sandbox.createBooking({});
    await waitFor(() => sut.prisma.reservation.findUnique({ where: { bookingCode: after.bookingCode } }), { what: 'a post-restart booking' });
  });

  it('still answers a duplicate as a duplicate after processing (the dedupe lives in Postgres, not Redis)', async () => {
    const booking = await sandbox.createBooking({});
    await sandbox.waitForIdle(10_000);
    await waitForEventsSettled(sut);
    const event = await sut.prisma.webhookEvent.findFirstOrThrow({ where: { bookingCode: booking.bookingCode } });
    expect(event.status).toBe('processed');
    const again = await postEvent(event.eventId, booking.bookingCode);
    expect(again.json()).toMatchObject({ status: 'duplicate' });

    await redis.stop();
    await redis.start();
    const afterRestart = await postEvent(event.eventId, booking.bookingCode);
    expect(afterRestart.json()).toMatchObject({ status: 'duplicate' });
    expect(await sut.prisma.webhookEvent.count({ where: { eventId: event.eventId } })).toBe(1);
    const fresh = await postEvent(randomUUID(), booking.bookingCode);
    expect(fresh.json()).toMatchObject({ status: 'accepted' });
  });

  it('re-adds jobs that Redis held when it came back empty', async () => {
    // Its own database: the app above would otherwise relay and process these events itself.
    const own = await createTestContext();
    // An api-only process acknowledges and enqueues; no worker takes the jobs yet.
    const api = await startTestApp(own, { ...sandboxEnv(sandbox), REDIS_URL: redis.url, APP_ROLE: 'api' });
    const codes: string[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const booking = await sandbox.createBooking({});
        codes.push(booking.bookingCode);
        await sandbox.setBooking(booking.bookingCode, {}, { notify: false });
        expect((await api.request({
          method: 'POST',
          url: `/webhooks/bookings?token=${TEST_WEBHOOK_SECRET}`,
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ eventId: randomUUID(), timestamp: new Date().toISOString(), bookingCode: booking.bookingCode, listingId: null }),
        })).statusCode).toBe(200);
      }
      await waitFor(async () => (await api.prisma.webhookEvent.count({ where: { bookingCode: { in: codes }, status: 'queued' } })) === 5, { what: 'jobs queued' });

      await redis.stop();
      await redis.start(); // the queued jobs are gone with it

      const worker = await startTestWorker(own, { ...sandboxEnv(sandbox), REDIS_URL: redis.url });
      try {
        await waitFor(async () => (await api.prisma.webhookEvent.count({ where: { bookingCode: { in: codes }, status: 'processed' } })) === 5, {
          timeoutMs: 30_000,
          what: 'the lost jobs to be re-added and processed',
        });
      } finally {
        await worker.close();
      }
    } finally {
      await api.close();
      await own.cleanup();
    }
  });
});
