import type { MinimalJob } from 'bullmq';
import { PlumTransientError } from '../plum/plum.errors';

/**
 * Exponential backoff with ±20% jitter (so a burst of failures does not retry in lockstep), never
 * sooner than a 429's Retry-After. With the default 30 s base and 8 attempts it spans about an hour.
 */
export function retryBackoff(attemptsMade: number, _type?: string, error?: Error, job?: MinimalJob): number {
  const configured = job?.opts.backoff;
  const base = typeof configured === 'number' ? configured : (configured?.delay ?? 30_000);
  const exponential = base * 2 ** Math.max(0, attemptsMade - 1);
  const jittered = Math.round(exponential * (0.8 + Math.random() * 0.4));
  const retryAfter = error instanceof PlumTransientError ? (error.retryAfterMs ?? 0) : 0;
  return Math.max(jittered, retryAfter);
}
