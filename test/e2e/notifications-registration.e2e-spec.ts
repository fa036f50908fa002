import { RunningSandbox } from '../../sandbox';
import { NotificationType } from '../../src/notifications/notification.types';
import { NotificationReceiver, startNotificationReceiver } from '../support/notification-receivers';
import { sandboxEnv, startTestSandbox } from '../support/plum-sandbox';
import { waitFor } from '../support/processes';
import { createTestContext, startTestApp, TestApp, TestContext } from '../support/test-app';

const NOTIFY_SECRET = 'notify-secret-0123456789';

describe('registration.failed notifications (real Postgres, Redis, sandbox and receiver)', () => {
  let ctx: TestContext;
  let sandbox: RunningSandbox;
  let receiver: NotificationReceiver;
  let sut: TestApp;

  beforeAll(async () => {
    ctx = await createTestContext();
    sandbox = await startTestSandbox();
    receiver = await startNotificationReceiver(NOTIFY_SECRET);
  });

  afterAll(async () => {
    await sut?.close();
    await sandbox?.close();
    await receiver?.close();
    await ctx?.cleanup();
  });

  const failures = () => receiver.accepted().filter((r) => r.body.type === NotificationType.RegistrationFailed);
  const state = async () => (await sut.request({ method: 'GET', url: '/webhook-config', auth: true })).json<{ state: string }>().state;
  const configCalls = () => sandbox.requests({ path: '/v2/webhooks/config' }).length;

  it('tells once per failure episode, not once per retry, and again after a sync that worked', async () => {
    // Plum refuses the first two reads of the configuration: start-up fails, its first retry fails, the second works.
    await sandbox.failNext({ path: '/v2/webhooks/config', method: 'GET', count: 2, status: 400 });
    sut = await startTestApp(ctx, {
      ...sandboxEnv(sandbox),
      WEBHOOK_REGISTRATION: 'on',
      PUBLIC_URL: 'https://plumline.test',
      NOTIFY_WEBHOOK_URL: receiver.url,
      NOTIFY_WEBHOOK_SECRET: NOTIFY_SECRET,
      NOTIFY_BACKOFF_MS: '50',
    });
    await waitFor(async () => (await state()) === 'in-sync', { timeoutMs: 15_000, what: 'the registration to recover' });
    await waitFor(async () => failures().length > 0, { what: 'the failure notification' });
    expect(sandbox.requests({ path: '/v2/webhooks/config', method: 'GET' }).length).toBeGreaterThanOrEqual(3);
    expect(failures()).toHaveLength(1);
    expect(failures()[0].signatureValid).toBe(true);
    expect(failures()[0].body).toMatchObject({ reservation: null, registration: { lastSyncedAt: null } });
    expect(failures()[0].body.registration!.error).toMatch(/400/);

    // A new failure after a sync that worked is news again.
    const before = configCalls();
    await sandbox.failNext({ path: '/v2/webhooks/config', method: 'GET', count: 1, status: 400 });
    expect((await sut.request({ method: 'POST', url: '/webhook-config/sync', auth: true })).statusCode).toBeGreaterThanOrEqual(400);
    await waitFor(async () => configCalls() > before + 1 && (await state()) === 'in-sync', { timeoutMs: 15_000, what: 'the background retry' });
    await waitFor(async () => failures().length > 1, { what: 'the second failure notification' });
    expect(failures()).toHaveLength(2);
    expect(failures()[1].body.registration!.lastSyncedAt).not.toBeNull();
    expect(failures()[1].body.id).not.toBe(failures()[0].body.id);
  });
});
