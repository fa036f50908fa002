import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SandboxCore } from './core';
import { createServer } from './server';
import type {
  ApiKnobs,
  CreateBookingInput,
  CreateListingInput,
  DateChange,
  DeleteBookingOptions,
  DeliveryFilter,
  DeliveryKnobs,
  DeliveryLogEntry,
  DeliveryStats,
  PlumBooking,
  PlumListing,
  PlumWebhookConfig,
  RequestFilter,
  RequestLogEntry,
  ResetOptions,
  RunningSandbox,
  SandboxEvent,
  SandboxOptions,
  ScriptedFault,
  SetBookingOptions,
  WaitForDeliveriesOptions,
} from './types';

/**
 * The in-process face of a running sandbox. Each helper calls the same core method as the matching
 * control route; they are async so that SandboxClient (over HTTP) can share the SandboxControl type.
 */
class InProcessSandbox implements RunningSandbox {
  private closing: Promise<void> | null = null;

  constructor(
    private readonly core: SandboxCore,
    private readonly server: Server,
    readonly url: string,
    readonly port: number,
  ) {}

  get clientId(): string {
    return this.core.options.clientId;
  }

  get clientSecret(): string {
    return this.core.options.clientSecret;
  }

  async createListing(input: CreateListingInput = {}): Promise<PlumListing> {
    return this.core.store.createListing(input);
  }

  async createBooking(input: CreateBookingInput = {}): Promise<PlumBooking> {
    return this.core.store.createBooking(input);
  }

  async approve(bookingCode: string): Promise<PlumBooking> {
    return this.core.store.move(bookingCode, 'approve');
  }

  async decline(bookingCode: string): Promise<PlumBooking> {
    return this.core.store.move(bookingCode, 'decline');
  }

  async cancel(bookingCode: string): Promise<PlumBooking> {
    return this.core.store.move(bookingCode, 'cancel');
  }

  async confirm(bookingCode: string): Promise<PlumBooking> {
    return this.core.store.move(bookingCode, 'confirm');
  }

  async changeDates(bookingCode: string, dates: DateChange): Promise<PlumBooking> {
    return this.core.store.changeDates(bookingCode, dates);
  }

  async notify(bookingCode: string): Promise<SandboxEvent> {
    return structuredClone(this.core.store.notify(bookingCode));
  }

  async setBooking(bookingCode: string, body: Record<string, unknown>, options: SetBookingOptions = {}): Promise<Record<string, unknown>> {
    return this.core.store.setBooking(bookingCode, body, options.replace ?? false, options.notify ?? true);
  }

  async deleteBooking(bookingCode: string, options: DeleteBookingOptions = {}): Promise<void> {
    this.core.store.deleteBooking(bookingCode, options.notify ?? true);
  }

  async setWebhookConfig(config: PlumWebhookConfig | null): Promise<PlumWebhookConfig | null> {
    return this.core.setWebhookConfig(config);
  }

  async setFaults(patch: Partial<ApiKnobs>): Promise<ApiKnobs> {
    return this.core.faults.set(patch);
  }

  async failNext(fault: ScriptedFault): Promise<void> {
    this.core.faults.script(fault);
  }

  async clearFaults(): Promise<ApiKnobs> {
    return this.core.faults.clear();
  }

  async setDelivery(patch: Partial<DeliveryKnobs>): Promise<DeliveryKnobs> {
    return this.core.deliverer.set(patch);
  }

  async pause(): Promise<void> {
    this.core.deliverer.set({ paused: true });
  }

  async resume(): Promise<void> {
    this.core.deliverer.set({ paused: false });
  }

  async redeliver(eventId: string): Promise<void> {
    this.core.redeliver(eventId);
  }

  async expireTokens(): Promise<number> {
    return this.core.expireTokens();
  }

  async clearLogs(): Promise<void> {
    this.core.clearLogs();
  }

  async reset(options: ResetOptions = {}): Promise<void> {
    this.core.reset(options);
  }

  waitForDeliveries(options: WaitForDeliveriesOptions = {}): Promise<DeliveryLogEntry[]> {
    return this.core.waitForDeliveries(options);
  }

  waitForIdle(timeoutMs?: number): Promise<DeliveryStats> {
    return this.core.waitForIdle(timeoutMs);
  }

  requests(filter?: RequestFilter): RequestLogEntry[] {
    return this.core.requests(filter);
  }

  deliveries(filter?: DeliveryFilter): DeliveryLogEntry[] {
    return this.core.deliveries(filter);
  }

  events(): SandboxEvent[] {
    return this.core.events();
  }

  booking(bookingCode: string): Record<string, unknown> | undefined {
    return this.core.store.booking(bookingCode);
  }

  bookings(): Record<string, unknown>[] {
    return this.core.store.allBookings();
  }

  listings(): PlumListing[] {
    return this.core.store.allListings();
  }

  webhookConfig(): PlumWebhookConfig | null {
    return this.core.webhookConfig();
  }

  faults(): ApiKnobs {
    return this.core.faults.current();
  }

  deliveryKnobs(): DeliveryKnobs {
    return this.core.deliverer.current();
  }

  stats(): DeliveryStats {
    return this.core.stats();
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.core.close();
      // closeAllConnections also drops hung requests and idle keep-alive sockets, which server.close() alone waits for.
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closing;
  }
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  const core = new SandboxCore(options);
  const server = createServer(core);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${urlHost(host)}:${port}`;
  core.options.log(`Plum sandbox listening on ${url}${core.options.localMode ? ' (local mode: http webhook endpoints accepted)' : ''}`);
  return new InProcessSandbox(core, server, url, port);
}

/** A URL others can call: a wildcard bind is reached through loopback, and IPv6 needs brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
