import type { PlumWebhookPayload } from '../src/plum/plum.types';
import { startWebhookReceiver, WebhookReceiver } from './receiver';
import { startSandbox } from './sandbox';
import { api, login, sleep, UUID_V4 } from './test-support';
import type { RunningSandbox, SandboxOptions } from './types';

describe('sandbox webhook delivery', () => {
  let sandbox: RunningSandbox;
  let receiver: WebhookReceiver;

  const start = async (options: SandboxOptions = {}): Promise<void> => {
    sandbox = await startSandbox({ localMode: true, seed: 4, retryBaseMs: 50, ...options });
    await sandbox.setWebhookConfig({
      isActive: true,
      endpoints: { bookings: `${receiver.url}/webhooks/bookings?token=s3cret`, listings: `${receiver.url}/webhooks/listings` },
    });
  };
  const payloads = (): PlumWebhookPayload[] => receiver.received.map((hook) => hook.body as PlumWebhookPayload);
  const bookingHooks = () => receiver.received.filter((hook) => hook.url.startsWith('/webhooks/bookings'));

  beforeEach(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await sandbox.close();
    await receiver.close();
  });

  it('delivers each change to the configured URL, query included, as {eventId, timestamp, bookingCode, listingId}', async () => {
    await start();
    const listing = await sandbox.createListing();
    const booking = await sandbox.createBooking({ listingId: listing.listingId, status: 'Request' });
    await sandbox.approve(booking.bookingCode);
    await receiver.waitFor(3);
    await sandbox.waitForIdle();

    const [listingHook, requested, approved] = receiver.received;
    expect(listingHook!.url).toBe('/webhooks/listings');
    expect(listingHook!.body).toEqual({ eventId: expect.stringMatching(UUID_V4), timestamp: expect.any(String), bookingCode: null, listingId: listing.listingId });
    expect(requested!.url).toBe('/webhooks/bookings?token=s3cret');
    expect(requested!.headers['content-type']).toBe('application/json');
    expect(requested!.body).toEqual({ eventId: expect.stringMatching(UUID_V4), timestamp: expect.any(String), bookingCode: booking.bookingCode, listingId: null });
    expect((approved!.body as PlumWebhookPayload).eventId).not.toBe((requested!.body as PlumWebhookPayload).eventId);

    expect(sandbox.deliveries({ kind: 'booking' })).toEqual([
      expect.objectContaining({ url: `${receiver.url}/webhooks/bookings?token=s3cret`, status: 200, ok: true, attempt: 1, copy: 0, error: null }),
      expect.objectContaining({ status: 200, ok: true, attempt: 1 }),
    ]);
    expect(sandbox.stats()).toMatchObject({ events: 3, copies: 3, attempts: 3, succeeded: 3, pending: 0, inFlight: 0 });
  });

  it('sends nothing while the configuration is inactive or missing, and follows the toggle', async () => {
    await start();
    const token = await login(sandbox);
    await api(sandbox, 'PATCH', '/v2/webhooks/config/toggle?isActive=false', { token });
    const quiet = await sandbox.createBooking();
    await api(sandbox, 'PATCH', '/v2/webhooks/config/toggle?isActive=true', { token });
    const loud = await sandbox.cancel((await sandbox.createBooking()).bookingCode);
    await receiver.waitFor(1);
    await sandbox.waitForIdle();
    const sent = payloads().filter((p) => p.bookingCode !== null);
    expect(sent.map((p) => p.bookingCode)).toEqual([loud.bookingCode, loud.bookingCode]);
    expect(sandbox.events().find((e) => e.bookingCode === quiet.bookingCode)?.queued).toBe(false);

    await api(sandbox, 'DELETE', '/v2/webhooks/config', { token });
    await sandbox.createBooking();
    await sleep(50);
    // The booking and its cancellation; the listing made while inactive and the last booking were never queued.
    expect(sandbox.stats().copies).toBe(2);
  });

  it('duplicates: the same eventId arrives twice or more at the duplicate rate', async () => {
    await start();
    await sandbox.createListing({ listingId: 1 });
    await sandbox.waitForIdle();
    await sandbox.setDelivery({ duplicateRate: 1, maxDuplicates: 2 });
    const booking = await sandbox.createBooking({ listingId: 1 });
    await receiver.waitFor(4);
    await sandbox.waitForIdle();
    const ids = bookingHooks().map((hook) => (hook.body as PlumWebhookPayload).eventId);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
    expect(sandbox.deliveries({ bookingCode: booking.bookingCode }).map((d) => d.copy).sort()).toEqual([0, 1, 2]);

    await sandbox.setDelivery({ duplicateRate: 0.3, maxDuplicates: 1 });
    for (let i = 0; i < 40; i++) await sandbox.createBooking({ listingId: 1 });
    const stats = await sandbox.waitForIdle();
    const later = stats.duplicates - 2;
    expect(later).toBeGreaterThan(3);
    expect(later).toBeLessThan(25);
    expect(bookingHooks()).toHaveLength(3 + 40 + later);
  });

  it('redelivers a chosen event on demand', async () => {
    await start();
    await sandbox.createBooking({ listingId: 1 });
    const event = sandbox.events().at(-1)!;
    await sandbox.waitForDeliveries({ eventId: event.eventId });
    await sandbox.redeliver(event.eventId);
    const both = await sandbox.waitForDeliveries({ eventId: event.eventId, count: 2 });
    expect(both.map((d) => d.copy)).toEqual([0, 1]);
  });

  it('delay and jitter: each delivery waits delayMs plus a random 0..jitterMs', async () => {
    await start();
    await sandbox.setDelivery({ delayMs: 250 });
    await sandbox.createBooking({ listingId: 1 });
    const created = Date.now();
    await sleep(150);
    expect(bookingHooks()).toHaveLength(0);
    const [hook] = await receiver.waitFor(2).then(() => bookingHooks());
    expect(hook!.receivedAt - created).toBeGreaterThanOrEqual(240);

    receiver.received.length = 0;
    await sandbox.setDelivery({ delayMs: 0, jitterMs: 400 });
    const t0 = Date.now();
    for (let i = 0; i < 15; i++) await sandbox.createBooking({ listingId: 1 });
    await receiver.waitFor(15);
    const offsets = receiver.received.map((h) => h.receivedAt - t0);
    expect(Math.max(...offsets) - Math.min(...offsets)).toBeGreaterThan(150);
    expect(Math.max(...offsets)).toBeLessThan(400 + 300);
  });

  it('reorder: pending deliveries go out shuffled, while without it they keep their order', async () => {
    await start();
    const sendTen = async (): Promise<{ made: string[]; got: string[] }> => {
      receiver.received.length = 0;
      await sandbox.pause();
      const made: string[] = [];
      for (let i = 0; i < 10; i++) made.push((await sandbox.createBooking({ listingId: 1 })).bookingCode);
      await sandbox.resume();
      await receiver.waitFor(10);
      return { made, got: payloads().map((p) => p.bookingCode as string) };
    };
    await sandbox.createListing({ listingId: 1 });
    await sandbox.waitForIdle();
    await sandbox.setDelivery({ concurrency: 1 });
    const ordered = await sendTen();
    expect(ordered.got).toEqual(ordered.made);

    await sandbox.setDelivery({ reorder: true, reorderWindowMs: 0 });
    const shuffled = await sendTen();
    expect([...shuffled.got].sort()).toEqual([...shuffled.made].sort());
    expect(shuffled.got).not.toEqual(shuffled.made);
  });

  it('reorder also shuffles a burst within the reorder window without pausing', async () => {
    await start();
    await sandbox.createListing({ listingId: 1 });
    await sandbox.setDelivery({ reorder: true, reorderWindowMs: 200, concurrency: 1 });
    const made: string[] = [];
    for (let i = 0; i < 10; i++) made.push((await sandbox.createBooking({ listingId: 1 })).bookingCode);
    await receiver.waitFor(11);
    const got = bookingHooks().map((h) => (h.body as PlumWebhookPayload).bookingCode);
    expect([...got].sort()).toEqual([...made].sort());
    expect(got).not.toEqual(made);
  });

  it('pause holds deliveries until resume', async () => {
    await start();
    await sandbox.pause();
    await sandbox.createBooking({ listingId: 1 });
    await sandbox.createBooking({ listingId: 1 });
    await sleep(100);
    expect(receiver.received).toHaveLength(0);
    expect(sandbox.stats().pending).toBe(3);
    await expect(sandbox.waitForIdle(50)).rejects.toMatchObject({ status: 408 });
    await sandbox.resume();
    await receiver.waitFor(3);
    expect((await sandbox.waitForIdle()).succeeded).toBe(3);
  });

  it('retries a non-2xx answer with exponential backoff until it succeeds', async () => {
    await start({ retryBaseMs: 100 });
    receiver.respond((_, index) => (index < 3 ? 500 : 200));
    await sandbox.setWebhookConfig({ isActive: true, endpoints: { bookings: `${receiver.url}/b`, listings: null } });
    await sandbox.createBooking({ listingId: 1 });
    await sandbox.waitForDeliveries({ ok: true, timeoutMs: 3_000 });
    const attempts = sandbox.deliveries();
    expect(attempts.map((d) => [d.attempt, d.status, d.ok])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 500, false],
      [4, 200, true],
    ]);
    expect(new Set(attempts.map((d) => d.deliveryId)).size).toBe(1);
    const gaps = receiver.received.slice(1).map((hook, i) => hook.receivedAt - receiver.received[i]!.receivedAt);
    expect(gaps[0]).toBeGreaterThanOrEqual(95);
    expect(gaps[1]).toBeGreaterThanOrEqual(195);
    expect(gaps[2]).toBeGreaterThanOrEqual(395);
    expect(gaps[0]!).toBeLessThan(gaps[1]!);
    expect(gaps[1]!).toBeLessThan(gaps[2]!);
  });

  it('counts an answer later than the timeout as failed and retries it', async () => {
    await start({ deliveryTimeoutMs: 150, retryBaseMs: 50 });
    receiver.respond((_, index) => (index === 0 ? 'hang' : 200));
    await sandbox.setWebhookConfig({ isActive: true, endpoints: { bookings: `${receiver.url}/b`, listings: null } });
    await sandbox.createBooking({ listingId: 1 });
    await sandbox.waitForDeliveries({ ok: true, timeoutMs: 3_000 });
    const [first, second] = sandbox.deliveries();
    expect(first).toMatchObject({ attempt: 1, ok: false, status: null, error: 'timeout after 150 ms' });
    expect(first!.durationMs).toBeGreaterThanOrEqual(145);
    expect(second).toMatchObject({ attempt: 2, ok: true, status: 200 });
  });

  it('gives up after maxAttempts and retries network errors too', async () => {
    await start({ maxDeliveryAttempts: 3, retryBaseMs: 10 });
    await sandbox.setWebhookConfig({ isActive: true, endpoints: { bookings: 'http://127.0.0.1:1/closed', listings: null } });
    await sandbox.createBooking({ listingId: 1 });
    const stats = await sandbox.waitForIdle(3_000);
    expect(stats).toMatchObject({ attempts: 3, failedAttempts: 3, givenUp: 1, succeeded: 0 });
    expect(sandbox.deliveries().map((d) => d.error)).toEqual(['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED']);
  });

  it('drops pending retries when the configuration is switched off, and follows a re-registered URL', async () => {
    await start({ retryBaseMs: 100 });
    receiver.respond(() => 503);
    await sandbox.setWebhookConfig({ isActive: true, endpoints: { bookings: `${receiver.url}/old`, listings: null } });
    await sandbox.createBooking({ listingId: 1 });
    await sandbox.waitForDeliveries();
    receiver.respond(() => 200);
    await sandbox.setWebhookConfig({ isActive: true, endpoints: { bookings: `${receiver.url}/new`, listings: null } });
    const [, retried] = await sandbox.waitForDeliveries({ count: 2 });
    expect(retried).toMatchObject({ url: `${receiver.url}/new`, ok: true, attempt: 2 });

    receiver.respond(() => 503);
    await sandbox.createBooking({ listingId: 1 });
    await sandbox.waitForDeliveries({ count: 3 });
    await sandbox.setWebhookConfig({ isActive: false, endpoints: { bookings: `${receiver.url}/new`, listings: null } });
    const stats = await sandbox.waitForIdle(2_000);
    expect(stats.givenUp).toBe(1);
    expect(sandbox.deliveries()).toHaveLength(3);
  });

  it('close() cancels in-flight and pending deliveries and their timers', async () => {
    await start({ retryBaseMs: 60_000, deliveryTimeoutMs: 60_000 });
    receiver.respond((_, index) => (index === 0 ? 500 : 'hang'));
    await sandbox.createBooking({ listingId: 1 });
    await receiver.waitFor(2);
    await sandbox.setDelivery({ delayMs: 60_000 });
    await sandbox.createBooking({ listingId: 1 });
    const waiting = sandbox.waitForDeliveries({ count: 10, timeoutMs: 60_000 });
    expect(sandbox.stats()).toMatchObject({ inFlight: 1 });
    await sandbox.close();
    await expect(waiting).rejects.toMatchObject({ status: 503 });
    // Jest's open-handle check (and its exit) proves no timer or socket is left behind.
  });
});
