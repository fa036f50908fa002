import { freePort, startService, waitFor } from '../support/processes';
import { createTestContext, TEST_API_TOKEN, TestContext } from '../support/test-app';

describe('the compiled service as a process', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
  });

  afterAll(async () => {
    await ctx?.cleanup();
  });

  const baseEnv = () => ({
    NODE_ENV: 'production',
    DATABASE_URL: ctx.databaseUrl,
    REDIS_PREFIX: ctx.redisPrefix,
    API_TOKEN: TEST_API_TOKEN,
    PLUM_CLIENT_ID: 'id',
    PLUM_CLIENT_SECRET: 'secret',
    PLUM_API_URL: 'http://127.0.0.1:9',
    PUBLIC_URL: 'https://plumline.test',
    WEBHOOK_REGISTRATION: 'off',
  });

  it('stops at start-up with one line naming a malformed variable', async () => {
    const sut = startService({ ...baseEnv(), PORT: 'eighty' });
    const { code } = await sut.exited;
    expect(code).toBe(1);
    expect(sut.output().trim()).toMatch(/^Invalid configuration: PORT="eighty": PORT must be an integer number$/);
  });

  it('serves, then shuts down cleanly with exit 0 on SIGTERM', async () => {
    const port = await freePort();
    const sut = startService({ ...baseEnv(), PORT: String(port) });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).ok, { what: 'readiness' });
    sut.child.kill('SIGTERM');
    const { code } = await sut.exited;
    expect(code).toBe(0);
    const lines = sut.output().trim().split('\n');
    expect(lines.every((line) => line.startsWith('{'))).toBe(true); // JSON logs in production
    expect(sut.output()).not.toContain(TEST_API_TOKEN);
  });

  it('runs as a worker without an HTTP port', async () => {
    const port = await freePort();
    const sut = startService({ ...baseEnv(), APP_ROLE: 'worker', PORT: String(port) });
    await waitFor(async () => sut.output().includes('plumline worker started'), { what: 'worker start' });
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    sut.child.kill('SIGINT');
    expect((await sut.exited).code).toBe(0);
  });
});
