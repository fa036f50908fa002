import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Queue } from 'bullmq';
import { withTimeout } from '../common/with-timeout';
import { QueueName } from '../queue/queue.constants';

const PROBE_MS = 1_000;

@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    @InjectQueue(QueueName.Events) private readonly queue: Queue,
  ) {}

  async isHealthy(key: string) {
    const check = this.indicator.check(key);
    try {
      const client = await withTimeout(this.queue.getBackend().client, PROBE_MS, `no answer within ${PROBE_MS} ms`);
      await withTimeout(client.get('plumline:health'), PROBE_MS, `no answer within ${PROBE_MS} ms`);
      return check.up();
    } catch (error) {
      return check.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}

