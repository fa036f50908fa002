import { Job, UnrecoverableError } from 'bullmq';
import { matchesAnySecret, presentedCredential } from '../common/authorization';
import { pathTemplate } from '../plum/plum.client';
import { MetricsService } from './metrics.service';
import { rejectionReason } from './webhook-metrics.hooks';

const job = (name: string, attemptsMade: number, attempts = 3) => ({ name, attemptsMade, opts: { attempts } }) as unknown as Job;

describe('MetricsService', () => {
  let sut: MetricsService;

  beforeEach(() => {
    sut = new MetricsService();
  });

  const count = async (name: string, labels: Record<string, string>) =>
    (await sut.registry.getSingleMetric(name)!.get()).values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;

  it('times a job attempt as completed, retry (attempts left) or failed (last attempt, or unrecoverable)', async () => {
    await sut.timeJob(job('booking-event', 0), async () => 'ok');
    await expect(sut.timeJob(job('booking-event', 0), () => Promise.reject(new Error('503')))).rejects.toThrow('503');
    await expect(sut.timeJob(job('booking-event', 2), () => Promise.reject(new Error('503')))).rejects.toThrow('503');
    await expect(sut.timeJob(job('booking-event', 0), () => Promise.reject(new UnrecoverableError('404')))).rejects.toThrow('404');
    await expect(sut.timeJob(job('someone-elses-job', 0, 1), () => Promise.reject(new Error('x')))).rejects.toThrow();

    const counts = async (outcome: string, name = 'booking-event') => count('plumline_job_duration_seconds', { job: name, outcome, le: '+Inf' });
    expect([await counts('completed'), await counts('retry'), await counts('failed')]).toEqual([1, 1, 2]);
    expect(await count('plumline_job_retries_total', { job: 'booking-event' })).toBe(1);
    expect(await counts('failed', 'unknown')).toBe(1);
  });

  it('starts the webhook counters at zero, so a rate() has a series before the first event', async () => {
    const text = await sut.render();
    expect(text).toContain('plumline_webhooks_received_total{kind="booking"} 0');
    expect(text).toContain('plumline_webhooks_duplicate_total{kind="listing"} 0');
    expect(text).toContain('plumline_booking_conflicts_total 0');
  });
});

describe('metric labels', () => {
  it('templates Plum paths: no booking code or listing id becomes a label', () => {
    expect(pathTemplate('/v2/bookings/PG-ABC123')).toBe('/v2/bookings/:code');
    expect(pathTemplate('/v2/listings/42')).toBe('/v2/listings/:id');
    expect(pathTemplate('/v2/bookings')).toBe('/v2/bookings');
    expect(pathTemplate('/v2/webhooks/config/toggle')).toBe('/v2/webhooks/config/toggle');
    expect(pathTemplate('/authenticate')).toBe('/authenticate');
  });

  it('names the reason of a rejected webhook from its status', () => {
    expect(rejectionReason(400, { body: undefined })).toBe('malformed_json');
    expect(rejectionReason(400, { body: { eventId: 'x' } })).toBe('validation');
    expect(rejectionReason(400, { body: null })).toBe('validation');
    expect(rejectionReason(401, { body: {} })).toBe('auth');
    expect(rejectionReason(413, { body: undefined })).toBe('size');
    expect(rejectionReason(415, { body: undefined })).toBe('media_type');
    expect(rejectionReason(404, { body: {} })).toBe('other');
  });
});

describe('presentedCredential', () => {
  const basic = (value: string) => `Basic ${Buffer.from(value).toString('base64')}`;

  it('reads a bearer token, or the password of HTTP Basic whatever the user name', () => {
    expect(presentedCredential('Bearer abc')).toEqual({ scheme: 'bearer', secret: 'abc' });
    expect(presentedCredential('bearer abc ')).toEqual({ scheme: 'bearer', secret: 'abc' });
    expect(presentedCredential(basic('admin:p:ss'))).toEqual({ scheme: 'basic', secret: 'p:ss' });
    expect(presentedCredential(basic(':secret'))).toEqual({ scheme: 'basic', secret: 'secret' });
    expect(presentedCredential(basic('no-colon'))).toBeUndefined();
    expect(presentedCredential('Token abc')).toBeUndefined();
    expect(presentedCredential(undefined)).toBeUndefined();
  });

  it('matches any of the accepted secrets, ignoring the ones not configured', () => {
    expect(matchesAnySecret('b', ['a', 'b'])).toBe(true);
    expect(matchesAnySecret('b', ['a', undefined])).toBe(false);
    expect(matchesAnySecret(undefined, ['a'])).toBe(false);
  });
});
