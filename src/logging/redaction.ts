/** Log paths that can carry a secret: tokens, the client secret, the webhook secret, the API token. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-webhook-token"]',
  'req.headers.cookie',
  'headers.authorization',
  '*.clientSecret',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.secret',
];

const SECRET_QUERY_PARAMS = ['token', 'access_token'];

/** The URL with secret query parameters (the webhook ?token=, the iCal feed token) replaced. */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url || !url.includes('?')) return url;
  const [path, query] = url.split('?', 2);
  const params = new URLSearchParams(query);
  for (const name of SECRET_QUERY_PARAMS) if (params.has(name)) params.set(name, 'redacted');
  return `${path}?${params.toString()}`;
}
