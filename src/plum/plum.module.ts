import { Module } from '@nestjs/common';
import { PlumClient } from './plum.client';

@Module({
  providers: [PlumClient],
  exports: [PlumClient],
})
export class PlumModule {}
