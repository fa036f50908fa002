import { Module } from '@nestjs/common';
import { PlumModule } from '../plum/plum.module';
import { WebhookRegistrationController } from './webhook-registration.controller';
import { WebhookRegistrationRepository } from './webhook-registration.repository';
import { WebhookRegistrationService } from './webhook-registration.service';

@Module({
  imports: [PlumModule],
  controllers: [WebhookRegistrationController],
  providers: [WebhookRegistrationService, WebhookRegistrationRepository],
  exports: [WebhookRegistrationService],
})
export class WebhookRegistrationModule {}
