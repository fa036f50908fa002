import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean } from 'class-validator';

export class ToggleWebhookQueryDto {
  /** Only the two literal words: `1`, `yes` or an empty value are more likely mistakes than intent. */
  @ApiProperty({ enum: ['true', 'false'], description: "Switch Plum's webhook configuration on or off" })
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'isActive must be true or false' })
  isActive!: boolean;
}
