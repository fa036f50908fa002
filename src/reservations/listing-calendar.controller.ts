import { Controller, Get, HttpCode, HttpStatus, Param, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ErrorResponseDto } from '../common/error-response.dto';
import { Public } from '../common/public.decorator';
import { AvailabilityService } from './availability.service';
import { CalendarService } from './calendar.service';
import { BlockedDatesQueryDto, BlockedDatesResponseDto } from './dto/blocked-dates.dto';
import { CalendarQueryDto, CalendarUrlResponseDto } from './dto/calendar.dto';
import { ListingParamsDto } from './dto/route-params.dto';
import { StrictQuery } from './strict-query.decorator';

@ApiTags('availability')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'An invalid or unknown parameter, named in message' })
@Controller('listings')
export class ListingCalendarController {
  constructor(
    private readonly availability: AvailabilityService,
    private readonly calendar: CalendarService,
  ) {}

  @Get(':listingId/blocked-dates')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Blocked ranges overlapping [from, to); `to` of a block is its check-out day' })
  @ApiOkResponse({ type: BlockedDatesResponseDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing or wrong bearer token' })
  blockedDates(@Param() params: ListingParamsDto, @StrictQuery() query: BlockedDatesQueryDto): Promise<BlockedDatesResponseDto> {
    return this.availability.blockedDates(params.listingId, query.from, query.to);
  }

  @Get(':listingId/calendar-url')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "The listing's iCal feed URL, with its token, for channels that import iCal" })
  @ApiOkResponse({ type: CalendarUrlResponseDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing or wrong bearer token' })
  calendarUrl(@Param() params: ListingParamsDto): CalendarUrlResponseDto {
    return this.calendar.calendarUrl(params.listingId);
  }

  // Public to the bearer guard (calendar clients send no headers); the per-listing token guards it.
  // Plain @Query: calendar clients may append their own parameters, which are ignored.
  @Public()
  @Get(':listingId/calendar.ics')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'iCalendar feed of the listing: one all-day event per block (DTEND is the check-out day)' })
  @ApiProduces('text/calendar')
  @ApiOkResponse({ schema: { type: 'string' }, description: 'text/calendar' })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing or wrong token (the same answer whether or not the listing exists)' })
  async feed(
    @Param() params: ListingParamsDto,
    @Query() query: CalendarQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const body = await this.calendar.feed(params.listingId, query.token);
    // Set only on success (not with @Header): an error must still go out as JSON.
    void reply.type('text/calendar; charset=utf-8').header('content-disposition', 'inline; filename="calendar.ics"');
    return body;
  }
}
