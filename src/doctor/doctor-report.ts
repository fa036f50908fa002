import { withTimeout } from '../common/with-timeout';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** One line of the doctor's report: what was checked, what was found, and what to do when it is not ok. */
export interface CheckResult {
  check: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

const MARKS: Record<CheckStatus, string> = { ok: '✓', warn: '⚠', fail: '✗', skip: '-' };

export function formatResult(result: CheckResult): string {
  const fix = result.fix && result.status !== 'ok' ? ` → ${result.fix}` : '';
  return `${MARKS[result.status]} ${result.check}: ${result.detail}${fix}`;
}

export const ok = (check: string, detail: string): CheckResult => ({ check, status: 'ok', detail });
export const warn = (check: string, detail: string, fix: string): CheckResult => ({ check, status: 'warn', detail, fix });
export const fail = (check: string, detail: string, fix: string): CheckResult => ({ check, status: 'fail', detail, fix });
export const skip = (check: string, detail: string): CheckResult => ({ check, status: 'skip', detail });

export function errorText(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return errorText(error.errors[0]);
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message || error.name;
}

/** Fails with a readable message instead of waiting on a dependency that never answers. */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return withTimeout(work, ms, `${what} did not answer within ${ms / 1000} s`);
}
