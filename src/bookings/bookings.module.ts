import { DynamicModule, Module } from '@nestjs/common';
import { PlumModule } from '../plum/plum.module';
import { BookingSchedulesService } from './booking-schedules.service';
import { BookingStoreRepository } from './booking-store.repository';
import { BookingSyncService } from './booking-sync.service';
import { ListingSyncService } from './listing-sync.service';
import { PlumEventProcessor } from './plum-event.processor';
import { ReconcileService } from './reconcile.service';
import { ReservationSyncController } from './reservation-sync.controller';
import { ReservationSyncService } from './reservation-sync.service';

@Module({})
export class BookingsModule {
  /** The processor and the timers exist only where workers run (roles `all` and `worker`). */
  static register(options: { worker: boolean }): DynamicModule {
    return {
      module: BookingsModule,
      imports: [PlumModule],
      controllers: [ReservationSyncController],
      providers: [
        BookingStoreRepository,
        BookingSyncService,
        ListingSyncService,
        ReconcileService,
        ReservationSyncService,
        ...(options.worker ? [PlumEventProcessor, BookingSchedulesService] : []),
      ],
      exports: [BookingSyncService, ReconcileService],
    };
  }
}
