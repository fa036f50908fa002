import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { RunningSandbox } from '../../sandbox';
import { createFileDatabase } from '../support/databases';
import { sandboxEnv, startTestSandbox } from '../support/plum-sandbox';
import { freePort, waitFor } from '../support/processes';
import { TEST_REDIS_URL } from '../support/redis';
import { createTestContext, startTestApp, TEST_API_TOKEN, TEST_WEBHOOK_SECRET, TestApp, TestContext } from '../support/test-app';

const DOCTOR = resolve(__dirname, '../../scripts/doctor.mjs');
const PUBLIC_URL = 'https://plumline.test';

interface DoctorRun {
  code: number | null;
  output: string;
  /** The report's line for one check (the first, when a check prints several). */
  line(check: string): string | undefined;
}

describe('npm run doctor (real Postgres and Redis, the Plum sandbox)', () => {
  let ctx: TestContext;
  let sandbox: RunningSandbox;
  let service: TestApp;
  /** An empty working directory: the checkout's own .env must not leak into these runs. */
  let cwd: string;

  const goodConfig = () => ({
    isActive: true,
    endpoints: {
      bookings: `${PUBLIC_URL}/webhooks/bookings?token=${TEST_WEBHOOK_SECRET}`,
      listings: `${PUBLIC_URL}/webhooks/listings?token=${TEST_WEBHOOK_SECRET}`,
    },
  });

  beforeAll(async () => {
    ctx = await createTestContext();
    sandbox = await startTestSandbox();
    // The service itself, so the doctor finds a worker connected to the queue.
    service = await startTestApp(ctx, { ...sandboxEnv(sandbox), RECONCILE_INTERVAL_MINUTES: '0' });
    cwd = mkdtempSync(join(tmpdir(), 'plumline-doctor-'));
  });

  beforeEach(async () => {
    await sandbox.setWebhookConfig(goodConfig());
  });

  afterAll(async () => {
    await service?.close();
    await sandbox?.close();
    await ctx?.cleanup();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  /** Runs the doctor as an operator would, in another process (the sandbox keeps answering in this one). */
  async function doctor(overrides: Record<string, string | undefined> = {}, args: string[] = []): Promise<DoctorRun> {
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      DATABASE_URL: ctx.databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: ctx.redisPrefix,
      ...sandboxEnv(sandbox),
      PUBLIC_URL,
      API_TOKEN: TEST_API_TOKEN,
      PLUM_TIMEOUT_MS: '2000',
      ...overrides,
    };
    const child = spawn(process.execPath, [DOCTOR, '--timeout-seconds=3', ...args], {
      cwd,
      env: Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    return { code, output, line: (check) => output.split('\n').find((l) => l.slice(2).startsWith(`${check}:`)) };
  }

  it('passes against a healthy setup: every check ✓ (local Redis has no AOF: a warning only), exit 0', async () => {
    const run = await doctor();
    expect({ code: run.code, output: run.output }).toEqual({ code: 0, output: expect.any(String) });
    for (const check of ['Configuration', 'Postgres', 'Migrations', 'Redis', 'Queue', 'Plum credentials', 'Plum webhook configuration']) {
      expect(run.line(check)).toMatch(/^✓ /);
    }
    expect(run.line('Redis settings')).toMatch(/^[✓⚠] /);
    expect(run.output).not.toContain('✗');
    expect(run.line('Plum webhook configuration')).toBe(`✓ Plum webhook configuration: active, both endpoints at ${PUBLIC_URL}`);
    expect(run.line('Queue')).toMatch(/worker connection/);
    // Secrets never appear in the report.
    for (const secret of [TEST_WEBHOOK_SECRET, TEST_API_TOKEN, sandbox.clientSecret]) expect(run.output).not.toContain(secret);
  });

  it('names refused credentials, says what to fix, skips what depends on them and exits 1', async () => {
    const run = await doctor({ PLUM_CLIENT_SECRET: 'not-the-secret' });
    expect(run.code).toBe(1);
    expect(run.line('Plum credentials')).toMatch(/^✗ Plum credentials: .* refused the login \(401\) → check PLUM_CLIENT_ID and PLUM_CLIENT_SECRET$/);
    expect(run.line('Plum webhook configuration')).toMatch(/^- /);
    expect(run.line('Postgres')).toMatch(/^✓ /);
    expect(run.output).not.toContain('not-the-secret');
  });

  it('checks a static PLUM_API_TOKEN by reading the webhook configuration with it', async () => {
    const login = await fetch(`${sandbox.url}/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: sandbox.clientId, clientSecret: sandbox.clientSecret }),
    });
    const { token } = (await login.json()) as { token: string };
    const good = await doctor({ PLUM_CLIENT_ID: undefined, PLUM_CLIENT_SECRET: undefined, PLUM_API_TOKEN: token });
    expect(good.line('Plum credentials')).toMatch(/^✓ Plum credentials: PLUM_API_TOKEN accepted/);
    expect(good.code).toBe(0);
    const bad = await doctor({ PLUM_CLIENT_ID: undefined, PLUM_CLIENT_SECRET: undefined, PLUM_API_TOKEN: 'not-a-token' });
    expect(bad.code).toBe(1);
    expect(bad.line('Plum credentials')).toMatch(/^✗ .* refused PLUM_API_TOKEN \(40[13]\) → renew PLUM_API_TOKEN$/);
  });

  it("fails when Plum's webhook configuration is missing, switched off, or points elsewhere", async () => {
    await sandbox.setWebhookConfig(null);
    expect((await doctor()).line('Plum webhook configuration')).toMatch(/^✗ Plum webhook configuration: Plum holds none.* → POST \/webhook-config\/sync/);

    await sandbox.setWebhookConfig({ ...goodConfig(), isActive: false });
    expect((await doctor()).line('Plum webhook configuration')).toMatch(/^✗ .*switched off → PATCH \/webhook-config\/toggle\?isActive=true/);

    await sandbox.setWebhookConfig({ isActive: true, endpoints: { ...goodConfig().endpoints, bookings: 'https://old-host.example/webhooks/bookings?token=x' } });
    const elsewhere = await doctor();
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.line('Plum webhook configuration')).toMatch(
      /^✗ .*bookings goes to https:\/\/old-host\.example\/webhooks\/bookings, not https:\/\/plumline\.test\/webhooks\/bookings/,
    );

    await sandbox.setWebhookConfig(goodConfig());
    const otherSecret = await doctor({ WEBHOOK_SECRET: 'another-webhook-secret-0123' });
    expect(otherSecret.line('Plum webhook configuration')).toMatch(/bookings does not carry WEBHOOK_SECRET as \?token=; listings does not carry/);
    expect(otherSecret.output).not.toContain(TEST_WEBHOOK_SECRET);
  });

  it('lists each configuration problem on its own line and runs nothing else', async () => {
    const run = await doctor({ API_TOKEN: undefined, PORT: 'eighty', PLUM_API_URL: 'not a url' });
    expect(run.code).toBe(1);
    const lines = run.output.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('✗ Configuration: '))).toHaveLength(3);
    expect(run.output).toMatch(/✗ Configuration: PORT="eighty": PORT must be an integer number → fix it in \.env/);
    expect(run.output).toMatch(/✗ Configuration: API_TOKEN is required/);
    expect(lines.at(-1)).toMatch(/^- Other checks: /);
  });

  it('reports an unreachable Postgres and Redis and an unmigrated database, each with its fix', async () => {
    const closedPort = await freePort();
    const down = await doctor({ DATABASE_URL: `postgresql://postgres:hunter2-secret@127.0.0.1:${closedPort}/plumline`, REDIS_URL: `redis://127.0.0.1:${closedPort}` });
    expect(down.code).toBe(1);
    expect(down.line('Postgres')).toMatch(new RegExp(`^✗ Postgres: cannot connect to 127\\.0\\.0\\.1:${closedPort}/plumline: .*ECONNREFUSED.* → start Postgres, or fix DATABASE_URL`));
    expect(down.line('Migrations')).toMatch(/^- Migrations: needs Postgres/);
    expect(down.line('Redis')).toMatch(/^✗ Redis: cannot connect .* → start Redis, or fix REDIS_URL/);
    expect(down.line('Queue')).toMatch(/^- Queue: needs Redis/);
    expect(down.output).not.toContain('hunter2-secret');

    // A migrated copy that forgets its latest migration: as if the code were deployed without npm run db:migrate.
    const behind = await createFileDatabase();
    try {
      const client = new Client({ connectionString: behind.url });
      await client.connect();
      await client.query(`DELETE FROM _prisma_migrations WHERE migration_name = (SELECT max(migration_name) FROM _prisma_migrations)`);
      await client.end();
      const pending = await doctor({ DATABASE_URL: behind.url });
      expect(pending.code).toBe(1);
      expect(pending.line('Migrations')).toMatch(/^✗ Migrations: 1 pending: \d{14}_\w+ → run npm run db:migrate$/);
    } finally {
      await behind.drop();
    }
  });

  it('fails a queue that is not moving: jobs waiting for long and no worker connected', async () => {
    const idle = await createTestContext();
    const api = await startTestApp(idle, { APP_ROLE: 'api', WEBHOOK_SECRET: TEST_WEBHOOK_SECRET });
    try {
      const res = await api.request({
        method: 'POST',
        url: `/webhooks/bookings?token=${TEST_WEBHOOK_SECRET}`,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ eventId: randomUUID(), timestamp: new Date().toISOString(), bookingCode: 'PG-WAITING1', listingId: null }),
      });
      expect(res.statusCode).toBe(200);
      const queueEnv = { DATABASE_URL: idle.databaseUrl, REDIS_PREFIX: idle.redisPrefix };
      // Young: a warning. Older than --stale-minutes (here 0.01 min): not moving, exit 1.
      const young = await waitFor(async () => {
        const run = await doctor(queueEnv);
        return run.line('Queue')?.includes('1 waiting') && run;
      }, { what: 'the job waiting in Redis' });
      expect(young.line('Queue')).toMatch(/^⚠ Queue: no worker is connected \(1 waiting, 0 active/);
      await new Promise((r) => setTimeout(r, 700));
      const stale = await doctor(queueEnv, ['--stale-minutes=0.01']);
      expect(stale.code).toBe(1);
      expect(stale.line('Queue')).toMatch(/^✗ Queue: not moving: the oldest waiting job is \d+ s old and no worker is connected .* → start a worker: APP_ROLE=worker or all$/);
    } finally {
      await api.close();
      await idle.cleanup();
    }
  });
});
