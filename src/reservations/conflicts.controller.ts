import { Controller, Get, HttpCode, HttpStatus } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto';
import { ConflictsService } from './conflicts.service';
import { ConflictListQueryDto, ConflictListResponseDto } from './dto/conflict.dto';
import { StrictQuery } from './strict-query.decorator';

@ApiTags('conflicts')
@ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing or wrong bearer token' })
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'An invalid or unknown parameter, named in message' })
@Controller('conflicts')
export class ConflictsController {
  constructor(private readonly conflicts: ConflictsService) {}

  @Get()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Confirmed bookings refused a block because the dates were taken, newest first' })
  @ApiOkResponse({ type: ConflictListResponseDto })
  list(@StrictQuery() query: ConflictListQueryDto): Promise<ConflictListResponseDto> {
    return this.conflicts.list(query);
  }
}
