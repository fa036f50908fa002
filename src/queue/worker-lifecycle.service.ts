import { WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Worker } from 'bullmq';
import { QueueConnectionLogger } from './queue-connection.logger';

const READY_PROBE_MS = 250;

/**
 * What every BullMQ worker of this process needs, whichever module declares it:
 * - its connection errors go to the logger once per outage, not to the console per retry;
 * - it stops before anything its jobs depend on: workers are closed in `beforeApplicationShutdown`,
 *   which Nest runs before any `onApplicationShutdown` (where the database pool closes), so jobs in
 *   flight finish with their database; @nestjs/bullmq's own close later finds them closed;
 * - shutdown does not hang on a Redis that is away. BullMQ's graceful Worker.close() waits for the
 *   fetch loop, which never returns while Redis is unreachable; such a worker is closed forcefully
 *   (nothing can finish without Redis anyway, and the jobs it held are re-run by stalled-job recovery).
 */
@Injectable()
export class WorkerLifecycleService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerLifecycleService.name);

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly connection: QueueConnectionLogger,
  ) {}

  onApplicationBootstrap(): void {
    for (const worker of this.workers()) worker.on('error', (error: Error) => this.connection.reportError(error));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(
      this.workers().map(async (worker) => {
        if (await isRedisReady(worker)) return worker.close();
        this.logger.warn(`Redis unreachable: closing worker ${worker.name} without waiting for its fetch loop`);
        return worker.close(true);
      }),
    );
  }

  private workers(): Worker[] {
    return this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost)
      .map((host) => host.worker as Worker | undefined)
      .filter((worker): worker is Worker => worker !== undefined);
  }
}

async function isRedisReady(worker: Worker): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const probe = worker
    .getBackend()
    .client.then((client) => client.status === 'ready')
    .catch(() => false);
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), READY_PROBE_MS)));
  return Promise.race([probe, timeout]).finally(() => clearTimeout(timer));
}
