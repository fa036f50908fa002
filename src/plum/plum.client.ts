import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Environment } from '../config/environment';
import { MetricsService } from '../metrics/metrics.service';
import { parsePlumBooking, parsePlumListing } from './plum-booking.mapper';
import { PlumError, PlumPermanentError, PlumTransientError } from './plum.errors';
import { BOOKING_CODE_PATTERN, PlumBooking, PlumBookingPage, PlumListing, PlumWebhookConfig } from './plum.types';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface RequestOptions {
  query?: Record<string, string | number | boolean>;
  body?: unknown;
  /** Answer these statuses with `undefined` instead of an error (e.g. 404 for "no configuration"). */
  allow?: number[];
}

interface CachedToken {
  value: string;
  /** When to stop using it: the JWT's exp less a margin, or never when it carries none. */
  refreshAt: number;
}

const REFRESH_MARGIN_MS = 30_000;
const MAX_RETRY_AFTER_MS = 15 * 60_000;

/**
 * The only code that talks to Plum. Every request has a timeout; failures become a PlumTransientError
 * (retry) or a PlumPermanentError (don't). Tokens and secrets are never logged.
 */
@Injectable()
export class PlumClient {
  private readonly logger = new Logger(PlumClient.name);
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly staticToken?: string;
  private readonly clientId?: string;
  private readonly clientSecret?: string;
  private token?: CachedToken;
  private login?: Promise<string>;

  constructor(
    config: ConfigService<Environment, true>,
    private readonly metrics: MetricsService,
  ) {
    this.baseUrl = config.get('PLUM_API_URL', { infer: true }).replace(/\/+$/, '');
    this.timeoutMs = config.get('PLUM_TIMEOUT_MS', { infer: true });
    this.staticToken = config.get('PLUM_API_TOKEN', { infer: true });
    this.clientId = config.get('PLUM_CLIENT_ID', { infer: true });
    this.clientSecret = config.get('PLUM_CLIENT_SECRET', { infer: true });
  }

  async getBooking(bookingCode: string): Promise<PlumBooking> {
    if (!BOOKING_CODE_PATTERN.test(bookingCode)) throw new PlumPermanentError(`Refusing to fetch malformed booking code ${JSON.stringify(bookingCode)}`);
    const raw = await this.request<unknown>('GET', `/v2/bookings/${encodeURIComponent(bookingCode)}`);
    return parsePlumBooking(raw, bookingCode);
  }

  async listBookings(page: number, pageSize: number): Promise<PlumBookingPage> {
    return (await this.request<PlumBookingPage>('GET', '/v2/bookings', { query: { page, pageSize } }))!;
  }

  async getListing(listingId: number): Promise<PlumListing> {
    const raw = await this.request<unknown>('GET', `/v2/listings/${encodeURIComponent(String(listingId))}`);
    return parsePlumListing(raw, listingId);
  }

  /** Plum's webhook configuration, or null when there is none. */
  async getWebhookConfig(): Promise<PlumWebhookConfig | null> {
    return (await this.request<PlumWebhookConfig>('GET', '/v2/webhooks/config', { allow: [404] })) ?? null;
  }

  async saveWebhookConfig(config: PlumWebhookConfig): Promise<PlumWebhookConfig | undefined> {
    return this.request<PlumWebhookConfig>('POST', '/v2/webhooks/config', { body: config });
  }

  async toggleWebhookConfig(isActive: boolean): Promise<PlumWebhookConfig | undefined> {
    return this.request<PlumWebhookConfig>('PATCH', '/v2/webhooks/config/toggle', { query: { isActive } });
  }

  async deleteWebhookConfig(): Promise<void> {
    await this.request('DELETE', '/v2/webhooks/config', { allow: [404] });
  }

  /** Logs in (unless a static token is configured), so a start-up check can tell whether Plum accepts the credentials. */
  async verifyCredentials(): Promise<void> {
    if (!this.staticToken) await this.authenticate(true);
  }

  private async request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T | undefined> {
    let response = await this.send(method, path, options, await this.bearer());
    // An expired token answers 403 (Plum's certification checklist); log in again once and retry once.
    if ((response.status === 401 || response.status === 403) && !this.staticToken) {
      await response.body?.cancel();
      response = await this.send(method, path, options, await this.bearer(true));
    }
    if (response.ok) return this.readJson<T>(response, method, path);
    if (options.allow?.includes(response.status)) {
      await response.body?.cancel();
      return undefined;
    }
    throw await this.toError(response, method, path);
  }

  private async send(method: Method, path: string, options: RequestOptions, token?: string): Promise<Response> {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const started = Date.now();
    try {
      const response = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      this.logger.debug(`${method} ${path} -> ${response.status} in ${Date.now() - started} ms`);
      this.metrics.upstreamRequest(method, pathTemplate(path), response.status, (Date.now() - started) / 1000);
      return response;
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      this.metrics.upstreamRequest(method, pathTemplate(path), timedOut ? 'timeout' : 'network_error', (Date.now() - started) / 1000);
      const reason = timedOut ? `timed out after ${this.timeoutMs} ms` : describeNetworkError(error);
      throw new PlumTransientError(`Plum ${method} ${path} ${reason}`);
    }
  }

  private async readJson<T>(response: Response, method: Method, path: string): Promise<T | undefined> {
    const text = await response.text();
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new PlumTransientError(`Plum ${method} ${path} answered ${response.status} with a body that is not JSON`, response.status);
    }
  }

  private async toError(response: Response, method: Method, path: string): Promise<PlumError> {
    const body = (await response.text().catch(() => '')).slice(0, 300).replace(/\s+/g, ' ');
    const what = `Plum ${method} ${path} answered ${response.status}${body ? `: ${body}` : ''}`;
    if (response.status === 429) return new PlumTransientError(what, 429, parseRetryAfter(response.headers.get('retry-after')));
    if (response.status >= 500 || response.status === 408) return new PlumTransientError(what, response.status);
    // Refused credentials are an operator's fix away: keep retrying rather than failing the event for good.
    if (response.status === 401 || response.status === 403) return new PlumTransientError(`${what} (credentials refused after a fresh login)`, response.status);
    return new PlumPermanentError(what, response.status);
  }

  private async bearer(forceLogin = false): Promise<string | undefined> {
    if (this.staticToken) return this.staticToken;
    if (!forceLogin && this.token && Date.now() < this.token.refreshAt) return this.token.value;
    return this.authenticate(forceLogin);
  }

  /** One login at a time: concurrent requests share it rather than each logging in. */
  private authenticate(force: boolean): Promise<string> {
    if (force) this.token = undefined;
    this.login ??= this.fetchToken().finally(() => (this.login = undefined));
    return this.login;
  }

  private async fetchToken(): Promise<string> {
    if (!this.clientId || !this.clientSecret) throw new PlumPermanentError('No Plum credentials configured');
    const response = await this.send('POST', '/authenticate', { body: { clientId: this.clientId, clientSecret: this.clientSecret } });
    if (!response.ok) {
      const error = await this.toError(response, 'POST', '/authenticate');
      throw new PlumTransientError(`Plum refused the login (${response.status}); check PLUM_CLIENT_ID and PLUM_CLIENT_SECRET`, error.status);
    }
    const body = (await this.readJson<Record<string, unknown>>(response, 'POST', '/authenticate')) ?? {};
    const value = extractToken(body);
    if (!value) throw new PlumTransientError('Plum answered the login without a token');
    this.token = { value, refreshAt: tokenRefreshAt(value) };
    return value;
  }
}

/** The token from `token`, `accessToken` or `access_token`, with or without a leading `Bearer `. [ours] */
export function extractToken(body: Record<string, unknown>): string | undefined {
  const raw = [body.token, body.accessToken, body.access_token].find((v): v is string => typeof v === 'string' && v.trim() !== '');
  return raw?.replace(/^Bearer\s+/i, '').trim();
}

function tokenRefreshAt(jwt: string): number {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    if (typeof payload.exp === 'number') return payload.exp * 1000 - REFRESH_MARGIN_MS;
  } catch {
    // Not a readable JWT: use it until Plum answers 403.
  }
  return Number.POSITIVE_INFINITY;
}

/** A path as a metrics label: booking codes and listing ids replaced, so each route is one series, not one per booking. */
export function pathTemplate(path: string): string {
  return path.replace(/^\/v2\/bookings\/[^/]+/, '/v2/bookings/:code').replace(/^\/v2\/listings\/[^/]+/, '/v2/listings/:id');
}

/** Retry-After as seconds or an HTTP date, capped so a bogus value cannot park a job for days. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value.trim());
  const ms = Number.isFinite(seconds) ? seconds * 1000 : new Date(value).getTime() - now;
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : undefined;
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return `failed: ${cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))}`;
}
