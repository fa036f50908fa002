import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { JobType, Queue } from 'bullmq';
import { Gauge } from 'prom-client';
import { withTimeout } from '../common/with-timeout';
import { QueueName } from '../queue/queue.constants';
import { assertRedisReady } from '../queue/redis-ready';
import { MetricsService } from './metrics.service';

/** A scrape must answer even when Redis does not: Prometheus would otherwise lose every other metric too. */
export const QUEUE_SCRAPE_TIMEOUT_MS = 1_000;

const STATES: JobType[] = ['waiting', 'prioritized', 'active', 'delayed', 'waiting-children', 'failed', 'completed'];

/**
 * Queue depth by state, read from Redis at scrape time (BullMQ's counts are cheap: one round trip).
 * Every process reads the same shared queues, so aggregate these with max(), not sum().
 */
@Injectable()
export class QueueMetricsCollector implements OnModuleInit {
  private queues: Queue[] = [];

  constructor(
    private readonly metrics: MetricsService,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    // Every queue named in queue.constants that some module registered in this process.
    this.queues = Object.values(QueueName).flatMap((name) => {
      try {
        return [this.moduleRef.get<Queue>(getQueueToken(name), { strict: false })];
      } catch {
        return [];
      }
    });
    const queues = () => this.queues;
    const up = new Gauge({
      name: 'plumline_queue_scrape_success',
      help: 'Whether the queue depth could be read from Redis at this scrape (1) or not (0)',
      labelNames: ['queue'] as const,
      registers: [this.metrics.registry],
    });
    new Gauge({
      name: 'plumline_queue_jobs',
      help: 'Jobs in the queue by state, read from Redis at scrape time (absent when Redis did not answer)',
      labelNames: ['queue', 'state'] as const,
      registers: [this.metrics.registry],
      async collect() {
        this.reset();
        up.reset();
        await Promise.all(
          queues().map(async (queue) => {
            const counts = await jobCounts(queue).catch(() => undefined);
            up.set({ queue: queue.name }, counts ? 1 : 0);
            for (const [state, count] of Object.entries(counts ?? {})) this.set({ queue: queue.name, state }, count);
          }),
        );
      },
    });
  }
}

async function jobCounts(queue: Queue): Promise<Record<string, number>> {
  const read = (async () => {
    // While Redis is away, a command would wait in the client's offline queue: do not add one per scrape.
    await assertRedisReady(queue);
    return queue.getJobCounts(...STATES);
  })();
  return withTimeout(read, QUEUE_SCRAPE_TIMEOUT_MS, `Redis did not answer within ${QUEUE_SCRAPE_TIMEOUT_MS} ms`);
}
