import { ApiProperty } from '@nestjs/swagger';

export class SyncAcceptedDto {
  @ApiProperty({ example: 'PG-ABC123' }) bookingCode!: string;
  @ApiProperty({ example: 'queued' }) status!: 'queued';
  @ApiProperty({ description: 'BullMQ job id of the sync' }) jobId!: string;
}
