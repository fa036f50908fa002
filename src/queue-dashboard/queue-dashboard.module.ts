import { Module } from '@nestjs/common';
import { QueueDashboardService } from './queue-dashboard.service';

/** Bull Board at /admin/queues. Imported only where the process serves HTTP (roles `all` and `api`). */
@Module({
  providers: [QueueDashboardService],
})
export class QueueDashboardModule {}
