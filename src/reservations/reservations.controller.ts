import { Controller, Get, HttpCode, HttpStatus, Param } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto';
import { PendingReservationListResponseDto, PendingReservationQueryDto } from './dto/pending-reservation-response.dto';
import { ReservationListQueryDto } from './dto/reservation-list-query.dto';
import { ReservationListResponseDto } from './dto/reservation-list-response.dto';
import { ReservationResponseDto } from './dto/reservation-response.dto';
import { BookingCodeParamsDto } from './dto/route-params.dto';
import { ReservationsService } from './reservations.service';
import { StrictQuery } from './strict-query.decorator';

@ApiTags('reservations')
@ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing or wrong bearer token' })
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'An invalid or unknown parameter, named in message' })
@Controller('reservations')
export class ReservationsController {
  constructor(private readonly reservations: ReservationsService) {}

  @Get()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Reservations, filtered, in pages ordered by booking code' })
  @ApiOkResponse({ type: ReservationListResponseDto })
  list(@StrictQuery() query: ReservationListQueryDto): Promise<ReservationListResponseDto> {
    return this.reservations.list(query);
  }

  // Declared before ':bookingCode' (Fastify prefers static segments anyway, Express would not).
  @Get('pending')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Requests awaiting the host's answer, soonest deadline first" })
  @ApiOkResponse({ type: PendingReservationListResponseDto })
  pending(@StrictQuery() query: PendingReservationQueryDto): Promise<PendingReservationListResponseDto> {
    return this.reservations.pending(query);
  }

  @Get(':bookingCode')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'One reservation' })
  @ApiOkResponse({ type: ReservationResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No reservation with this booking code' })
  get(@Param() params: BookingCodeParamsDto): Promise<ReservationResponseDto> {
    return this.reservations.get(params.bookingCode);
  }
}
