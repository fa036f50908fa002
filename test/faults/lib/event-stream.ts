import type { RunningSandbox } from '../../../sandbox';
import type { BookingStatus } from '../../../src/plum/plum.types';

/** A small seeded generator (mulberry32), so a drill's sequence of changes can be repeated. */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Booking changes made in the sandbox, each of which sends one webhook through the sandbox's sender
 * (at least once, retried with backoff on any non-2xx answer, as Plum does): new bookings
 * (Confirmed, Request, Initiated) spread over a few listings, and moves of earlier ones along the
 * real lifecycle (approve, decline, confirm, cancel), so most bookings get several events whose
 * last applied state must be Plum's final one.
 */
export class EventStream {
  /** Booking changes made so far (one webhook event each). */
  changes = 0;
  private readonly states = new Map<string, BookingStatus>();
  private readonly movable: string[] = [];
  private stopped = false;
  private running?: Promise<void>;

  constructor(
    private readonly sandbox: RunningSandbox,
    private readonly random: SeededRandom,
    private readonly listings = 12,
  ) {}

  /** One change: a new booking, or (about a third of the time) a move of an earlier one. */
  async step(): Promise<void> {
    if (this.movable.length > 0 && this.random.next() < 0.35) {
      const index = Math.floor(this.random.next() * this.movable.length);
      const code = this.movable[index] as string;
      const status = this.states.get(code);
      let next: BookingStatus;
      if (status === 'Request') {
        const approve = this.random.next() < 0.7;
        next = (await (approve ? this.sandbox.approve(code) : this.sandbox.decline(code))).status as BookingStatus;
      } else if (status === 'Initiated') {
        next = (await this.sandbox.confirm(code)).status as BookingStatus;
      } else {
        next = (await this.sandbox.cancel(code)).status as BookingStatus;
      }
      this.states.set(code, next);
      if (next !== 'Confirmed') this.movable.splice(index, 1);
    } else {
      const roll = this.random.next();
      const status: BookingStatus = roll < 0.5 ? 'Confirmed' : roll < 0.85 ? 'Request' : 'Initiated';
      const booking = await this.sandbox.createBooking({ status, listingId: 1 + (this.states.size % this.listings) });
      this.states.set(booking.bookingCode, status);
      this.movable.push(booking.bookingCode);
    }
    this.changes++;
  }

  /** `count` changes at once (a burst, as after a bulk change on Plum's side). */
  async burst(count: number): Promise<void> {
    for (let i = 0; i < count; i++) await this.step();
  }

  /** Keeps making changes, one every `intervalMs`, until stop(). */
  start(intervalMs: number): void {
    this.stopped = false;
    this.running = (async () => {
      while (!this.stopped) {
        await this.step();
        await sleep(intervalMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}
