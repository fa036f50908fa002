import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Environment } from '../config/environment';
import { QueueConnectionLogger } from './queue-connection.logger';
import { QueueName } from './queue.constants';

@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>) => ({
        connection: { url: config.get('REDIS_URL', { infer: true }) },
        prefix: config.get('REDIS_PREFIX', { infer: true }),
      }),
    }),
    BullModule.registerQueueAsync({
      name: QueueName.Events,
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>) => ({
        connection: {
          url: config.get('REDIS_URL', { infer: true }),
          // The webhook path must not wait on a Redis that is down: fail fast, the relay enqueues later.
          enableOfflineQueue: false,
        },
        prefix: config.get('REDIS_PREFIX', { infer: true }),
        defaultJobOptions: {
          attempts: config.get('JOB_ATTEMPTS', { infer: true }),
          backoff: { type: 'plum', delay: config.get('JOB_BACKOFF_MS', { infer: true }) },
          removeOnComplete: { age: 24 * 3600, count: 50_000 },
          removeOnFail: false,
        },
      }),
    }),
  ],
  providers: [QueueConnectionLogger],
  exports: [BullModule],
})
export class QueueModule {}
