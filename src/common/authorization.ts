import { constantTimeEqual } from './constant-time';

export interface PresentedCredential {
  scheme: 'bearer' | 'basic';
  secret: string;
}

/**
 * The secret an Authorization header presents: a bearer token, or the password of HTTP Basic (the
 * user name means nothing here). Basic exists for browsers, which cannot be told to send a bearer
 * header but prompt for a password when answered `WWW-Authenticate: Basic`.
 */
export function presentedCredential(header: unknown): PresentedCredential | undefined {
  if (typeof header !== 'string') return undefined;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return { scheme: 'bearer', secret: bearer[1] };
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { scheme: 'basic', secret: decoded.slice(colon + 1) };
}

/** Whether the secret equals one of the accepted ones; every candidate is compared, so timing tells nothing about which. */
export function matchesAnySecret(presented: string | undefined, accepted: ReadonlyArray<string | undefined>): boolean {
  return accepted.reduce<boolean>((ok, secret) => (secret !== undefined && constantTimeEqual(presented, secret)) || ok, false);
}
