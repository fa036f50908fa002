import { ApiProperty } from '@nestjs/swagger';
import { IsDateOnly } from '../validation';

export class BlockedDatesQueryDto {
  @ApiProperty({ format: 'date', description: 'First day of the window', example: '2025-07-01' })
  @IsDateOnly()
  from!: string;

  @ApiProperty({ format: 'date', description: 'Day after the window (exclusive)', example: '2025-08-01' })
  @IsDateOnly()
  to!: string;
}

export const BLOCK_KINDS = ['booking', 'tentative'] as const;
export type BlockKindName = (typeof BLOCK_KINDS)[number];

export class BlockDto {
  @ApiProperty({ example: 'PLUM-8HG2K' })
  bookingCode!: string;

  @ApiProperty({ format: 'date', description: 'Check-in day', example: '2025-07-01' })
  from!: string;

  @ApiProperty({ format: 'date', description: 'Check-out day, exclusive: free again for the next arrival', example: '2025-07-05' })
  to!: string;

  @ApiProperty({ enum: BLOCK_KINDS, description: 'booking: a confirmed stay; tentative: a request held until the host answers' })
  kind!: BlockKindName;
}

export class BlockedDatesResponseDto {
  @ApiProperty({ example: 123 })
  listingId!: number;

  @ApiProperty({ type: [BlockDto], description: 'Blocks overlapping [from, to), earliest first' })
  blocks!: BlockDto[];
}
