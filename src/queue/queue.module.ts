import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ConfigService } from '@nestjs/config';
import { Environment } from '../config/environment';
import { QueueConnectionLogger } from './queue-connection.logger';
import { QueueName } from './queue.constants';
import { WorkerLifecycleService } from './worker-lifecycle.service';

/**
 * Reconnect quickly after a Redis restart (BullMQ's default waits up to 20 s between attempts), so
 * workers resume and the relay drains the backlog soon after Redis is back.
 */
function redisConnection(config: ConfigService<Environment, true>) {
  return {
    url: config.get('REDIS_URL', { infer: true }),
    retryStrategy: (attempt: number) => Math.min(250 * attempt, 2_000),
  };
}

@Global()
@Module({
  imports: [
    DiscoveryModule,
    BullModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>) => ({
        connection: redisConnection(config),
        prefix: config.get('REDIS_PREFIX', { infer: true }),
      }),
    }),
    BullModule.registerQueueAsync({
      name: QueueName.Events,
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>) => ({
        // Workers are created with the queue's connection options (@nestjs/bullmq), so these serve both.
        connection: redisConnection(config),
        prefix: config.get('REDIS_PREFIX', { infer: true }),
        defaultJobOptions: {
          attempts: config.get('JOB_ATTEMPTS', { infer: true }),
          backoff: { type: 'plum', delay: config.get('JOB_BACKOFF_MS', { infer: true }) },
          removeOnComplete: { age: 24 * 3600, count: 50_000 },
          removeOnFail: false,
        },
      }),
    }),
    BullModule.registerQueueAsync({
      name: QueueName.Notifications,
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>) => ({
        connection: redisConnection(config),
        prefix: config.get('REDIS_PREFIX', { infer: true }),
        defaultJobOptions: {
          attempts: config.get('NOTIFY_ATTEMPTS', { infer: true }),
          // Jitter spreads the retries of a receiver that came back after an outage.
          backoff: { type: 'exponential', delay: config.get('NOTIFY_BACKOFF_MS', { infer: true }), jitter: 0.2 },
          removeOnComplete: { age: 24 * 3600, count: 50_000 },
          removeOnFail: false,
        },
      }),
    }),
  ],
  providers: [QueueConnectionLogger, WorkerLifecycleService],
  exports: [BullModule, QueueConnectionLogger],
})
export class QueueModule {}
