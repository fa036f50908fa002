import { BadRequestException, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ReplayAcceptedDto, WebhookEventDto, WebhookEventPageDto, WebhookEventQueryDto, WebhookEventStatsDto } from './dto/webhook-event.dto';
import { WebhooksService } from './webhooks.service';

const eventIdPipe = new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException(['eventId must be a UUID']) });

@ApiTags('webhook events')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong API token' })
@Controller('webhook-events')
export class WebhookEventsController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @HttpCode(200)
  @ApiOperation({ summary: 'The event log, newest first' })
  @ApiOkResponse({ type: WebhookEventPageDto })
  @ApiBadRequestResponse({ description: 'An invalid query parameter' })
  list(@Query() query: WebhookEventQueryDto): Promise<WebhookEventPageDto> {
    return this.webhooks.list(query);
  }

  @Get('stats')
  @HttpCode(200)
  @ApiOperation({ summary: 'How many events are in each state' })
  @ApiOkResponse({ type: WebhookEventStatsDto })
  stats(): Promise<WebhookEventStatsDto> {
    return this.webhooks.stats();
  }

  @Get(':eventId')
  @HttpCode(200)
  @ApiOkResponse({ type: WebhookEventDto })
  @ApiNotFoundResponse({ description: 'No such event' })
  get(@Param('eventId', eventIdPipe) eventId: string): Promise<WebhookEventDto> {
    return this.webhooks.get(eventId);
  }

  @Post(':eventId/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Process a processed or failed event again' })
  @ApiAcceptedResponse({ type: ReplayAcceptedDto })
  @ApiNotFoundResponse({ description: 'No such event' })
  @ApiConflictResponse({ description: 'The event is still waiting or in progress' })
  replay(@Param('eventId', eventIdPipe) eventId: string): Promise<ReplayAcceptedDto> {
    return this.webhooks.replay(eventId);
  }
}
