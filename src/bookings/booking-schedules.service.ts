import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { BookingStoreRepository } from './booking-store.repository';
import { ReconcileService } from './reconcile.service';

/** The booking side's timers, run where workers run: hold expiry and the reconciliation schedule. */
@Injectable()
export class BookingSchedulesService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BookingSchedulesService.name);
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly store: BookingStoreRepository,
    private readonly reconciler: ReconcileService,
  ) {}

  /** Start-up never waits on Redis: the schedule is installed in the background, retried until Redis answers. */
  onApplicationBootstrap(): void {
    void this.installSchedule();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.retry);
    this.retry = undefined;
  }

  private async installSchedule(): Promise<void> {
    try {
      await this.reconciler.schedule();
    } catch (error) {
      this.logger.warn(`Could not install the reconciliation schedule yet: ${error instanceof Error ? error.message : String(error)}`);
      this.retry = setTimeout(() => void this.installSchedule(), 30_000);
      this.retry.unref();
    }
  }

  /** A request the host never answered stops holding its dates at its deadline. */
  @Cron(CronExpression.EVERY_MINUTE, { name: 'release-expired-holds' })
  async releaseExpiredHolds(now = new Date()): Promise<number> {
    const released = await this.store.releaseExpiredHolds(now);
    if (released > 0) this.logger.log(`Released ${released} expired request hold(s)`);
    return released;
  }
}
