import { BadRequestException, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto';
import { StrictQuery } from '../reservations/strict-query.decorator';
import { NotificationDto, NotificationListQueryDto, NotificationPageDto, NotificationRetryAcceptedDto } from './dto/notification.dto';
import { NotificationsService } from './notifications.service';

const idPipe = new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException(['id must be a UUID']) });

@ApiTags('notifications')
@ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing or wrong bearer token' })
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'The delivery log: every notification recorded, newest first, failed ones kept' })
  @ApiOkResponse({ type: NotificationPageDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'An invalid or unknown parameter, named in message' })
  list(@StrictQuery() query: NotificationListQueryDto): Promise<NotificationPageDto> {
    return this.notifications.list(query);
  }

  @Get(':id')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'One notification, with the body it is sent as' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: NotificationDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'id is not a UUID' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such notification' })
  get(@Param('id', idPipe) id: string): Promise<NotificationDto> {
    return this.notifications.get(id);
  }

  @Post(':id/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Deliver a failed notification again (same id and body, fresh attempts)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiAcceptedResponse({ type: NotificationRetryAcceptedDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'id is not a UUID' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such notification' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Delivered already, or still pending or queued: only failed ones can be retried' })
  retry(@Param('id', idPipe) id: string): Promise<NotificationRetryAcceptedDto> {
    return this.notifications.retry(id);
  }
}
