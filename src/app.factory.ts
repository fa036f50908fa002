import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule, roleFlags } from './app.module';
import { Environment } from './config/environment';
import { setupOpenApi } from './openapi';

/** Webhook payloads are a few hundred bytes; nothing this service accepts is larger. */
export const BODY_LIMIT_BYTES = 64 * 1024;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A caller's X-Request-Id when it is sane, else a fresh one; it tags every log line of the request. */
function requestId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** Builds the HTTP application (roles `all` and `api`) exactly as production runs it; tests use it too. */
export async function createHttpApp(env: Environment): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: true,
    return503OnClosing: true,
    requestIdHeader: false,
    genReqId: requestId,
  });
  adapter.getInstance().addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(env), adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  setupOpenApi(app);
  return app;
}

/** A process without HTTP (role `worker`): queue workers and scheduled jobs only. */
export async function createWorkerContext(env: Environment): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(env), { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  return app;
}

export async function createApp(env: Environment): Promise<INestApplication | INestApplicationContext> {
  return roleFlags(env.APP_ROLE).http ? createHttpApp(env) : createWorkerContext(env);
}
