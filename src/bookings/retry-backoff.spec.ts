import type { MinimalJob } from 'bullmq';
import { PlumTransientError } from '../plum/plum.errors';
import { retryBackoff } from './retry-backoff';

const job = (delay: number) => ({ opts: { backoff: { type: 'plum', delay } } }) as unknown as MinimalJob;

describe('retryBackoff', () => {
  it('doubles per attempt within ±20% jitter', () => {
    for (let attempt = 1; attempt <= 7; attempt++) {
      const expected = 30_000 * 2 ** (attempt - 1);
      const sut = retryBackoff(attempt, 'plum', new Error('boom'), job(30_000));
      expect(sut).toBeGreaterThanOrEqual(expected * 0.8);
      expect(sut).toBeLessThanOrEqual(expected * 1.2);
    }
  });

  it('spans about an hour over the default 8 attempts', () => {
    const total = Array.from({ length: 7 }, (_, i) => 30_000 * 2 ** i).reduce((a, b) => a + b, 0);
    expect(total / 60_000).toBeGreaterThan(55);
    expect(total / 60_000).toBeLessThan(70);
  });

  it('waits at least as long as Retry-After asks', () => {
    const sut = retryBackoff(1, 'plum', new PlumTransientError('429', 429, 120_000), job(1_000));
    expect(sut).toBe(120_000);
  });
});
