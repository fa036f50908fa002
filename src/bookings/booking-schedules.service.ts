import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { BookingStoreRepository } from './booking-store.repository';
import { ReconcileService } from './reconcile.service';

/** The booking side's timers, run where workers run: hold expiry and the reconciliation schedule. */
@Injectable()
export class BookingSchedulesService implements OnApplicationBootstrap {
  private readonly logger = new Logger(BookingSchedulesService.name);

  constructor(
    private readonly store: BookingStoreRepository,
    private readonly reconciler: ReconcileService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Redis may be away at start-up; the schedule is installed on the next start then, and the sweep is not urgent.
    await this.reconciler.schedule().catch((error: unknown) => this.logger.warn(`Could not install the reconciliation schedule: ${String(error)}`));
  }

  /** A request the host never answered stops holding its dates at its deadline. */
  @Cron(CronExpression.EVERY_MINUTE, { name: 'release-expired-holds' })
  async releaseExpiredHolds(now = new Date()): Promise<number> {
    const released = await this.store.releaseExpiredHolds(now);
    if (released > 0) this.logger.log(`Released ${released} expired request hold(s)`);
    return released;
  }
}
