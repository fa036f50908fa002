import { RunningSandbox, startSandbox } from '../../sandbox';
import { TEST_WEBHOOK_SECRET, TestApp } from './test-app';
import { waitFor } from './processes';

/** Settings that point an app at a running sandbox with its default credentials. */
export function sandboxEnv(sandbox: RunningSandbox): Record<string, string> {
  return { PLUM_API_URL: sandbox.url, PLUM_CLIENT_ID: sandbox.clientId, PLUM_CLIENT_SECRET: sandbox.clientSecret, WEBHOOK_SECRET: TEST_WEBHOOK_SECRET };
}

export async function startTestSandbox(): Promise<RunningSandbox> {
  return startSandbox({ localMode: true, retryBaseMs: 50, deliveryTimeoutMs: 5_000, seed: 42 });
}

/** Makes the sandbox deliver its webhooks to a listening test app (as registration would). */
export async function pointSandboxAt(sandbox: RunningSandbox, app: TestApp): Promise<void> {
  await sandbox.setWebhookConfig({
    isActive: true,
    endpoints: {
      bookings: `${app.url}/webhooks/bookings?token=${TEST_WEBHOOK_SECRET}`,
      listings: `${app.url}/webhooks/listings?token=${TEST_WEBHOOK_SECRET}`,
    },
  });
}

/** Waits until every event the app has received is processed or failed. */
export async function waitForEventsSettled(app: TestApp, { timeoutMs = 30_000 } = {}): Promise<void> {
  await waitFor(
    async () => (await app.prisma.webhookEvent.count({ where: { status: { notIn: ['processed', 'failed'] } } })) === 0,
    { timeoutMs, what: 'all events processed' },
  );
}

export interface BlockRow {
  booking_code: string;
  listing_id: number;
  kind: string;
  from: string;
  to: string;
}

export async function blocksOf(app: TestApp, bookingCode?: string): Promise<BlockRow[]> {
  const rows = await app.prisma.$queryRaw<BlockRow[]>`
    SELECT booking_code, listing_id, kind::text AS kind, lower(during)::text AS "from", upper(during)::text AS "to"
    FROM blocked_ranges ORDER BY booking_code`;
  return bookingCode ? rows.filter((r) => r.booking_code === bookingCode) : rows;
}
