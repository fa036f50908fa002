import { INestApplicationContext } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { InjectOptions, Response as InjectResponse } from 'light-my-request';
import { createHttpApp, createWorkerContext } from '../../src/app.factory';
import { Environment, validateEnvironment } from '../../src/config/environment';
import { PrismaService } from '../../src/prisma/prisma.service';
import { createFileDatabase } from './databases';
import { deleteRedisPrefix, newRedisPrefix, TEST_REDIS_URL } from './redis';

export const TEST_API_TOKEN = 'test-api-token-0123456789';
export const TEST_WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

export type EnvOverrides = Record<string, string | undefined>;

/** Settings for a test app: its own database and Redis prefix, quiet logs, no registration with Plum. */
export function testEnvironment(overrides: EnvOverrides): Environment {
  return validateEnvironment({
    NODE_ENV: 'test',
    PORT: '0',
    REDIS_URL: TEST_REDIS_URL,
    PLUM_API_URL: 'http://127.0.0.1:9',
    PLUM_CLIENT_ID: 'test-client',
    PLUM_CLIENT_SECRET: 'test-secret',
    PUBLIC_URL: 'https://plumline.test',
    WEBHOOK_REGISTRATION: 'off',
    API_TOKEN: TEST_API_TOKEN,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    LOG_FORMAT: 'json',
    JOB_BACKOFF_MS: '50',
    RELAY_INTERVAL_MS: '200',
    ...overrides,
  });
}

/** What a test file shares between the apps it starts: one database and one Redis prefix. */
export interface TestContext {
  databaseUrl: string;
  redisPrefix: string;
  cleanup(): Promise<void>;
}

export async function createTestContext(): Promise<TestContext> {
  const db = await createFileDatabase();
  const redisPrefix = newRedisPrefix();
  return {
    databaseUrl: db.url,
    redisPrefix,
    async cleanup() {
      await deleteRedisPrefix(redisPrefix);
      await db.drop();
    },
  };
}

export interface TestApp {
  app: NestFastifyApplication;
  /** http://127.0.0.1:<port> when started with `listen: true` (a real socket, e.g. for the sandbox's deliveries). */
  url: string;
  env: Environment;
  prisma: PrismaService;
  /** An in-process HTTP request (no socket); `auth: true` adds the API token. */
  request(options: InjectOptions & { auth?: boolean }): Promise<InjectResponse>;
  close(): Promise<void>;
}

export async function startTestApp(ctx: TestContext, overrides: EnvOverrides = {}, { listen = false } = {}): Promise<TestApp> {
  const env = testEnvironment({ DATABASE_URL: ctx.databaseUrl, REDIS_PREFIX: ctx.redisPrefix, ...overrides });
  const app = await createHttpApp(env);
  let url = '';
  if (listen) {
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  } else {
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  }
  return {
    app,
    url: url.replace('[::1]', '127.0.0.1'),
    env,
    prisma: app.get(PrismaService),
    request({ auth, ...options }) {
      const headers = { ...(options.headers ?? {}), ...(auth ? { authorization: `Bearer ${TEST_API_TOKEN}` } : {}) };
      return app.inject({ ...options, headers });
    },
    close: () => app.close(),
  };
}

export async function startTestWorker(ctx: TestContext, overrides: EnvOverrides = {}): Promise<INestApplicationContext> {
  const env = testEnvironment({ DATABASE_URL: ctx.databaseUrl, REDIS_PREFIX: ctx.redisPrefix, APP_ROLE: 'worker', ...overrides });
  const app = await createWorkerContext(env);
  await app.init();
  return app;
}
