import { startSandbox } from './sandbox';
import { api, login } from './test-support';
import type { RunningSandbox } from './types';

describe('sandbox API faults', () => {
  let sandbox: RunningSandbox;
  let token: string;

  beforeEach(async () => {
    sandbox = await startSandbox({ seed: 3 });
    token = await login(sandbox);
  });
  afterEach(() => sandbox.close());

  const get = (path = '/v2/bookings', timeoutMs?: number) => api(sandbox, 'GET', path, { token, timeoutMs });

  it('adds latency (plus jitter) to upstream answers only', async () => {
    const baseline = await get();
    await sandbox.setFaults({ latencyMs: 200, latencyJitterMs: 50 });
    const slow = await get();
    expect(slow.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(195);
    expect(slow.ms).toBeGreaterThan(baseline.ms + 150);
    const control = Date.now();
    await sandbox.createBooking();
    await fetch(`${sandbox.url}/_sandbox/bookings`);
    expect(Date.now() - control).toBeLessThan(150);
    expect(sandbox.requests().at(-1)).toMatchObject({ fault: 'latency', status: 200 });
  });

  it('answers 5xx at the error rate, reproducibly for a seed', async () => {
    await sandbox.setFaults({ errorRate: 1, errorStatus: 502 });
    const failed = await get();
    expect(failed.status).toBe(502);
    expect(failed.body).toMatchObject({ statusCode: 502 });
    expect(sandbox.requests().at(-1)).toMatchObject({ status: 502, fault: 'error' });

    const run = async (seed: number): Promise<number[]> => {
      await sandbox.reset({ seed, keepTokens: true });
      await sandbox.setFaults({ errorRate: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 60; i++) statuses.push((await get()).status);
      return statuses;
    };
    const first = await run(42);
    const failures = first.filter((s) => s === 503).length;
    expect(failures).toBeGreaterThan(15);
    expect(failures).toBeLessThan(45);
    expect(first.every((s) => s === 200 || s === 503)).toBe(true);
    expect(await run(42)).toEqual(first);
  });

  it('answers 429 with Retry-After at the rate-limit rate', async () => {
    await sandbox.setFaults({ rateLimitRate: 1, retryAfterSeconds: 7 });
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    await sandbox.setFaults({ rateLimitRate: 0 });
    expect((await get()).status).toBe(200);
  });

  it('scripts the next N requests on a path: 503s, then 429 with Retry-After, other paths untouched', async () => {
    const listing = await sandbox.createListing();
    await sandbox.failNext({ count: 2, path: '/v2/bookings' });
    await sandbox.failNext({ count: 1, path: '/v2/bookings', status: 429, retryAfterSeconds: 3 });
    expect((await get(`/v2/listings/${listing.listingId}`)).status).toBe(200);
    const answers = [await get(), await get(), await get(), await get()];
    expect(answers.map((a) => a.status)).toEqual([503, 503, 429, 200]);
    expect(answers[2]!.headers.get('retry-after')).toBe('3');
    expect(sandbox.requests({ path: '/v2/bookings' }).map((r) => r.fault)).toEqual(['scripted', 'scripted', 'scripted', null]);
  });

  it('scripts by method, and latency alone slows without failing', async () => {
    await sandbox.failNext({ method: 'POST', path: '/v2/webhooks/config', status: 500 });
    await sandbox.failNext({ path: '/v2/bookings', latencyMs: 150 });
    expect((await get('/v2/webhooks/config')).status).toBe(404);
    const body = { isActive: true, endpoints: { bookings: 'https://pm.example/hooks', listings: null } };
    expect((await api(sandbox, 'POST', '/v2/webhooks/config', { token, body })).status).toBe(500);
    expect((await api(sandbox, 'POST', '/v2/webhooks/config', { token, body })).status).toBe(201);
    const slow = await get();
    expect(slow.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(145);
  });

  it('hangs a request so that the client timeout has to fire, and close() still ends cleanly', async () => {
    await sandbox.failNext({ hang: true, path: '/v2/bookings/' });
    const booking = await sandbox.createBooking();
    const started = Date.now();
    await expect(get(`/v2/bookings/${booking.bookingCode}`, 200)).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(sandbox.requests().at(-1)).toMatchObject({ path: `/v2/bookings/${booking.bookingCode}`, status: null, fault: 'hang' });
    expect((await get(`/v2/bookings/${booking.bookingCode}`)).status).toBe(200);

    await sandbox.setFaults({ hangRate: 1 });
    const pending = get('/v2/bookings', 10_000).then(
      (answer) => answer.status,
      (error: Error) => error.name,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sandbox.close();
    expect(await pending).not.toBe(200);
  });

  it('limits random faults to a path prefix, and clearFaults restores the start options', async () => {
    await sandbox.setFaults({ errorRate: 1, faultPathPrefix: '/v2/bookings' });
    expect((await api(sandbox, 'POST', '/authenticate', { body: { clientId: sandbox.clientId, clientSecret: sandbox.clientSecret } })).status).toBe(200);
    expect((await get('/v2/webhooks/config')).status).toBe(404);
    expect((await get()).status).toBe(503);
    await sandbox.failNext({ count: 5 });
    await sandbox.clearFaults();
    expect((await get()).status).toBe(200);
    expect(sandbox.faults()).toMatchObject({ errorRate: 0, faultPathPrefix: '/' });
  });
});
