import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { Public } from '../common/public.decorator';
import { BookingWebhookDto, ListingWebhookDto, WebhookAckDto } from './dto/webhook-payload.dto';
import { BookingEventPayload, BookingEventPipe, ListingEventPayload, ListingEventPipe } from './webhook-payload.validation';
import { WebhookRequestGuard } from './webhook-request.guard';
import { WebhooksService } from './webhooks.service';

/** Plum's webhook receiver. Answers once the event is committed to Postgres; never calls Plum inline. */
@ApiTags('webhooks')
@ApiQuery({ name: 'token', required: false, description: 'WEBHOOK_SECRET, as registered with Plum' })
@ApiHeader({ name: 'X-Webhook-Token', required: false, description: 'WEBHOOK_SECRET, instead of ?token=' })
@ApiBadRequestResponse({ description: 'Malformed JSON or an invalid field; nothing is stored' })
@ApiUnauthorizedResponse({ description: 'Missing or wrong webhook token; nothing is stored' })
@ApiPayloadTooLargeResponse({ description: 'Body over 64 KiB' })
@ApiUnsupportedMediaTypeResponse({ description: 'Content-Type is not application/json' })
@ApiServiceUnavailableResponse({ description: 'Postgres unavailable: nothing was acknowledged, the sender retries' })
@Public()
@UseGuards(WebhookRequestGuard)
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('bookings')
  @HttpCode(200)
  @ApiOperation({ summary: 'Receive a Plum booking event' })
  @ApiOkResponse({ type: WebhookAckDto, description: 'Stored (accepted), or already seen (duplicate)' })
  @ApiBody({ type: BookingWebhookDto })
  receiveBooking(@Body(BookingEventPipe) payload: BookingEventPayload): Promise<WebhookAckDto> {
    return this.webhooks.receiveBooking(payload);
  }

  @Post('listings')
  @HttpCode(200)
  @ApiOperation({ summary: 'Receive a Plum listing event' })
  @ApiOkResponse({ type: WebhookAckDto })
  @ApiBody({ type: ListingWebhookDto })
  receiveListing(@Body(ListingEventPipe) payload: ListingEventPayload): Promise<WebhookAckDto> {
    return this.webhooks.receiveListing(payload);
  }
}
