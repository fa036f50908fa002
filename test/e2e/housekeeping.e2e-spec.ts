import { randomUUID } from 'node:crypto';
import { BookingSchedulesService } from '../../src/bookings/booking-schedules.service';
import { WebhookRetentionService } from '../../src/webhooks/webhook-retention.service';
import { blocksOf } from '../support/plum-sandbox';
import { createTestContext, startTestApp, TestApp, TestContext } from '../support/test-app';

describe('scheduled housekeeping (real Postgres)', () => {
  let ctx: TestContext;
  let sut: TestApp;

  beforeAll(async () => {
    ctx = await createTestContext();
    sut = await startTestApp(ctx, { EVENT_RETENTION_DAYS: '30', RECONCILE_INTERVAL_MINUTES: '0' });
  });

  afterAll(async () => {
    await sut?.close();
    await ctx?.cleanup();
  });

  it('prunes processed events past the retention age, and never failed or unprocessed ones', async () => {
    const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 3600 * 1000);
    const event = (status: 'processed' | 'failed' | 'received', receivedAt: Date) => ({
      eventId: randomUUID(),
      kind: 'booking' as const,
      bookingCode: 'PG-OLD',
      payload: {},
      status,
      receivedAt,
    });
    const oldProcessed = event('processed', daysAgo(31));
    const recentProcessed = event('processed', daysAgo(29));
    const oldFailed = event('failed', daysAgo(60));
    const oldReceived = event('received', daysAgo(60));
    await sut.prisma.webhookEvent.createMany({ data: [oldProcessed, recentProcessed, oldFailed, oldReceived] });

    expect(await sut.app.get(WebhookRetentionService).prune()).toBe(1);
    const left = await sut.prisma.webhookEvent.findMany({ select: { eventId: true } });
    expect(left.map((e) => e.eventId).sort()).toEqual([recentProcessed.eventId, oldFailed.eventId, oldReceived.eventId].sort());
  });

  it('releases request holds at their deadline and leaves booking blocks alone', async () => {
    await sut.prisma.$executeRaw`
      INSERT INTO blocked_ranges (booking_code, listing_id, kind, during, expires_at) VALUES
        ('PG-EXPIRED', 1, 'tentative', daterange('2027-01-01', '2027-01-03', '[)'), now() - interval '1 minute'),
        ('PG-LIVE', 1, 'tentative', daterange('2027-01-05', '2027-01-07', '[)'), now() + interval '1 hour'),
        ('PG-BOOKED', 1, 'booking', daterange('2027-01-10', '2027-01-12', '[)'), NULL)`;
    expect(await sut.app.get(BookingSchedulesService).releaseExpiredHolds()).toBe(1);
    expect((await blocksOf(sut)).map((b) => b.booking_code)).toEqual(['PG-BOOKED', 'PG-LIVE']);
  });
});
