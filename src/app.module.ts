import { DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { ApiTokenGuard } from './common/api-token.guard';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { BookingsModule } from './bookings/bookings.module';
import { AppConfigModule } from './config/config.module';
import { AppRole, Environment } from './config/environment';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { NotificationsModule } from './notifications/notifications.module';
import { PrismaModule } from './prisma/prisma.module';
import { QueueDashboardModule } from './queue-dashboard/queue-dashboard.module';
import { QueueModule } from './queue/queue.module';
import { ReservationsModule } from './reservations/reservations.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { WebhookRegistrationModule } from './webhook-registration/webhook-registration.module';

export interface RoleFlags {
  /** Serves the HTTP API (roles `all` and `api`). */
  http: boolean;
  /** Runs queue workers and scheduled jobs (roles `all` and `worker`). */
  worker: boolean;
}

export function roleFlags(role: AppRole): RoleFlags {
  return { http: role !== AppRole.Worker, worker: role !== AppRole.Api };
}

@Module({})
export class AppModule {
  static forRoot(env: Environment): DynamicModule {
    const roles = roleFlags(env.APP_ROLE);
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(env),
        LoggingModule,
        MetricsModule.register({ http: roles.http, workerListener: !roles.http, queueDepth: true }),
        PrismaModule,
        QueueModule,
        ScheduleModule.forRoot(),
        HealthModule,
        WebhookRegistrationModule,
        ReservationsModule,
        WebhooksModule.register({ worker: roles.worker }),
        BookingsModule.register({ worker: roles.worker }),
        NotificationsModule.register({ worker: roles.worker }),
        ...(roles.http ? [QueueDashboardModule] : []),
      ],
      providers: [
        { provide: APP_PIPE, useValue: new ValidationPipe({ whitelist: true, transform: true, forbidUnknownValues: true }) },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        { provide: APP_GUARD, useClass: ApiTokenGuard },
      ],
    };
  }
}
