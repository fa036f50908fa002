import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueueName } from './queue.constants';

/**
 * BullMQ prints connection errors to the console when nobody listens. Route them to the logger,
 * once per outage rather than once per reconnect attempt.
 */
@Injectable()
export class QueueConnectionLogger implements OnModuleInit {
  private readonly logger = new Logger('Redis');
  private down = false;

  constructor(@InjectQueue(QueueName.Events) private readonly queue: Queue) {}

  onModuleInit(): void {
    this.queue.on('error', (error: Error) => {
      if (this.down) return;
      this.down = true;
      this.logger.warn(`Redis unavailable (${error.message}); webhooks are still stored and will be enqueued when it returns`);
    });
    void this.queue.getBackend().client.then((client) => {
      client.on('ready', () => {
        if (!this.down) return;
        this.down = false;
        this.logger.log('Redis connection restored');
      });
    }, () => undefined);
  }
}
