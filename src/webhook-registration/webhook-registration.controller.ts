import { Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto';
import { ToggleWebhookQueryDto } from './dto/toggle-webhook-query.dto';
import { WebhookRegistrationStatusDto, WebhookSyncResultDto } from './dto/webhook-registration-status.dto';
import { WebhookRegistrationService } from './webhook-registration.service';

@ApiTags('webhook-config')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing or wrong API token' })
@Controller('webhook-config')
export class WebhookRegistrationController {
  constructor(private readonly registration: WebhookRegistrationService) {}

  @Get()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "The desired webhook configuration, Plum's last known one and the sync state (no call to Plum)" })
  @ApiOkResponse({ type: WebhookRegistrationStatusDto })
  async status(): Promise<WebhookRegistrationStatusDto> {
    return WebhookRegistrationStatusDto.from(await this.registration.status());
  }

  @Post('sync')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Read Plum's configuration now and register the desired one if it differs" })
  @ApiOkResponse({ type: WebhookSyncResultDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Registration is off, or another instance is syncing' })
  @ApiBadGatewayResponse({ type: ErrorResponseDto, description: 'Plum failed or refused; the state is failed and the sync is retried in the background' })
  async sync(): Promise<WebhookSyncResultDto> {
    const { action, ...status } = await this.registration.syncNow();
    return { ...WebhookRegistrationStatusDto.from(status), action };
  }

  @Patch('toggle')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Switch Plum's webhook configuration on or off (a restart or a sync switches it back on while registration is on)" })
  @ApiOkResponse({ type: WebhookRegistrationStatusDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'isActive is not true or false' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Plum holds no configuration to toggle' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Another instance is syncing' })
  @ApiBadGatewayResponse({ type: ErrorResponseDto, description: 'Plum failed or refused' })
  async toggle(@Query() query: ToggleWebhookQueryDto): Promise<WebhookRegistrationStatusDto> {
    return WebhookRegistrationStatusDto.from(await this.registration.toggle(query.isActive));
  }

  @Delete()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Delete Plum's webhook configuration (a restart or a sync registers it again while registration is on)" })
  @ApiOkResponse({ type: WebhookRegistrationStatusDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Another instance is syncing' })
  @ApiBadGatewayResponse({ type: ErrorResponseDto, description: 'Plum failed or refused' })
  async remove(): Promise<WebhookRegistrationStatusDto> {
    return WebhookRegistrationStatusDto.from(await this.registration.remove());
  }
}
