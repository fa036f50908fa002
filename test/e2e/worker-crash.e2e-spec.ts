import { RunningSandbox } from '../../sandbox';
import { pointSandboxAt, sandboxEnv, startTestSandbox, waitForEventsSettled } from '../support/plum-sandbox';
import { RunningProcess, startService, waitFor } from '../support/processes';
import { createTestContext, startTestApp, TEST_API_TOKEN, TestApp, TestContext } from '../support/test-app';

const BOOKINGS = 60;

describe('a worker killed with SIGKILL mid-backlog loses nothing', () => {
  let ctx: TestContext;
  let sandbox: RunningSandbox;
  let api: TestApp;
  const workers: RunningProcess[] = [];

  beforeAll(async () => {
    ctx = await createTestContext();
    sandbox = await startTestSandbox();
    api = await startTestApp(ctx, { ...sandboxEnv(sandbox), APP_ROLE: 'api' }, { listen: true });
    await pointSandboxAt(sandbox, api);
  });

  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await api?.close();
    await sandbox?.close();
    await ctx?.cleanup();
  });

  const startWorker = () => {
    const worker = startService({
      NODE_ENV: 'production',
      APP_ROLE: 'worker',
      DATABASE_URL: ctx.databaseUrl,
      REDIS_PREFIX: ctx.redisPrefix,
      API_TOKEN: TEST_API_TOKEN,
      WORKER_CONCURRENCY: '5',
      JOB_BACKOFF_MS: '100',
      RECONCILE_INTERVAL_MINUTES: '0',
      LOG_LEVEL: 'warn',
      ...sandboxEnv(sandbox),
    });
    workers.push(worker);
    return worker;
  };
  const processed = () => api.prisma.webhookEvent.count({ where: { kind: 'booking', status: 'processed' } });

  it('re-runs the dead worker’s jobs on another worker, and every acknowledged event ends processed', async () => {
    // Slow upstream answers keep jobs in flight when the worker dies.
    await sandbox.setFaults({ latencyMs: 150, faultPathPrefix: '/v2/bookings' });
    const created = [];
    for (let i = 0; i < BOOKINGS; i++) created.push(await sandbox.createBooking({}));
    await sandbox.waitForIdle(20_000);
    const acknowledged = await api.prisma.webhookEvent.count({ where: { kind: 'booking' } });
    expect(acknowledged).toBe(BOOKINGS);

    const doomed = startWorker();
    await waitFor(async () => (await processed()) >= 10, { timeoutMs: 30_000, what: 'the first worker to get going' });
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    const atKill = await processed();
    expect(atKill).toBeLessThan(BOOKINGS);

    startWorker();
    // Jobs the dead worker held are retried once their lock expires (BullMQ's stalled-job check, about 30 s).
    await waitForEventsSettled(api, { timeoutMs: 90_000 });
    expect(await processed()).toBe(acknowledged);
    const stored = await api.prisma.reservation.findMany({ where: { bookingCode: { in: created.map((b) => b.bookingCode) } } });
    expect(stored).toHaveLength(BOOKINGS);
    expect(stored.every((r) => r.status === 'Confirmed')).toBe(true);
  }, 150_000);
});
