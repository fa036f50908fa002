import { DynamicModule, Module, Provider } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { MetricsTokenGuard } from './metrics-token.guard';
import { QueueMetricsCollector } from './queue-metrics.collector';
import { WebhookMetricsHooks } from './webhook-metrics.hooks';
import { WorkerMetricsServer } from './worker-metrics.server';

export interface MetricsModuleOptions {
  /** The process serves HTTP (roles `all` and `api`): /metrics is a route, webhook answers are measured. */
  http: boolean;
  /** The process has no HTTP but runs workers (role `worker`): METRICS_PORT, when set, serves /metrics. */
  workerListener: boolean;
  /** Queue depth read from Redis at scrape time; off where no queue is registered (the doctor). */
  queueDepth: boolean;
}

/** Global, so any module records metrics by injecting MetricsService without importing this one. */
@Module({})
export class MetricsModule {
  static register(options: MetricsModuleOptions): DynamicModule {
    const providers: Provider[] = [MetricsService];
    if (options.queueDepth) providers.push(QueueMetricsCollector);
    if (options.http) providers.push(MetricsTokenGuard, WebhookMetricsHooks);
    if (options.workerListener) providers.push(WorkerMetricsServer);
    return {
      module: MetricsModule,
      global: true,
      controllers: options.http ? [MetricsController] : [],
      providers,
      exports: [MetricsService],
    };
  }
}
