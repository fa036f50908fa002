import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { WebhookRegistrationModule } from '../webhook-registration/webhook-registration.module';
import { DatabaseHealthIndicator } from './database.health';
import { HealthController } from './health.controller';
import { RedisHealthIndicator } from './redis.health';
import { WebhookRegistrationHealthIndicator } from './webhook-registration.health';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), WebhookRegistrationModule],
  controllers: [HealthController],
  providers: [DatabaseHealthIndicator, RedisHealthIndicator, WebhookRegistrationHealthIndicator],
})
export class HealthModule {}
