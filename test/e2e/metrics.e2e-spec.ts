import { randomUUID } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { RunningSandbox } from '../../sandbox';
import { ReconcileService } from '../../src/bookings/reconcile.service';
import { WorkerMetricsServer } from '../../src/metrics/worker-metrics.server';
import { QueueName } from '../../src/queue/queue.constants';
import { pointSandboxAt, sandboxEnv, startTestSandbox, waitForEventsSettled } from '../support/plum-sandbox';
import { freePort } from '../support/processes';
import { hasMetric, metricValue, MetricSample, parsePrometheus } from '../support/prometheus';
import { createTestContext, startTestApp, startTestWorker, TEST_API_TOKEN, TEST_WEBHOOK_SECRET, TestApp, TestContext } from '../support/test-app';

const METRICS_TOKEN = 'test-metrics-token-0123456789';

describe('GET /metrics (real Postgres and Redis, the Plum sandbox)', () => {
  let ctx: TestContext;
  let sandbox: RunningSandbox;
  let sut: TestApp;

  beforeAll(async () => {
    ctx = await createTestContext();
    sandbox = await startTestSandbox();
    sut = await startTestApp(
      ctx,
      { ...sandboxEnv(sandbox), METRICS_TOKEN, PLUM_TIMEOUT_MS: '1000', RECONCILE_INTERVAL_MINUTES: '0', RECONCILE_RATE_PER_SECOND: '1000' },
      { listen: true },
    );
    await pointSandboxAt(sandbox, sut);
  });

  afterAll(async () => {
    await sut?.close();
    await sandbox?.close();
    await ctx?.cleanup();
  });

  const scrapeText = async (): Promise<string> => {
    const res = await sut.request({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.statusCode).toBe(200);
    return res.body;
  };
  const scrape = async (): Promise<MetricSample[]> => parsePrometheus(await scrapeText());
  /** How much each metric grew between two scrapes. */
  const delta = (before: MetricSample[], after: MetricSample[]) => (name: string, labels: Record<string, string> = {}) =>
    metricValue(after, name, labels) - metricValue(before, name, labels);

  const postWebhook = (payload: string, { path = 'bookings', token = TEST_WEBHOOK_SECRET, contentType = 'application/json' } = {}) =>
    sut.request({ method: 'POST', url: `/webhooks/${path}?token=${token}`, headers: { 'content-type': contentType }, payload });
  const bookingEvent = (bookingCode: string, eventId = randomUUID()) =>
    JSON.stringify({ eventId, timestamp: new Date().toISOString(), bookingCode, listingId: null });
  const settle = async () => {
    await sandbox.waitForIdle(20_000);
    await waitForEventsSettled(sut);
  };

  it('counts webhooks received, duplicate and rejected by reason, and times every answer', async () => {
    const before = await scrape();
    const event = bookingEvent(`PG-METRICS${Date.now()}`);
    expect((await postWebhook(event)).json()).toMatchObject({ status: 'accepted' });
    expect((await postWebhook(event)).json()).toMatchObject({ status: 'duplicate' });
    expect((await postWebhook(JSON.stringify({ eventId: 'not-a-uuid', timestamp: 'x' }))).statusCode).toBe(400);
    expect((await postWebhook('{"eventId": ')).statusCode).toBe(400);
    expect((await postWebhook(bookingEvent('PG-AUTH0001'), { token: 'wrong-secret-0123456789' })).statusCode).toBe(401);
    expect((await postWebhook(bookingEvent('PG-TEXT0001'), { contentType: 'text/plain' })).statusCode).toBe(415);
    expect((await postWebhook(JSON.stringify({ padding: 'x'.repeat(70_000) }))).statusCode).toBe(413);
    expect((await postWebhook(JSON.stringify({ eventId: randomUUID(), timestamp: new Date().toISOString(), listingId: null }), { path: 'listings' })).statusCode).toBe(400);
    await settle();
    const after = await scrape();
    const grew = delta(before, after);

    expect(grew('plumline_webhooks_received_total', { kind: 'booking' })).toBe(2);
    expect(grew('plumline_webhooks_duplicate_total', { kind: 'booking' })).toBe(1);
    const rejected = Object.fromEntries(
      ['validation', 'malformed_json', 'auth', 'media_type', 'size'].map((reason) => [reason, grew('plumline_webhooks_rejected_total', { kind: 'booking', reason })]),
    );
    expect(rejected).toEqual({ validation: 1, malformed_json: 1, auth: 1, media_type: 1, size: 1 });
    expect(grew('plumline_webhooks_rejected_total', { kind: 'listing', reason: 'validation' })).toBe(1);
    expect(grew('plumline_webhook_ack_duration_seconds_count', { kind: 'booking', outcome: 'ok' })).toBe(2);
    expect(grew('plumline_webhook_ack_duration_seconds_count', { kind: 'booking', outcome: 'rejected' })).toBe(5);
    expect(hasMetric(after, 'plumline_webhook_ack_duration_seconds_bucket', { kind: 'booking', outcome: 'ok', le: '0.05' })).toBe(true);
  });

  it('records jobs, upstream requests by path template, retries, failed events, conflicts and reconciliation corrections', async () => {
    const before = await scrape();
    const listing = await sandbox.createListing();
    const first = await sandbox.createBooking({ listingId: listing.listingId, checkIn: '2028-03-01', checkOut: '2028-03-05' });
    await settle();

    // The second booking overlaps the first (a conflict), and its first fetch fails with a 503 (a retry).
    await sandbox.pause();
    const second = await sandbox.createBooking({ listingId: listing.listingId, checkIn: '2028-03-03', checkOut: '2028-03-07' });
    await sandbox.failNext({ path: `/v2/bookings/${second.bookingCode}`, count: 1, status: 503 });
    await sandbox.resume();
    await settle();

    // Plum does not know this booking: 404, failed for good at once.
    const missing = `PG-GONE${Date.now()}`;
    expect((await postWebhook(bookingEvent(missing))).statusCode).toBe(200);
    await settle();

    // A change no webhook announced: the reconciler finds it.
    await sandbox.setBooking(first.bookingCode, { status: 'Cancelled' }, { notify: false });
    const sweep = await sut.app.get(ReconcileService).sweep();
    expect(sweep.corrected).toBe(1);

    const text = await scrapeText();
    const after = parsePrometheus(text);
    const grew = delta(before, after);
    expect(grew('plumline_job_duration_seconds_count', { job: 'booking-event', outcome: 'completed' })).toBe(2);
    expect(grew('plumline_job_duration_seconds_count', { job: 'booking-event', outcome: 'retry' })).toBe(1);
    expect(grew('plumline_job_duration_seconds_count', { job: 'booking-event', outcome: 'failed' })).toBe(1);
    expect(grew('plumline_job_duration_seconds_count', { job: 'listing-event', outcome: 'completed' })).toBe(1);
    expect(grew('plumline_job_retries_total', { job: 'booking-event' })).toBe(1);
    expect(grew('plumline_events_failed_total', { job: 'booking-event', reason: 'permanent' })).toBe(1);
    expect(grew('plumline_booking_conflicts_total')).toBe(1);
    expect(grew('plumline_reconcile_corrections_total')).toBe(1);
    expect(grew('plumline_booking_syncs_total', { source: 'event', outcome: 'applied' })).toBe(2);
    expect(grew('plumline_booking_syncs_total', { source: 'reconcile', outcome: 'applied' })).toBe(sweep.checked - sweep.failed);

    const bookingFetch = { method: 'GET', path: '/v2/bookings/:code' };
    // first and second (after its retry) on events, then every live reservation again in the sweep
    expect(grew('plumline_upstream_requests_total', { ...bookingFetch, status: '200' })).toBe(2 + sweep.checked);
    expect(grew('plumline_upstream_requests_total', { ...bookingFetch, status: '503' })).toBe(1);
    expect(grew('plumline_upstream_requests_total', { ...bookingFetch, status: '404' })).toBe(1);
    expect(grew('plumline_upstream_requests_total', { method: 'GET', path: '/v2/listings/:id', status: '200' })).toBe(1);
    expect(metricValue(after, 'plumline_upstream_requests_total', { method: 'POST', path: '/authenticate', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(grew('plumline_upstream_request_duration_seconds_count', bookingFetch)).toBe(4 + sweep.checked);
    // Templated: no booking code or listing id becomes a label value.
    for (const raw of [first.bookingCode, second.bookingCode, missing, `/v2/listings/${listing.listingId}`]) expect(text).not.toContain(raw);
  });

  it('reads the queue depth by state from Redis at scrape time', async () => {
    const samples = await scrape();
    const queue = { queue: 'plum-events' };
    expect(metricValue(samples, 'plumline_queue_scrape_success', queue)).toBe(1);
    for (const state of ['waiting', 'prioritized', 'active', 'delayed', 'waiting-children', 'failed', 'completed']) {
      expect({ state, present: hasMetric(samples, 'plumline_queue_jobs', { ...queue, state }) }).toEqual({ state, present: true });
    }
    expect(metricValue(samples, 'plumline_queue_jobs', { ...queue, state: 'failed' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(samples, 'plumline_queue_jobs', { ...queue, state: 'completed' })).toBeGreaterThanOrEqual(3);
    expect(metricValue(samples, 'plumline_queue_jobs', { ...queue, state: 'waiting' })).toBe(0);
  });

  it("includes the process's default metrics", async () => {
    const samples = await scrape();
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds']) {
      expect({ name, present: hasMetric(samples, name) }).toEqual({ name, present: true });
    }
  });

  it('answers 401 without a token or with a wrong one, and takes API_TOKEN or METRICS_TOKEN', async () => {
    const get = (authorization?: string) => sut.request({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
    const anonymous = await get();
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect((await get('Bearer wrong-token-0123456789')).statusCode).toBe(401);
    expect((await get(`Basic ${Buffer.from(`prometheus:${METRICS_TOKEN}`).toString('base64')}`)).statusCode).toBe(401);
    const withApiToken = await get(`Bearer ${TEST_API_TOKEN}`);
    expect(withApiToken.statusCode).toBe(200);
    expect(withApiToken.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect((await get(`Bearer ${METRICS_TOKEN}`)).statusCode).toBe(200);
    // The metrics token opens nothing else.
    expect((await sut.request({ method: 'GET', url: '/reservations', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).statusCode).toBe(401);
  });

  it('still answers at once while Redis is unreachable, reporting the queue as unread', async () => {
    const offline = await startTestApp(ctx, { REDIS_URL: 'redis://127.0.0.1:9', APP_ROLE: 'api', METRICS_TOKEN });
    try {
      const started = Date.now();
      const res = await offline.request({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(res.statusCode).toBe(200);
      expect(Date.now() - started).toBeLessThan(1_500);
      const samples = parsePrometheus(res.body);
      expect(metricValue(samples, 'plumline_queue_scrape_success', { queue: 'plum-events' })).toBe(0);
      expect(hasMetric(samples, 'plumline_queue_jobs')).toBe(false);
      expect(hasMetric(samples, 'plumline_webhooks_received_total', { kind: 'booking' })).toBe(true);
    } finally {
      await offline.close();
    }
  });

  describe('in a worker-role process (no HTTP API)', () => {
    let worker: INestApplicationContext | undefined;

    afterAll(async () => {
      await worker?.close();
    });

    it('serves /metrics and /health on METRICS_PORT, with the same tokens', async () => {
      const port = await freePort();
      worker = await startTestWorker(ctx, { ...sandboxEnv(sandbox), METRICS_TOKEN, METRICS_PORT: String(port) });
      expect(worker.get(WorkerMetricsServer).boundPort).toBe(port);
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
      const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(res.status).toBe(200);
      const samples = parsePrometheus(await res.text());
      expect(hasMetric(samples, 'plumline_queue_jobs', { queue: 'plum-events', state: 'waiting' })).toBe(true);
      expect(hasMetric(samples, 'process_cpu_user_seconds_total')).toBe(true);
      expect((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TEST_API_TOKEN}` } })).status).toBe(200);
      expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });
      expect((await fetch(`${base}/reservations`)).status).toBe(404);
      await worker.close();
      worker = undefined;
      await expect(fetch(`${base}/health`)).rejects.toThrow();
    });
  });
});

describe('the queue dashboard at /admin/queues', () => {
  let ctx: TestContext;
  let sut: TestApp;

  beforeAll(async () => {
    ctx = await createTestContext();
    sut = await startTestApp(ctx, { APP_ROLE: 'api', METRICS_TOKEN });
  });

  afterAll(async () => {
    await sut?.close();
    await ctx?.cleanup();
  });

  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const get = (url: string, authorization?: string) => sut.request({ method: 'GET', url, headers: authorization ? { authorization } : {} });

  it('asks a browser for a password: 401 with WWW-Authenticate Basic', async () => {
    for (const url of ['/admin/queues', '/admin/queues/api/queues', '/admin/queues/static/favicon-32x32.png']) {
      const res = await get(url);
      expect({ url, status: res.statusCode }).toEqual({ url, status: 401 });
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm="plumline"/);
    }
    expect((await get('/admin/queues', basic('admin', 'wrong-password-0123456789'))).statusCode).toBe(401);
    expect((await get('/admin/queues', basic('admin', METRICS_TOKEN))).statusCode).toBe(401);
    expect((await get('/admin/queues', `Bearer ${METRICS_TOKEN}`)).statusCode).toBe(401);
  });

  it('serves the board with Basic auth (any user, the API token as password) or the bearer token', async () => {
    const page = await get('/admin/queues', basic('anyone', TEST_API_TOKEN));
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('<base href="/admin/queues/"');
    const asset = /src="(static\/js\/main\.[^"]+\.js)"/.exec(page.body)?.[1];
    expect((await get(`/admin/queues/${asset}`, basic('anyone', TEST_API_TOKEN))).statusCode).toBe(200);
    const api = await get('/admin/queues/api/queues', `Bearer ${TEST_API_TOKEN}`);
    expect(api.statusCode).toBe(200);
    // Every queue named in queue.constants.
    expect((api.json() as { queues: Array<{ name: string }> }).queues.map((q) => q.name).sort()).toEqual(Object.values(QueueName).sort());
  });

  it('refuses writes a browser was made to send from another site', async () => {
    const auth = basic('admin', TEST_API_TOKEN);
    const crossSite = await sut.request({
      method: 'PUT',
      url: '/admin/queues/api/queues/plum-events/retry/failed',
      headers: { authorization: auth, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.statusCode).toBe(403);
    const sameSite = await sut.request({
      method: 'PUT',
      url: '/admin/queues/api/queues/plum-events/retry/failed',
      headers: { authorization: auth, 'sec-fetch-site': 'same-origin' },
    });
    expect(sameSite.statusCode).toBe(200);
  });
});
