import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { QueueName } from './queue.constants';

/**
 * BullMQ prints connection errors to the console when nobody listens, once per reconnect attempt.
 * Every queue and worker reports here instead, and the log says it once per outage.
 */
@Injectable()
export class QueueConnectionLogger implements OnModuleInit {
  private readonly logger = new Logger('Redis');
  private down = false;

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    for (const name of Object.values(QueueName)) {
      let queue: Queue;
      try {
        queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      } catch {
        continue; // not registered in this process
      }
      queue.on('error', (error: Error) => this.reportError(error));
      void queue.getBackend().client.then((client) => client.on('ready', () => this.reportReady()), () => undefined);
    }
  }

  /** Workers report here too (see WorkerLifecycleService). */
  reportError(error: Error): void {
    if (this.down) return;
    this.down = true;
    this.logger.warn(`Redis unavailable (${error.message}); webhooks are still stored and will be enqueued when it returns`);
  }

  private reportReady(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.log('Redis connection restored');
  }
}
