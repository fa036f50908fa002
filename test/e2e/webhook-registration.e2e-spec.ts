import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { RequestLogEntry, RunningSandbox, startSandbox } from '../../sandbox';
import { sandboxEnv } from '../support/plum-sandbox';
import { freePort, waitFor } from '../support/processes';
import { createTestContext, EnvOverrides, startTestApp, TEST_API_TOKEN, TestApp, TestContext } from '../support/test-app';

// Characters that must be URL-encoded, so the registered ?token= is proven to survive the round trip.
const SECRET = 'e2e-secret+with/odd=chars&0123456789';
const OTHER_SECRET = 'e2e-rotated-secret-9876543210';
const SECRET_SPELLINGS = [SECRET, encodeURIComponent(SECRET), new URLSearchParams({ t: SECRET }).toString().slice(2), OTHER_SECRET];

/** What every Nest logger of the app (this feature's service, the Plum client, the error filter) was asked to log. */
const logged: string[] = [];
beforeAll(() => {
  for (const method of ['log', 'warn', 'error', 'debug', 'verbose', 'fatal'] as const) {
    const original = Logger.prototype[method];
    jest.spyOn(Logger.prototype, method).mockImplementation(function (this: Logger, message: unknown, ...rest: unknown[]) {
      logged.push(JSON.stringify([message, ...rest], (_key, value: unknown) => (value instanceof Error ? `${value.message} ${value.stack}` : value)));
      return original.call(this, message, ...rest);
    });
  }
});

const responses: string[] = [];
async function call(app: TestApp, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, auth = true) {
  const res = await app.request({ method, url, auth });
  responses.push(res.body);
  return res;
}

/**
 * The project's Plum sandbox, not in local mode: like Plum it refuses non-https endpoints, and
 * PUBLIC_URL is https (nothing calls it here).
 */
const startPlum = (port?: number) => startSandbox({ port, seed: 6 });

/** Upstream calls to the webhook configuration API (the prefix also covers /toggle). */
const calls = (plum: RunningSandbox, method: string, path = '/v2/webhooks/config'): RequestLogEntry[] =>
  plum.requests({ method, path }).filter((r) => r.path === path);

const registrationEnv = (plum: RunningSandbox | { url: string }, overrides: EnvOverrides = {}): EnvOverrides => ({
  ...('clientId' in plum ? sandboxEnv(plum) : { PLUM_API_URL: plum.url, PLUM_CLIENT_ID: 'sandbox-client', PLUM_CLIENT_SECRET: 'sandbox-secret' }),
  WEBHOOK_REGISTRATION: 'on',
  PLUM_TIMEOUT_MS: '2000',
  WEBHOOK_SECRET: SECRET,
  PUBLIC_URL: 'https://plumline.test',
  ...overrides,
});

const inSync = async (app: TestApp) => (await call(app, 'GET', '/webhook-config')).json<{ state: string }>().state === 'in-sync';

const expectedEndpoint = (base: string, route: string, secret = SECRET) => `${base}/webhooks/${route}?token=${encodeURIComponent(secret)}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('webhook registration on start-up (real Postgres and Redis, the Plum sandbox)', () => {
  let ctx: TestContext;
  let plum: RunningSandbox;
  const apps: TestApp[] = [];

  const start = async (overrides: EnvOverrides = {}) => {
    const app = await startTestApp(ctx, registrationEnv(plum, overrides));
    apps.push(app);
    return app;
  };

  /** The row still says in-sync from the previous start: wait for this start's own read of Plum. */
  const settled = async (app: TestApp, getsBefore: number) =>
    waitFor(async () => calls(plum, 'GET').length > getsBefore && (await inSync(app)), { what: "this start's sync" });

  beforeAll(async () => {
    ctx = await createTestContext();
    plum = await startPlum();
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  afterAll(async () => {
    await plum?.close();
    await ctx?.cleanup();
  });

  it('registers on the first start', async () => {
    const sut = await start();
    await waitFor(() => inSync(sut), { what: 'in-sync' });

    expect(calls(plum, 'POST')).toHaveLength(1);
    expect(plum.webhookConfig()).toEqual({
      isActive: true,
      endpoints: { bookings: expectedEndpoint('https://plumline.test', 'bookings'), listings: expectedEndpoint('https://plumline.test', 'listings') },
    });
    const res = await call(sut, 'GET', '/webhook-config');
    expect(res.statusCode).toBe(200);
    const redacted = {
      isActive: true,
      endpoints: { bookings: 'https://plumline.test/webhooks/bookings?token=redacted', listings: 'https://plumline.test/webhooks/listings?token=redacted' },
    };
    expect(res.json()).toEqual({ desired: redacted, remote: redacted, state: 'in-sync', lastError: null, syncedAt: expect.any(String) });
  });

  it('registers a URL the webhook endpoint accepts (the encoded secret round-trips)', async () => {
    const gets = calls(plum, 'GET').length;
    const sut = await start();
    await settled(sut, gets);
    const registered = new URL(plum.webhookConfig()!.endpoints.bookings!);
    const payload = { eventId: randomUUID(), timestamp: new Date().toISOString(), bookingCode: 'PG-REG001', listingId: null };
    const res = await sut.request({ method: 'POST', url: `${registered.pathname}${registered.search}`, payload });
    expect(res.statusCode).toBe(200);
  });

  it('sends no POST on a later start when Plum already holds the configuration', async () => {
    const before = plum.requests().length;
    const sut = await start();
    await settled(sut, calls(plum, 'GET').length);
    await sleep(300);
    const upstream = plum.requests().slice(before).filter((r) => r.path.startsWith('/v2/'));
    // Only reads: a GET timed out on a loaded machine may be repeated, but nothing is written.
    expect(upstream.length).toBeGreaterThan(0);
    expect(upstream.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('re-registers when PUBLIC_URL changes, with or without a trailing slash or a path prefix', async () => {
    const before = calls(plum, 'POST').length;
    const sut = await start({ PUBLIC_URL: 'https://new-host.plumline.test/prefix/' });
    await waitFor(async () => calls(plum, 'POST').length > before && (await inSync(sut)), { what: 're-registration' });
    expect(plum.webhookConfig()!.endpoints).toEqual({
      bookings: expectedEndpoint('https://new-host.plumline.test/prefix', 'bookings'),
      listings: expectedEndpoint('https://new-host.plumline.test/prefix', 'listings'),
    });
    await apps.pop()!.close();

    const again = calls(plum, 'POST').length;
    const gets = calls(plum, 'GET').length;
    const same = await start({ PUBLIC_URL: 'https://new-host.plumline.test/prefix' });
    await settled(same, gets);
    await sleep(300);
    expect(calls(plum, 'POST')).toHaveLength(again);
  });

  it('re-registers when the webhook secret is rotated', async () => {
    const before = calls(plum, 'POST').length;
    const sut = await start({ WEBHOOK_SECRET: OTHER_SECRET });
    await waitFor(async () => calls(plum, 'POST').length > before && (await inSync(sut)), { what: 're-registration' });
    expect(plum.webhookConfig()!.endpoints.bookings).toBe(expectedEndpoint('https://plumline.test', 'bookings', OTHER_SECRET));
  });

  it('restores a configuration deleted behind its back on the next start', async () => {
    await plum.setWebhookConfig(null);
    const before = calls(plum, 'POST').length;
    const sut = await start();
    await waitFor(async () => calls(plum, 'POST').length > before && (await inSync(sut)), { what: 're-registration' });
    expect(plum.webhookConfig()!.isActive).toBe(true);
  });

  it('reports the registration in readiness without letting it fail readiness', async () => {
    const gets = calls(plum, 'GET').length;
    const sut = await start();
    await settled(sut, gets);
    const res = await call(sut, 'GET', '/health/ready', false);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', details: { webhookRegistration: { status: 'up', state: 'in-sync', lastError: null, syncedAt: expect.any(String) } } });
  });
});

describe('webhook registration while Plum is down at start-up', () => {
  let ctx: TestContext;
  let plum: RunningSandbox | undefined;
  let sut: TestApp;

  beforeAll(async () => {
    ctx = await createTestContext();
  });

  afterAll(async () => {
    await sut?.close();
    await plum?.close();
    await ctx?.cleanup();
  });

  it('serves at once, reports the failure, and registers once Plum is back', async () => {
    const port = await freePort();
    sut = await startTestApp(ctx, registrationEnv({ url: `http://127.0.0.1:${port}` }));

    const failed = await waitFor(
      async () => {
        const body = (await call(sut, 'GET', '/webhook-config')).json<{ state: string; lastError: string | null }>();
        return body.state === 'failed' && body;
      },
      { what: 'failed state' },
    );
    expect(failed.lastError).toMatch(/ECONNREFUSED|failed/);
    const ready = await call(sut, 'GET', '/health/ready', false);
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ details: { webhookRegistration: { status: 'up', state: 'failed', lastError: expect.any(String) } } });
    expect((await call(sut, 'GET', '/health', false)).statusCode).toBe(200);

    plum = await startPlum(port);
    await waitFor(() => inSync(sut), { what: 'in-sync after Plum came back', timeoutMs: 30_000 });
    expect(calls(plum, 'POST')).toHaveLength(1);
    expect(plum.webhookConfig()!.endpoints.bookings).toBe(expectedEndpoint('https://plumline.test', 'bookings'));
  });
});

describe('two instances starting together', () => {
  let ctx: TestContext;
  let plum: RunningSandbox;
  let apps: TestApp[] = [];

  beforeAll(async () => {
    ctx = await createTestContext();
    plum = await startPlum();
    // Slow answers, so the two start-up syncs would overlap if nothing serialized them.
    await plum.setFaults({ latencyMs: 300, faultPathPrefix: '/v2/webhooks/config' });
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await plum?.close();
    await ctx?.cleanup();
  });

  it('register exactly once', async () => {
    apps = await Promise.all([startTestApp(ctx, registrationEnv(plum)), startTestApp(ctx, registrationEnv(plum))]);
    // The second instance finds the lock taken, looks again shortly, and then finds Plum up to date.
    await waitFor(async () => calls(plum, 'GET').length >= 2 && (await inSync(apps[0])), { what: 'both instances synced', timeoutMs: 30_000 });
    await sleep(1_500);
    expect(calls(plum, 'POST')).toHaveLength(1);
    // The lock made them take turns: the second read started after the first was answered.
    const [first, second] = calls(plum, 'GET').map((r) => ({ start: Date.parse(r.at), end: Date.parse(r.at) + (r.durationMs ?? Infinity) }));
    expect(second.start).toBeGreaterThanOrEqual(first.end);
    for (const app of apps) expect((await call(app, 'GET', '/webhook-config')).json()).toMatchObject({ state: 'in-sync' });
  });
});

describe('admin endpoints', () => {
  let ctx: TestContext;
  let plum: RunningSandbox;
  let sut: TestApp;

  beforeAll(async () => {
    ctx = await createTestContext();
    plum = await startPlum();
    sut = await startTestApp(ctx, registrationEnv(plum));
    await waitFor(() => inSync(sut), { what: 'in-sync' });
  });

  afterAll(async () => {
    await sut?.close();
    await plum?.close();
    await ctx?.cleanup();
  });

  it.each([
    ['GET', '/webhook-config'],
    ['POST', '/webhook-config/sync'],
    ['PATCH', '/webhook-config/toggle?isActive=false'],
    ['DELETE', '/webhook-config'],
  ] as const)('%s %s answers 401 without the API token and leaves Plum alone', async (method, url) => {
    const before = plum.requests().length;
    const res = await call(sut, method, url, false);
    expect(res.statusCode).toBe(401);
    const wrong = await sut.request({ method, url, headers: { authorization: `Bearer ${TEST_API_TOKEN}x` } });
    expect(wrong.statusCode).toBe(401);
    expect(plum.requests().length).toBe(before);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await sut.request({ method: 'GET', url: '/docs-json' })).json<{
      paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters?: { name: string; in: string; required?: boolean }[] }>>;
      components: { schemas: Record<string, unknown> };
    }>();
    expect(Object.keys(doc.paths['/webhook-config']).sort()).toEqual(['delete', 'get']);
    expect(Object.keys(doc.paths['/webhook-config/sync'])).toEqual(['post']);
    expect(doc.paths['/webhook-config/toggle'].patch.parameters).toEqual([expect.objectContaining({ name: 'isActive', in: 'query', required: true })]);
    expect(doc.paths['/webhook-config/toggle'].patch.responses).toHaveProperty('400');
    expect(doc.components.schemas).toHaveProperty('WebhookRegistrationStatusDto');
    expect(doc.components.schemas).toHaveProperty('WebhookSyncResultDto');
  });

  it('toggles the configuration off and on at Plum', async () => {
    const off = await call(sut, 'PATCH', '/webhook-config/toggle?isActive=false');
    expect(off.statusCode).toBe(200);
    expect(calls(plum, 'PATCH', '/v2/webhooks/config/toggle').at(-1)?.query).toBe('isActive=false');
    expect(plum.webhookConfig()!.isActive).toBe(false);
    expect(off.json()).toMatchObject({ state: 'pending', remote: { isActive: false }, desired: { isActive: true } });

    const on = await call(sut, 'PATCH', '/webhook-config/toggle?isActive=true');
    expect(on.statusCode).toBe(200);
    expect(plum.webhookConfig()!.isActive).toBe(true);
    expect(on.json()).toMatchObject({ state: 'in-sync', remote: { isActive: true } });
  });

  it.each(['maybe', '1', '', 'TRUE'])('answers 400 for isActive=%j without calling Plum', async (value) => {
    const before = plum.requests().length;
    const res = await call(sut, 'PATCH', `/webhook-config/toggle?isActive=${value}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(plum.requests().length).toBe(before);
  });

  it('answers 400 when isActive is missing', async () => {
    expect((await call(sut, 'PATCH', '/webhook-config/toggle')).statusCode).toBe(400);
  });

  it('deletes the configuration at Plum, and a sync puts it back', async () => {
    const deleted = await call(sut, 'DELETE', '/webhook-config');
    expect(deleted.statusCode).toBe(200);
    expect(calls(plum, 'DELETE')).toHaveLength(1);
    expect(plum.webhookConfig()).toBeNull();
    expect(deleted.json()).toMatchObject({ state: 'pending', remote: null });

    const toggled = await call(sut, 'PATCH', '/webhook-config/toggle?isActive=true');
    expect(toggled.statusCode).toBe(404);

    const synced = await call(sut, 'POST', '/webhook-config/sync');
    expect(synced.statusCode).toBe(200);
    expect(synced.json()).toMatchObject({ action: 'registered', state: 'in-sync' });
    expect(plum.webhookConfig()!.endpoints.listings).toBe(expectedEndpoint('https://plumline.test', 'listings'));

    const again = await call(sut, 'POST', '/webhook-config/sync');
    expect(again.json()).toMatchObject({ action: 'unchanged', state: 'in-sync' });
  });

  it('answers 502 when Plum refuses a sync, records the reason, and keeps retrying in the background', async () => {
    await plum.setWebhookConfig(null);
    await plum.failNext({ method: 'POST', path: '/v2/webhooks/config', status: 400 });
    const res = await call(sut, 'POST', '/webhook-config/sync');
    expect(res.statusCode).toBe(502);
    expect(res.json<{ message: string }>().message).toContain('answered 400');
    const status = (await call(sut, 'GET', '/webhook-config')).json<{ state: string; lastError: string }>();
    expect(status).toMatchObject({ state: 'failed', lastError: expect.stringContaining('answered 400') });

    await waitFor(() => inSync(sut), { what: 'in-sync after Plum accepted', timeoutMs: 30_000 });
    expect(plum.webhookConfig()).not.toBeNull();
  });
});

describe('webhook registration turned off', () => {
  let ctx: TestContext;
  let plum: RunningSandbox;
  let sut: TestApp;

  beforeAll(async () => {
    ctx = await createTestContext();
    plum = await startPlum();
    sut = await startTestApp(ctx, registrationEnv(plum, { WEBHOOK_REGISTRATION: 'off' }));
  });

  afterAll(async () => {
    await sut?.close();
    await plum?.close();
    await ctx?.cleanup();
  });

  it('reports "disabled", never calls Plum on its own, and refuses a sync', async () => {
    await waitFor(async () => (await call(sut, 'GET', '/webhook-config')).json<{ state: string }>().state === 'disabled', { what: 'disabled' });
    expect((await call(sut, 'GET', '/health/ready', false)).json()).toMatchObject({ details: { webhookRegistration: { state: 'disabled' } } });
    const sync = await call(sut, 'POST', '/webhook-config/sync');
    expect(sync.statusCode).toBe(409);
    expect(plum.requests()).toHaveLength(0);
  });
});

describe('the webhook secret', () => {
  it('never appears in a response or a log line of this file', () => {
    expect(responses.length).toBeGreaterThan(20);
    expect(logged.length).toBeGreaterThan(5);
    for (const spelling of SECRET_SPELLINGS) {
      expect(responses.filter((body) => body.includes(spelling))).toEqual([]);
      expect(logged.filter((line) => line.includes(spelling))).toEqual([]);
    }
  });
});
