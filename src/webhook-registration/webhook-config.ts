import { redactUrl } from '../logging/redaction';
import { PlumWebhookConfig } from '../plum/plum.types';

/** The webhook routes this service serves, relative to PUBLIC_URL. Both keys are always sent. [ours] */
export const WEBHOOK_ROUTES = { bookings: 'webhooks/bookings', listings: 'webhooks/listings' } as const;

export interface DesiredConfigInput {
  publicUrl: string;
  secret?: string;
}

/**
 * The configuration Plum should hold. A path prefix on PUBLIC_URL (a proxy mounting the service
 * under /plumline) is kept and a trailing slash is not, so `https://h/p` and `https://h/p/` give the
 * same URLs. A query or fragment on PUBLIC_URL cannot prefix a path, so only origin and path are used.
 */
export function buildDesiredConfig({ publicUrl, secret }: DesiredConfigInput): PlumWebhookConfig {
  const base = new URL(publicUrl);
  const root = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  const endpoint = (route: string): string => {
    const url = `${root}/${route}`;
    return secret ? `${url}?token=${encodeURIComponent(secret)}` : url;
  };
  return { isActive: true, endpoints: { bookings: endpoint(WEBHOOK_ROUTES.bookings), listings: endpoint(WEBHOOK_ROUTES.listings) } };
}

/**
 * One spelling per equivalent URL: scheme and host case, default ports and percent-encoding are
 * normalized by URL parsing, query parameters are sorted and re-encoded, the fragment (never sent)
 * is dropped. A trailing slash is kept: the router treats `/webhooks/bookings/` as another route.
 */
export function normalizeEndpoint(value: string | null | undefined): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return value.trim();
  }
  const params = [...url.searchParams.entries()].sort(([a, av], [b, bv]) => compare(a, b) || compare(av, bv));
  const query = new URLSearchParams(params).toString();
  return `${url.protocol}//${url.host}${url.pathname}${query ? `?${query}` : ''}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether Plum's configuration is the desired one: active, with every endpoint we serve pointing at us. */
export function configMatches(desired: PlumWebhookConfig, remote: PlumWebhookConfig | null): boolean {
  if (!remote || remote.isActive !== desired.isActive) return false;
  return (Object.keys(WEBHOOK_ROUTES) as (keyof typeof WEBHOOK_ROUTES)[]).every(
    (key) => normalizeEndpoint(desired.endpoints[key]) === normalizeEndpoint(remote.endpoints[key]),
  );
}

/**
 * Plum's answer reduced to the fields of the contract. The client types it, but it is JSON from
 * another system: a missing `endpoints` or a non-boolean `isActive` must read as "not matching",
 * not crash the comparison.
 */
export function readRemoteConfig(raw: unknown): PlumWebhookConfig | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { isActive, endpoints } = raw as { isActive?: unknown; endpoints?: unknown };
  const source = typeof endpoints === 'object' && endpoints !== null ? (endpoints as Record<string, unknown>) : {};
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  return { isActive: isActive === true, endpoints: { bookings: text(source.bookings), listings: text(source.listings) } };
}

/** The configuration as it may be shown or stored: the webhook secret in `?token=` replaced. */
export function redactConfig(config: PlumWebhookConfig | null): PlumWebhookConfig | null {
  if (!config) return null;
  const redact = (value: string | null | undefined) => (typeof value === 'string' ? (redactUrl(value) ?? value) : null);
  return { isActive: config.isActive, endpoints: { bookings: redact(config.endpoints.bookings), listings: redact(config.endpoints.listings) } };
}

/**
 * Removes the secret from free text (error messages: Plum may echo the URL it rejected), in every
 * spelling it can take inside a URL.
 */
export function scrubSecret(text: string, secret: string | undefined): string {
  if (!secret) return text;
  const spellings = new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)]);
  let result = text;
  for (const spelling of spellings) result = result.split(spelling).join('[redacted]');
  return result;
}
