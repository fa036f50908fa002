import { BadRequestException, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBearerAuth, ApiOperation, ApiServiceUnavailableResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { BOOKING_CODE_PATTERN } from '../plum/plum.types';
import { SyncAcceptedDto } from './dto/sync-accepted.dto';
import { ReservationSyncService } from './reservation-sync.service';

@ApiTags('reservations')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong API token' })
@Controller('reservations')
export class ReservationSyncController {
  constructor(private readonly syncs: ReservationSyncService) {}

  @Post(':bookingCode/sync')
  @HttpCode(202)
  @ApiOperation({ summary: 'Re-fetch one booking from Plum now (also one we never heard of)' })
  @ApiAcceptedResponse({ type: SyncAcceptedDto })
  @ApiBadRequestResponse({ description: 'Malformed booking code' })
  @ApiServiceUnavailableResponse({ description: 'The queue (Redis) is unavailable' })
  sync(@Param('bookingCode') bookingCode: string): Promise<SyncAcceptedDto> {
    if (!BOOKING_CODE_PATTERN.test(bookingCode)) throw new BadRequestException(['bookingCode must be 1-64 characters of A-Z, a-z, 0-9, _ or -']);
    return this.syncs.requestSync(bookingCode);
  }
}
