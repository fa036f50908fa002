import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The one error shape every endpoint answers with (see HttpExceptionFilter), as OpenAPI sees it. */
export class ErrorResponseDto {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found' })
  error!: string;

  @ApiProperty({
    description: 'What went wrong; validation errors list one message per invalid parameter, each naming it',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'Reservation ABC123 not found',
  })
  message!: string | string[];

  @ApiPropertyOptional({ description: 'Only on 5xx: the id of the log line with the details', format: 'uuid' })
  errorId?: string;
}
