import { randomUUID } from 'node:crypto';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { QueueName } from '../../src/queue/queue.constants';
import { waitFor } from '../support/processes';
import { createTestContext, startTestApp, TEST_WEBHOOK_SECRET, TestApp, TestContext } from '../support/test-app';

const bookingEvent = (overrides: Record<string, unknown> = {}) => ({
  eventId: randomUUID(),
  timestamp: '2025-01-15T10:30:00Z',
  bookingCode: 'PG-ABC123',
  listingId: null,
  ...overrides,
});

describe('POST /webhooks/bookings (real Postgres and Redis)', () => {
  let ctx: TestContext;
  let sut: TestApp;
  let queue: Queue;

  beforeAll(async () => {
    ctx = await createTestContext();
    // api role: no worker takes the jobs, so the test can see them in the queue.
    sut = await startTestApp(ctx, { WEBHOOK_SECRET: TEST_WEBHOOK_SECRET, APP_ROLE: 'api' });
    queue = sut.app.get(getQueueToken(QueueName.Events));
  });

  afterAll(async () => {
    await sut?.close();
    await ctx?.cleanup();
  });

  const post = (body: unknown, { url = `/webhooks/bookings?token=${TEST_WEBHOOK_SECRET}`, headers = {} as Record<string, string> } = {}) =>
    sut.request({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...headers },
      payload: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const rowCount = (eventId?: string) =>
    sut.prisma.webhookEvent.count({ where: eventId ? { eventId } : undefined });

  it('stores a new event with its payload as received, answers 200, and enqueues one job', async () => {
    const event = bookingEvent({ somethingNew: { nested: true } });
    const res = await post(event);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ acknowledged: true, status: 'accepted', eventId: event.eventId });

    const row = await sut.prisma.webhookEvent.findUniqueOrThrow({ where: { eventId: event.eventId } });
    expect(row).toMatchObject({ kind: 'booking', bookingCode: 'PG-ABC123', listingId: null, attempts: 0 });
    expect(row.payload).toEqual(event);
    const job = await waitFor(() => queue.getJob(event.eventId), { what: 'the job' });
    expect(job.data).toEqual({ eventId: event.eventId, bookingCode: 'PG-ABC123' });
    await waitFor(async () => (await sut.prisma.webhookEvent.findUnique({ where: { eventId: event.eventId } }))?.status === 'queued', {
      what: 'status queued',
    });
  });

  it('accepts the token as X-Webhook-Token too', async () => {
    const res = await post(bookingEvent(), { url: '/webhooks/bookings', headers: { 'x-webhook-token': TEST_WEBHOOK_SECRET } });
    expect(res.statusCode).toBe(200);
  });

  it('answers a repeated eventId as a duplicate and enqueues nothing more', async () => {
    const event = bookingEvent();
    expect((await post(event)).json().status).toBe('accepted');
    const again = await post({ ...event, timestamp: '2025-01-15T10:31:00Z' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ acknowledged: true, status: 'duplicate', eventId: event.eventId });
    expect(await rowCount(event.eventId)).toBe(1);
  });

  it('turns 25 concurrent deliveries of one eventId into one row and one job', async () => {
    const event = bookingEvent({ bookingCode: 'PG-CONCURRENT' });
    const before = await queue.getJobCountByTypes('waiting', 'active', 'delayed', 'completed', 'failed');
    const answers = await Promise.all(Array.from({ length: 25 }, () => post(event)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(25).fill(200));
    expect(answers.filter((a) => a.json().status === 'accepted')).toHaveLength(1);
    expect(answers.filter((a) => a.json().status === 'duplicate')).toHaveLength(24);
    expect(await rowCount(event.eventId)).toBe(1);
    await waitFor(() => queue.getJob(event.eventId), { what: 'the job' });
    const after = await queue.getJobCountByTypes('waiting', 'active', 'delayed', 'completed', 'failed');
    expect(after - before).toBe(1);
  });

  describe('bad input gets a 4xx JSON error and leaves nothing behind', () => {
    const cases: [string, () => ReturnType<typeof post>, number, RegExp][] = [
      ['a non-UUID eventId', () => post(bookingEvent({ eventId: 'not-a-uuid' })), 400, /eventId must be a UUID/],
      ['a missing eventId', () => post(bookingEvent({ eventId: undefined })), 400, /eventId must be a UUID/],
      ['a timestamp that is not ISO 8601', () => post(bookingEvent({ timestamp: 'yesterday' })), 400, /timestamp must be an ISO 8601/],
      ['a bookingCode with a slash', () => post(bookingEvent({ bookingCode: 'PG/../admin' })), 400, /bookingCode must be 1-64 characters/],
      ['a bookingCode of 65 characters', () => post(bookingEvent({ bookingCode: 'A'.repeat(65) })), 400, /bookingCode must be 1-64/],
      ['an empty bookingCode', () => post(bookingEvent({ bookingCode: '' })), 400, /bookingCode must be 1-64/],
      ['a numeric bookingCode', () => post(bookingEvent({ bookingCode: 12345 })), 400, /bookingCode must be a string/],
      ['a listingId that is a string', () => post(bookingEvent({ listingId: 'x' })), 400, /listingId must be null or an integer/],
      ['a JSON array', () => post([bookingEvent()]), 400, /body must be a JSON object/],
      ['a JSON string', () => post('"hello"'), 400, /body must be a JSON object/],
      ['JSON null', () => post('null'), 400, /body must be a JSON object/],
      ['malformed JSON', () => post('{"eventId": '), 400, /JSON/i],
      ['an empty body', () => post(''), 400, /Body cannot be empty/],
      ['text/plain', () => post(JSON.stringify(bookingEvent()), { headers: { 'content-type': 'text/plain' } }), 415, /application\/json/],
      ['a form', () => post('eventId=1', { headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, /./],
      ['a body over 64 KiB', () => post(bookingEvent({ padding: 'x'.repeat(70 * 1024) })), 413, /./],
      ['no token', () => post(bookingEvent(), { url: '/webhooks/bookings' }), 401, /Missing webhook token/],
      ['a wrong token', () => post(bookingEvent(), { url: '/webhooks/bookings?token=wrong-token-of-some-length' }), 401, /Invalid webhook token/],
      ['a wrong header token', () => post(bookingEvent(), { url: '/webhooks/bookings', headers: { 'x-webhook-token': 'nope' } }), 401, /Invalid webhook token/],
    ];

    it.each(cases)('%s', async (_, send, status, message) => {
      const before = await rowCount();
      const res = await send();
      expect(res.statusCode).toBe(status);
      const body = res.json();
      expect(body).toMatchObject({ statusCode: status, error: expect.any(String) });
      expect(JSON.stringify(body.message)).toMatch(message);
      expect(await rowCount()).toBe(before);
    });
  });

  it('receives listing events on /webhooks/listings', async () => {
    const event = { eventId: randomUUID(), timestamp: '2025-01-15T10:30:00.123Z', bookingCode: null, listingId: 4242 };
    const res = await post(event, { url: `/webhooks/listings?token=${TEST_WEBHOOK_SECRET}` });
    expect(res.statusCode).toBe(200);
    expect(await sut.prisma.webhookEvent.findUniqueOrThrow({ where: { eventId: event.eventId } })).toMatchObject({ kind: 'listing', listingId: 4242 });
    const bad = await post({ ...event, eventId: randomUUID(), listingId: null }, { url: `/webhooks/listings?token=${TEST_WEBHOOK_SECRET}` });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().message)).toMatch(/listingId must be an integer/);
  });

  describe('the event log', () => {
    it('needs the API token', async () => {
      const res = await sut.request({ method: 'GET', url: '/webhook-events' });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    });

    it('lists events newest first with a cursor, filters, shows one, and counts per status', async () => {
      const code = `PG-LOG${Date.now()}`;
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const event = bookingEvent({ bookingCode: code });
        ids.push(event.eventId);
        await post(event);
      }
      const first = await sut.request({ method: 'GET', url: `/webhook-events?bookingCode=${code}&limit=2`, auth: true });
      expect(first.statusCode).toBe(200);
      expect(first.json().items.map((e: { eventId: string }) => e.eventId)).toEqual([ids[2], ids[1]]);
      const second = await sut.request({ method: 'GET', url: `/webhook-events?bookingCode=${code}&limit=2&cursor=${first.json().nextCursor}`, auth: true });
      expect(second.json()).toMatchObject({ items: [{ eventId: ids[0] }], nextCursor: null });

      const one = await sut.request({ method: 'GET', url: `/webhook-events/${ids[0]}`, auth: true });
      expect(one.json()).toMatchObject({ eventId: ids[0], kind: 'booking', bookingCode: code, attempts: 0, lastError: null, processedAt: null });
      expect(['received', 'queued']).toContain(one.json().status);

      const stats = await sut.request({ method: 'GET', url: '/webhook-events/stats', auth: true });
      expect(stats.json()).toMatchObject({ received: expect.any(Number), queued: expect.any(Number), processed: 0, failed: 0 });
      expect(stats.json().total).toBe(await rowCount());
    });

    it('answers 404, 400 and 409 where they belong', async () => {
      expect((await sut.request({ method: 'GET', url: `/webhook-events/${randomUUID()}`, auth: true })).statusCode).toBe(404);
      const bad = await sut.request({ method: 'GET', url: '/webhook-events/nope', auth: true });
      expect(bad.statusCode).toBe(400);
      expect(JSON.stringify(bad.json().message)).toMatch(/eventId must be a UUID/);
      const badQuery = await sut.request({ method: 'GET', url: '/webhook-events?limit=500&status=lost', auth: true });
      expect(badQuery.statusCode).toBe(400);
      expect(JSON.stringify(badQuery.json().message)).toMatch(/limit must be at most 200/);
      expect(JSON.stringify(badQuery.json().message)).toMatch(/status must be one of/);
      const badCursor = await sut.request({ method: 'GET', url: '/webhook-events?cursor=garbage', auth: true });
      expect(badCursor.statusCode).toBe(400);

      const event = bookingEvent();
      await post(event);
      const replay = await sut.request({ method: 'POST', url: `/webhook-events/${event.eventId}/replay`, auth: true });
      expect(replay.statusCode).toBe(409);
      expect((await sut.request({ method: 'POST', url: `/webhook-events/${randomUUID()}/replay`, auth: true })).statusCode).toBe(404);
    });
  });
});

describe('when a dependency is down', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
  });

  afterAll(async () => {
    await ctx?.cleanup();
  });

  it('answers 503 when Postgres is unreachable, so the sender retries', async () => {
    const sut = await startTestApp(ctx, { DATABASE_URL: 'postgresql://postgres@127.0.0.1:9/none', APP_ROLE: 'api' });
    try {
      const res = await sut.request({ method: 'POST', url: '/webhooks/bookings', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(bookingEvent()) });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ statusCode: 503, error: 'Service Unavailable', errorId: expect.any(String) });
      expect(res.headers['retry-after']).toBeDefined();
    } finally {
      await sut.close();
    }
  });

  it('still acknowledges when Redis is unreachable: the row is committed and waits as received', async () => {
    const sut = await startTestApp(ctx, { REDIS_URL: 'redis://127.0.0.1:9', APP_ROLE: 'api' });
    try {
      const event = bookingEvent();
      const res = await sut.request({ method: 'POST', url: '/webhooks/bookings', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(event) });
      expect(res.statusCode).toBe(200);
      expect(res.json().status).toBe('accepted');
      await new Promise((r) => setTimeout(r, 300));
      expect(await sut.prisma.webhookEvent.findUniqueOrThrow({ where: { eventId: event.eventId } })).toMatchObject({ status: 'received' });
    } finally {
      await sut.close();
    }
  });
});
