import { addDays, todayUtc } from './dates';
import { randomSeed, Rng } from './random';
import type { DeliveryKnobs, DeliveryStats, SandboxControl } from './types';

export const SCENARIO_FLOWS = ['instant', 'request-approve', 'request-decline', 'confirm-cancel'] as const;
export type ScenarioFlow = (typeof SCENARIO_FLOWS)[number];

export type ScenarioOperation = 'createListing' | 'createBooking' | 'approve' | 'decline' | 'cancel' | 'changeDates';

/** What a scenario needs: the in-process RunningSandbox and the HTTP SandboxClient both fit. */
export type ScenarioTarget = Pick<
  SandboxControl,
  'createListing' | 'createBooking' | 'approve' | 'decline' | 'cancel' | 'changeDates' | 'setDelivery' | 'waitForIdle'
>;

export interface ScenarioOptions {
  bookings: number;
  /** New listings to spread the bookings over. Default one per 25 bookings. */
  listings?: number;
  /** Delivery knob duplicateRate; left as it is when not given. */
  duplicates?: number;
  /** Delivery knob reorder; left as it is when not given. */
  reorder?: boolean;
  delayMs?: number;
  jitterMs?: number;
  /** Share of bookings whose dates change once. Default 0.15. */
  dateChangeRate?: number;
  /** Relative weights of the flows. Default instant 40, request-approve 30, request-decline 15, confirm-cancel 15. */
  mix?: Partial<Record<ScenarioFlow, number>>;
  seed?: number;
  /** Wait until every delivery has settled and report the delivery counters. */
  waitForDeliveries?: boolean;
  waitTimeoutMs?: number;
  /** Called after each operation, e.g. for a progress line. */
  onOperation?: (operation: ScenarioOperation, bookingCode: string | null) => void;
}

export interface ScenarioBooking {
  bookingCode: string;
  listingId: number;
  flow: ScenarioFlow;
  status: string;
  checkIn: string;
  checkOut: string;
  /** Statuses and changes in the order they were made, e.g. ['Request', 'dates', 'Confirmed']. */
  steps: string[];
}

export interface ScenarioReport {
  seed: number;
  listings: number[];
  bookings: ScenarioBooking[];
  flows: Record<ScenarioFlow, number>;
  operations: Record<ScenarioOperation, number>;
  /** Events the operations created (one each); copies and retries are in `stats`. */
  events: { booking: number; listing: number };
  finalStatus: Record<string, number>;
  delivery: DeliveryKnobs;
  stats: DeliveryStats | null;
  durationMs: number;
}

const DEFAULT_MIX: Record<ScenarioFlow, number> = { instant: 40, 'request-approve': 30, 'request-decline': 15, 'confirm-cancel': 15 };
const BOOKINGS_PER_LISTING = 25;
/** Stays start this far ahead, clear of anything already on the calendar's near end. */
const LEAD_DAYS = 14;
/** Days kept free after each stay, so a date change (shift or extension) stays within its own slot. */
const SLACK_DAYS = 2;

type Step = { kind: 'approve' | 'decline' | 'cancel' } | { kind: 'dates'; checkIn: string; checkOut: string };

interface Plan {
  flow: ScenarioFlow;
  listingId: number;
  initial: 'Confirmed' | 'Request';
  checkIn: string;
  checkOut: string;
  steps: Step[];
}

/**
 * Drives a realistic mix through the control API: all bookings are made first, then their follow-ups
 * (approve, decline, cancel, date changes) interleave across bookings in random order, each booking's
 * own steps staying in lifecycle order. Stays on one listing never overlap, even after date changes.
 */
export async function runScenario(target: ScenarioTarget, options: ScenarioOptions): Promise<ScenarioReport> {
  if (!Number.isInteger(options.bookings) || options.bookings < 0) throw new Error('bookings must be a non-negative integer');
  const started = Date.now();
  const seed = options.seed ?? randomSeed();
  const rng = new Rng(seed);
  const operations: Record<ScenarioOperation, number> = { createListing: 0, createBooking: 0, approve: 0, decline: 0, cancel: 0, changeDates: 0 };
  const count = (operation: ScenarioOperation, bookingCode: string | null): void => {
    operations[operation]++;
    options.onOperation?.(operation, bookingCode);
  };

  const patch: Partial<DeliveryKnobs> = {};
  if (options.duplicates !== undefined) patch.duplicateRate = options.duplicates;
  if (options.reorder !== undefined) patch.reorder = options.reorder;
  if (options.delayMs !== undefined) patch.delayMs = options.delayMs;
  if (options.jitterMs !== undefined) patch.jitterMs = options.jitterMs;
  const delivery = await target.setDelivery(patch);

  const listingCount = Math.max(1, options.listings ?? Math.ceil(options.bookings / BOOKINGS_PER_LISTING));
  const listings: number[] = [];
  for (let i = 0; i < listingCount; i++) {
    listings.push((await target.createListing({})).listingId);
    count('createListing', null);
  }

  const plans = planBookings(rng, options, listings);
  const made: ScenarioBooking[] = [];
  const queues = new Map<ScenarioBooking, Step[]>();
  for (const plan of plans) {
    const booking = await target.createBooking({ listingId: plan.listingId, status: plan.initial, checkIn: plan.checkIn, checkOut: plan.checkOut });
    count('createBooking', booking.bookingCode);
    const entry: ScenarioBooking = {
      bookingCode: booking.bookingCode,
      listingId: plan.listingId,
      flow: plan.flow,
      status: booking.status,
      checkIn: booking.checkIn,
      checkOut: booking.checkOut,
      steps: [booking.status],
    };
    made.push(entry);
    if (plan.steps.length > 0) queues.set(entry, [...plan.steps]);
  }

  while (queues.size > 0) {
    const entry = rng.pick([...queues.keys()]);
    const steps = queues.get(entry) as Step[];
    const step = steps.shift() as Step;
    if (steps.length === 0) queues.delete(entry);
    if (step.kind === 'dates') {
      const booking = await target.changeDates(entry.bookingCode, { checkIn: step.checkIn, checkOut: step.checkOut });
      count('changeDates', entry.bookingCode);
      entry.checkIn = booking.checkIn;
      entry.checkOut = booking.checkOut;
      entry.steps.push('dates');
    } else {
      const booking = await target[step.kind](entry.bookingCode);
      count(step.kind, entry.bookingCode);
      entry.status = booking.status;
      entry.steps.push(booking.status);
    }
  }

  const stats = options.waitForDeliveries ? await target.waitForIdle(options.waitTimeoutMs ?? 60_000) : null;
  const flows = tally(SCENARIO_FLOWS, made.map((b) => b.flow));
  const finalStatus: Record<string, number> = {};
  for (const booking of made) finalStatus[booking.status] = (finalStatus[booking.status] ?? 0) + 1;
  return {
    seed,
    listings,
    bookings: made,
    flows,
    operations,
    events: { booking: operations.createBooking + operations.approve + operations.decline + operations.cancel + operations.changeDates, listing: operations.createListing },
    finalStatus,
    delivery,
    stats,
    durationMs: Date.now() - started,
  };
}

function planBookings(rng: Rng, options: ScenarioOptions, listings: number[]): Plan[] {
  const mix = { ...DEFAULT_MIX, ...options.mix };
  const dateChangeRate = options.dateChangeRate ?? 0.15;
  const cursor = new Map<number, string>(listings.map((id) => [id, addDays(todayUtc(), LEAD_DAYS)]));
  const plans: Plan[] = [];
  for (let i = 0; i < options.bookings; i++) {
    const flow = rng.weighted(mix);
    const listingId = rng.pick(listings);
    const checkIn = addDays(cursor.get(listingId) as string, rng.int(0, 3));
    const nights = rng.int(2, 7);
    const checkOut = addDays(checkIn, nights);
    cursor.set(listingId, addDays(checkOut, SLACK_DAYS));

    const steps: Step[] = [];
    const initial = flow === 'instant' || flow === 'confirm-cancel' ? 'Confirmed' : 'Request';
    if (flow === 'request-approve') steps.push({ kind: 'approve' });
    if (flow === 'request-decline') steps.push({ kind: 'decline' });
    if (flow === 'confirm-cancel') steps.push({ kind: 'cancel' });
    if (rng.chance(dateChangeRate)) {
      // Before the final decline/cancel (a closed booking's dates cannot change); an approved one may change either side.
      const at = flow === 'request-approve' ? rng.int(0, 1) : 0;
      steps.splice(at, 0, { kind: 'dates', ...changedDates(rng, checkIn, checkOut) });
    }
    plans.push({ flow, listingId, initial, checkIn, checkOut, steps });
  }
  return plans;
}

/** A shift or a one-night change that stays inside the stay's slot (its nights plus SLACK_DAYS). */
function changedDates(rng: Rng, checkIn: string, checkOut: string): { checkIn: string; checkOut: string } {
  switch (rng.int(0, 3)) {
    case 0:
      return { checkIn: addDays(checkIn, 1), checkOut: addDays(checkOut, 1) };
    case 1:
      return { checkIn: addDays(checkIn, SLACK_DAYS), checkOut: addDays(checkOut, SLACK_DAYS) };
    case 2:
      return { checkIn, checkOut: addDays(checkOut, 1) };
    default:
      return { checkIn: addDays(checkIn, 1), checkOut };
  }
}

function tally<T extends string>(keys: readonly T[], values: T[]): Record<T, number> {
  const out = Object.fromEntries(keys.map((key) => [key, 0])) as Record<T, number>;
  for (const value of values) out[value]++;
  return out;
}

/** A human summary; `verbose` adds one line per booking. */
export function formatReport(report: ScenarioReport, verbose = false): string {
  const pairs = (record: Record<string, number>): string =>
    Object.entries(record)
      .filter(([, n]) => n > 0)
      .map(([key, n]) => `${key} ${n}`)
      .join(', ') || 'none';
  const d = report.delivery;
  const lines = [
    `Scenario: ${report.bookings.length} bookings on ${report.listings.length} new listing(s) in ${report.durationMs} ms (seed ${report.seed})`,
    `delivery knobs: duplicates ${d.duplicateRate}, reorder ${d.reorder ? 'on' : 'off'}, delay ${d.delayMs} ms, jitter ${d.jitterMs} ms${d.paused ? ', PAUSED' : ''}`,
    `flows: ${pairs(report.flows)}`,
    `operations: ${pairs(report.operations)}`,
    `events created: ${report.events.booking} booking, ${report.events.listing} listing`,
    `final status: ${pairs(report.finalStatus)}`,
  ];
  if (report.stats) {
    const s = report.stats;
    lines.push(
      `deliveries: ${s.copies} copies (${s.duplicates} duplicates) of ${s.events} events, ${s.attempts} attempts, ${s.succeeded} succeeded, ${s.failedAttempts} failed attempts, ${s.givenUp} given up`,
    );
  }
  if (verbose) {
    for (const b of report.bookings) {
      lines.push(`  ${b.bookingCode}  listing ${b.listingId}  ${b.checkIn}..${b.checkOut}  ${b.flow.padEnd(15)}  ${b.steps.join(' -> ')}`);
    }
  }
  return lines.join('\n');
}
