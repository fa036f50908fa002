// Helpers for the sandbox's own specs: plain HTTP calls against the upstream API, as the app makes them.
import type { RunningSandbox } from './types';

export interface ApiAnswer {
  status: number;
  body: unknown;
  headers: Headers;
  ms: number;
}

export async function api(
  sandbox: Pick<RunningSandbox, 'url'>,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<ApiAnswer> {
  const started = Date.now();
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined, headers: response.headers, ms: Date.now() - started };
}

export async function login(sandbox: Pick<RunningSandbox, 'url' | 'clientId' | 'clientSecret'>): Promise<string> {
  const answer = await api(sandbox, 'POST', '/authenticate', { body: { clientId: sandbox.clientId, clientSecret: sandbox.clientSecret } });
  if (answer.status !== 200) throw new Error(`login answered ${answer.status}`);
  return (answer.body as { token: string }).token;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
