import { createTestContext, startTestApp, TestApp, TestContext } from '../support/test-app';

describe('the application (real Postgres and Redis)', () => {
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

  it('answers liveness without touching a dependency', async () => {
    const res = await sut.request({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('reports readiness of Postgres and Redis', async () => {
    const res = await sut.request({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', details: { database: { status: 'up' }, redis: { status: 'up' } } });
  });

  it('tags every response with a request id, keeping a sane one from the caller', async () => {
    const own = await sut.request({ method: 'GET', url: '/health', headers: { 'x-request-id': 'abc-123' } });
    expect(own.headers['x-request-id']).toBe('abc-123');
    const fresh = await sut.request({ method: 'GET', url: '/health', headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with the one JSON error shape', async () => {
    const res = await sut.request({ method: 'GET', url: '/nowhere', auth: true });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /nowhere' });
  });
});

describe('readiness when a dependency is down', () => {
  let ctx: TestContext;
  let sut: TestApp;

  beforeAll(async () => {
    ctx = await createTestContext();
    // Nothing listens on port 9 (discard): both dependencies are unreachable.
    sut = await startTestApp(ctx, { DATABASE_URL: 'postgresql://postgres@127.0.0.1:9/none', REDIS_URL: 'redis://127.0.0.1:9' });
  });

  afterAll(async () => {
    await sut?.close();
    await ctx?.cleanup();
  });

  it('answers 503 naming what is down, while liveness stays 200', async () => {
    const ready = await sut.request({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'error', details: { database: { status: 'down' }, redis: { status: 'down' } } });
    expect((await sut.request({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});
