import { ApiProperty } from '@nestjs/swagger';
import { PlumWebhookConfig } from '../../plum/plum.types';
import { RegistrationState, RegistrationStatus, SyncAction } from '../webhook-registration.types';

export class WebhookEndpointsDto {
  @ApiProperty({ type: String, nullable: true, example: 'https://plumline.example.com/webhooks/bookings?token=redacted' })
  bookings!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'https://plumline.example.com/webhooks/listings?token=redacted' })
  listings!: string | null;
}

export class WebhookConfigDto {
  @ApiProperty({ example: true })
  isActive!: boolean;

  @ApiProperty({ type: WebhookEndpointsDto })
  endpoints!: WebhookEndpointsDto;
}

export class WebhookRegistrationStatusDto {
  @ApiProperty({ type: WebhookConfigDto, description: 'What this instance registers; the webhook secret shows as token=redacted' })
  desired!: WebhookConfigDto | null;

  @ApiProperty({ type: WebhookConfigDto, nullable: true, description: 'What Plum held when last read (null: no configuration), secret redacted' })
  remote!: WebhookConfigDto | null;

  @ApiProperty({ enum: RegistrationState, enumName: 'WebhookRegistrationState' })
  state!: RegistrationState;

  @ApiProperty({ type: String, nullable: true, description: 'Why the last sync failed' })
  lastError!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: "When Plum's configuration was last read or written" })
  syncedAt!: string | null;

  static from(status: RegistrationStatus): WebhookRegistrationStatusDto {
    return {
      desired: toConfigDto(status.desired),
      remote: toConfigDto(status.remote),
      state: status.state,
      lastError: status.lastError,
      syncedAt: status.syncedAt?.toISOString() ?? null,
    };
  }
}

export class WebhookSyncResultDto extends WebhookRegistrationStatusDto {
  @ApiProperty({ enum: ['unchanged', 'registered'], description: 'registered: the configuration was written to Plum' })
  action!: SyncAction;
}

function toConfigDto(config: PlumWebhookConfig | null): WebhookConfigDto | null {
  return config
    ? { isActive: config.isActive, endpoints: { bookings: config.endpoints.bookings ?? null, listings: config.endpoints.listings ?? null } }
    : null;
}
