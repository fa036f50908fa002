import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class CalendarQueryDto {
  @ApiPropertyOptional({ description: 'The per-listing token from GET /listings/{listingId}/calendar-url' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  token?: string;
}

export class CalendarUrlResponseDto {
  @ApiProperty({ example: 'https://plumline.example.com/listings/123/calendar.ics?token=q1w2e3' })
  url!: string;

  @ApiProperty({ description: 'HMAC of the listing id; changes only when ICAL_SECRET (or API_TOKEN) changes', example: 'q1w2e3' })
  token!: string;
}
