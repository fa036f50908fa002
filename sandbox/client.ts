import { SandboxError } from './errors';
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
  SandboxControl,
  SandboxEvent,
  ScriptedFault,
  SetBookingOptions,
  WaitForDeliveriesOptions,
} from './types';

type Query = Record<string, string | number | boolean | undefined>;

/** Slack on top of a server-side wait, so the HTTP call outlives the wait it asked for. */
const WAIT_SLACK_MS = 5_000;

/** The control API of a sandbox running in another process (e.g. `npm run sandbox`), with the in-process helpers' names. */
export class SandboxClient implements SandboxControl {
  readonly url: string;

  constructor(
    url: string,
    private readonly timeoutMs = 30_000,
  ) {
    this.url = url.replace(/\/+$/, '');
  }

  createListing(input: CreateListingInput = {}): Promise<PlumListing> {
    return this.call('POST', '/listings', input);
  }

  createBooking(input: CreateBookingInput = {}): Promise<PlumBooking> {
    return this.call('POST', '/bookings', input);
  }

  approve(bookingCode: string): Promise<PlumBooking> {
    return this.call('POST', `/bookings/${encodeURIComponent(bookingCode)}/approve`);
  }

  decline(bookingCode: string): Promise<PlumBooking> {
    return this.call('POST', `/bookings/${encodeURIComponent(bookingCode)}/decline`);
  }

  cancel(bookingCode: string): Promise<PlumBooking> {
    return this.call('POST', `/bookings/${encodeURIComponent(bookingCode)}/cancel`);
  }

  confirm(bookingCode: string): Promise<PlumBooking> {
    return this.call('POST', `/bookings/${encodeURIComponent(bookingCode)}/confirm`);
  }

  changeDates(bookingCode: string, dates: DateChange): Promise<PlumBooking> {
    return this.call('POST', `/bookings/${encodeURIComponent(bookingCode)}/dates`, dates);
  }

  notify(bookingCode: string): Promise<SandboxEvent> {
    return this.call('POST', `/bookings/${encodeURIComponent(bookingCode)}/notify`);
  }

  setBooking(bookingCode: string, body: Record<string, unknown>, options: SetBookingOptions = {}): Promise<Record<string, unknown>> {
    return this.call('PUT', `/bookings/${encodeURIComponent(bookingCode)}`, body, { replace: options.replace, notify: options.notify });
  }

  async deleteBooking(bookingCode: string, options: DeleteBookingOptions = {}): Promise<void> {
    await this.call('DELETE', `/bookings/${encodeURIComponent(bookingCode)}`, undefined, { notify: options.notify });
  }

  async setWebhookConfig(config: PlumWebhookConfig | null): Promise<PlumWebhookConfig | null> {
    if (config === null) {
      await this.call('DELETE', '/webhooks/config');
      return null;
    }
    return this.call('PUT', '/webhooks/config', config);
  }

  setFaults(patch: Partial<ApiKnobs>): Promise<ApiKnobs> {
    return this.call('PUT', '/faults', patch);
  }

  async failNext(fault: ScriptedFault): Promise<void> {
    await this.call('POST', '/faults/next', fault);
  }

  clearFaults(): Promise<ApiKnobs> {
    return this.call('DELETE', '/faults');
  }

  setDelivery(patch: Partial<DeliveryKnobs>): Promise<DeliveryKnobs> {
    return this.call('PUT', '/delivery', patch);
  }

  async pause(): Promise<void> {
    await this.call('POST', '/delivery/pause');
  }

  async resume(): Promise<void> {
    await this.call('POST', '/delivery/resume');
  }

  async redeliver(eventId: string): Promise<void> {
    await this.call('POST', `/events/${encodeURIComponent(eventId)}/redeliver`);
  }

  async expireTokens(): Promise<number> {
    return (await this.call<{ expired: number }>('POST', '/tokens/expire')).expired;
  }

  async clearLogs(): Promise<void> {
    await this.call('DELETE', '/logs');
  }

  async reset(options: ResetOptions = {}): Promise<void> {
    await this.call('POST', '/reset', options);
  }

  waitForDeliveries(options: WaitForDeliveriesOptions = {}): Promise<DeliveryLogEntry[]> {
    const { timeoutMs = 5_000, ...rest } = options;
    return this.call('GET', '/deliveries/wait', undefined, { ...rest, timeoutMs }, timeoutMs + WAIT_SLACK_MS);
  }

  waitForIdle(timeoutMs = 10_000): Promise<DeliveryStats> {
    return this.call('GET', '/deliveries/idle', undefined, { timeoutMs }, timeoutMs + WAIT_SLACK_MS);
  }

  requests(filter: RequestFilter = {}): Promise<RequestLogEntry[]> {
    return this.call('GET', '/requests', undefined, { ...filter });
  }

  deliveries(filter: DeliveryFilter = {}): Promise<DeliveryLogEntry[]> {
    return this.call('GET', '/deliveries', undefined, { ...filter });
  }

  events(): Promise<SandboxEvent[]> {
    return this.call('GET', '/events');
  }

  async booking(bookingCode: string): Promise<Record<string, unknown> | undefined> {
    try {
      return await this.call<Record<string, unknown>>('GET', `/bookings/${encodeURIComponent(bookingCode)}`);
    } catch (error) {
      if (error instanceof SandboxError && error.status === 404) return undefined;
      throw error;
    }
  }

  bookings(): Promise<Record<string, unknown>[]> {
    return this.call('GET', '/bookings');
  }

  listings(): Promise<PlumListing[]> {
    return this.call('GET', '/listings');
  }

  webhookConfig(): Promise<PlumWebhookConfig | null> {
    return this.call('GET', '/webhooks/config');
  }

  faults(): Promise<ApiKnobs> {
    return this.call('GET', '/faults');
  }

  deliveryKnobs(): Promise<DeliveryKnobs> {
    return this.call('GET', '/delivery');
  }

  stats(): Promise<DeliveryStats> {
    return this.call('GET', '/stats');
  }

  private async call<T>(method: string, path: string, body?: unknown, query: Query = {}, timeoutMs = this.timeoutMs): Promise<T> {
    const url = new URL(`${this.url}/_sandbox${path}`);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new SandboxError(503, `cannot reach the sandbox at ${this.url}: ${cause ?? (error instanceof Error ? error.message : String(error))}`);
    }
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) {
      const message = (parsed as { message?: unknown } | undefined)?.message;
      throw new SandboxError(response.status, typeof message === 'string' ? message : `${method} ${path} failed`);
    }
    return parsed as T;
  }
}
