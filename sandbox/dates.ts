const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** True for a real calendar date written yyyy-MM-dd (so 2025-02-30 is refused). */
export function isDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function todayUtc(now = Date.now()): string {
  return new Date(now).toISOString().slice(0, 10);
}

export function laterDate(a: string, b: string): string {
  return a >= b ? a : b;
}

/**
 * Wall-clock milliseconds that never repeat or go backwards, so `updatedAt` strictly increases on every
 * change even when two changes land in the same millisecond.
 */
export class MonotonicClock {
  private last = 0;

  nowMs(): number {
    this.last = Math.max(Date.now(), this.last + 1);
    return this.last;
  }

  nowIso(): string {
    return new Date(this.nowMs()).toISOString();
  }
}
