import 'reflect-metadata';
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { createApp } from './app.factory';
import { ConfigurationError, Environment, loadEnvironment } from './config/environment';

function readEnvironment(): Environment {
  try {
    return loadEnvironment();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

function isHttpApp(app: INestApplication | INestApplicationContext): app is INestApplication {
  return typeof (app as INestApplication).listen === 'function';
}

/**
 * On SIGTERM/SIGINT: stop taking requests, let in-flight requests and jobs finish, close queues and
 * pools, exit 0. Past SHUTDOWN_TIMEOUT_MS it exits 1; unfinished jobs are picked up again by
 * BullMQ's stalled-job recovery, so nothing acknowledged is lost either way.
 */
function handleShutdown(app: INestApplication | INestApplicationContext, env: Environment): void {
  const logger = app.get(Logger);
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received, shutting down`);
    setTimeout(() => {
      logger.error(`Shutdown took longer than ${env.SHUTDOWN_TIMEOUT_MS} ms, exiting`);
      process.exit(1);
    }, env.SHUTDOWN_TIMEOUT_MS).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'Shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

async function bootstrap(): Promise<void> {
  const env = readEnvironment();
  const app = await createApp(env);
  handleShutdown(app, env);
  if (isHttpApp(app)) {
    await app.listen(env.PORT, '0.0.0.0');
    app.get(Logger).log(`plumline (${env.APP_ROLE}) listening on port ${env.PORT}`);
  } else {
    await app.init();
    app.get(Logger).log('plumline worker started');
  }
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`plumline failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
