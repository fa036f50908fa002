/** A Postgres `date` arrives as UTC midnight; its yyyy-MM-dd is the calendar day, whatever the server's zone. */
export function toDateOnly(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** yyyy-MM-dd as UTC midnight, the value Prisma compares `date` columns with. */
export function fromDateOnly(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

const DAY_MS = 86_400_000;

export function daysBetween(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / DAY_MS);
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

/** yyyy-MM-dd and a real calendar day (class-validator's strict ISO check rejects 2025-02-30). */
export const DATE_ONLY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
