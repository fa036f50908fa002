import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { WebhookRegistrationService } from '../webhook-registration/webhook-registration.service';

@Injectable()
export class WebhookRegistrationHealthIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly registration: WebhookRegistrationService,
  ) {}

  /**
   * Always "up", carrying the state for operators and monitors. Readiness gates traffic to this
   * instance, and ingestion does not need Plum: webhooks already configured keep arriving and are
   * stored while Plum's API is down, so reporting "down" would pull a working instance out of the
   * load balancer — and with every replica unready, Plum's deliveries would fail too.
   */
  async isHealthy(key: string) {
    const { state, lastError, syncedAt } = await this.registration.readinessReport();
    return this.indicator.check(key).up({ state, lastError, syncedAt: syncedAt?.toISOString() ?? null });
  }
}
