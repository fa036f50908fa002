import { Controller, Get, HttpCode } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '../common/public.decorator';
import { DatabaseHealthIndicator } from './database.health';
import { RedisHealthIndicator } from './redis.health';
import { WebhookRegistrationHealthIndicator } from './webhook-registration.health';

@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly webhookRegistration: WebhookRegistrationHealthIndicator,
  ) {}

  /** Liveness: the process answers. No dependency is checked, so a Postgres outage does not restart it. */
  @Get()
  @HttpCode(200)
  live() {
    return { status: 'ok' };
  }

  /** Readiness: Postgres and Redis answer (503 otherwise); also reports the webhook registration state, which never fails it. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.database.isHealthy('database'),
      () => this.redis.isHealthy('redis'),
      () => this.webhookRegistration.isHealthy('webhookRegistration'),
    ]);
  }
}
