import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { PlumWebhookPayload } from '../src/plum/plum.types';
import { SandboxClient } from './client';
import { startWebhookReceiver, WebhookReceiver } from './receiver';
import { startSandbox } from './sandbox';
import { formatReport, runScenario } from './scenario';
import type { RunningSandbox } from './types';

describe('sandbox scenarios', () => {
  let sandbox: RunningSandbox;
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    receiver = await startWebhookReceiver();
    sandbox = await startSandbox({ localMode: true, seed: 5 });
    await sandbox.setWebhookConfig({ isActive: true, endpoints: { bookings: `${receiver.url}/b`, listings: `${receiver.url}/l` } });
  });
  afterEach(async () => {
    await sandbox.close();
    await receiver.close();
  });

  it('drives a realistic mix in-process and every event is delivered at least once', async () => {
    const report = await runScenario(sandbox, { bookings: 120, listings: 4, duplicates: 0.2, reorder: true, seed: 9, waitForDeliveries: true });

    expect(report.bookings).toHaveLength(120);
    expect(report.listings).toHaveLength(4);
    expect(Object.values(report.flows).every((n) => n > 0)).toBe(true);
    expect(report.operations.createBooking).toBe(120);
    expect(report.operations.approve).toBe(report.flows['request-approve']);
    expect(report.operations.decline).toBe(report.flows['request-decline']);
    expect(report.operations.cancel).toBe(report.flows['confirm-cancel']);
    expect(report.operations.changeDates).toBeGreaterThan(0);
    expect(report.finalStatus).toEqual({
      Confirmed: report.flows.instant + report.flows['request-approve'],
      Declined: report.flows['request-decline'],
      Cancelled: report.flows['confirm-cancel'],
    });
    expect(report.delivery).toMatchObject({ duplicateRate: 0.2, reorder: true });

    // The sandbox agrees with the report, and no two live stays on one listing overlap.
    for (const booking of report.bookings) expect(sandbox.booking(booking.bookingCode)).toMatchObject({ status: booking.status, checkIn: booking.checkIn });
    const live = report.bookings.filter((b) => b.status === 'Confirmed').sort((a, b) => a.listingId - b.listingId || a.checkIn.localeCompare(b.checkIn));
    for (let i = 1; i < live.length; i++) {
      if (live[i]!.listingId === live[i - 1]!.listingId) expect(live[i]!.checkIn >= live[i - 1]!.checkOut).toBe(true);
    }

    const events = sandbox.events();
    expect(events.filter((e) => e.kind === 'booking')).toHaveLength(report.events.booking);
    const delivered = new Set(receiver.received.map((hook) => (hook.body as PlumWebhookPayload).eventId));
    expect(events.every((e) => delivered.has(e.eventId))).toBe(true);
    expect(report.stats).toMatchObject({ events: events.length, pending: 0, inFlight: 0 });
    expect(report.stats!.duplicates).toBeGreaterThan(0);
    expect(receiver.received).toHaveLength(report.stats!.copies);

    const text = formatReport(report, true);
    expect(text).toContain('120 bookings on 4 new listing(s)');
    expect(text.split('\n')).toHaveLength(7 + 120);
  });

  it('gives the same mix for the same seed, over HTTP too', async () => {
    const first = await runScenario(sandbox, { bookings: 30, seed: 77 });
    const second = await runScenario(new SandboxClient(sandbox.url), { bookings: 30, seed: 77 });
    const shape = (r: typeof first) => r.bookings.map((b) => [b.flow, b.steps.join('>')]);
    expect(shape(second)).toEqual(shape(first));
    expect(second.flows).toEqual(first.flows);
  });

  it('runs as `npm run sandbox:scenario` against a running sandbox', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', '@swc-node/register', 'sandbox/scenario-cli.ts', '--bookings', '12', '--duplicates', '0.5', '--reorder', '--sandbox-url', sandbox.url, '--seed', '3', '--wait'],
      { cwd: `${__dirname}/..`, timeout: 30_000 },
    );
    expect(stdout).toContain('Scenario: 12 bookings on 1 new listing(s)');
    expect(stdout).toContain('delivery knobs: duplicates 0.5, reorder on');
    expect(stdout).toMatch(/deliveries: \d+ copies/);
    expect(sandbox.bookings()).toHaveLength(12);
  });
});
