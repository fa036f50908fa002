import { Module } from '@nestjs/common';
import { AvailabilityService } from './availability.service';
import { BlockedRangesRepository } from './blocked-ranges.repository';
import { CalendarService } from './calendar.service';
import { ConflictsController } from './conflicts.controller';
import { ConflictsRepository } from './conflicts.repository';
import { ConflictsService } from './conflicts.service';
import { ListingCalendarController } from './listing-calendar.controller';
import { ReservationsController } from './reservations.controller';
import { ReservationsRepository } from './reservations.repository';
import { ReservationsService } from './reservations.service';

/** The read side: reservation queries, availability, iCal feeds and conflicts. Writes belong to bookings. */
@Module({
  controllers: [ReservationsController, ListingCalendarController, ConflictsController],
  providers: [
    ReservationsService,
    AvailabilityService,
    CalendarService,
    ConflictsService,
    ReservationsRepository,
    BlockedRangesRepository,
    ConflictsRepository,
  ],
  exports: [ReservationsService],
})
export class ReservationsModule {}
