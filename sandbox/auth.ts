import { createHmac, randomBytes, randomUUID } from 'node:crypto';

interface IssuedToken {
  expiresAt: number;
  maxUses: number | null;
  uses: number;
  revoked: boolean;
}

export type TokenCheck = 'ok' | 'missing' | 'invalid' | 'expired';

/** Above this many live tokens, expired ones are dropped, so a client that logs in per request cannot grow memory. */
const PRUNE_ABOVE = 10_000;

/**
 * Issues real HS256 JWTs (with `exp`, which the app reads to refresh ahead of time) and remembers each
 * one, because expiry by number of uses and forced expiry cannot be read from the token itself.
 */
export class TokenIssuer {
  private readonly key = randomBytes(32);
  private readonly tokens = new Map<string, IssuedToken>();

  issue(subject: string, ttlMs: number, maxUses: number | null, now = Date.now()): { token: string; expiresAt: string } {
    const expiresAt = now + ttlMs;
    const header = encode({ alg: 'HS256', typ: 'JWT' });
    const payload = encode({ sub: subject, iat: Math.floor(now / 1000), exp: Math.floor(expiresAt / 1000), jti: randomUUID() });
    const signature = createHmac('sha256', this.key).update(`${header}.${payload}`).digest('base64url');
    const token = `${header}.${payload}.${signature}`;
    if (this.tokens.size >= PRUNE_ABOVE) this.prune(now);
    this.tokens.set(token, { expiresAt, maxUses, uses: 0, revoked: false });
    return { token, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** Checks an Authorization header and, when the token is good, counts one use of it. */
  check(authorization: string | undefined, now = Date.now()): TokenCheck {
    if (!authorization) return 'missing';
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) return 'invalid';
    const issued = this.tokens.get(match[1] as string);
    if (!issued) return 'invalid';
    if (issued.revoked || now >= issued.expiresAt || (issued.maxUses !== null && issued.uses >= issued.maxUses)) return 'expired';
    issued.uses++;
    return 'ok';
  }

  /** Forced expiry: every token issued so far answers 403. Returns how many were still good. */
  expireAll(now = Date.now()): number {
    let live = 0;
    for (const issued of this.tokens.values()) {
      if (!issued.revoked && now < issued.expiresAt && (issued.maxUses === null || issued.uses < issued.maxUses)) live++;
      issued.revoked = true;
    }
    return live;
  }

  clear(): void {
    this.tokens.clear();
  }

  private prune(now: number): void {
    for (const [token, issued] of this.tokens) {
      if (issued.revoked || now >= issued.expiresAt || (issued.maxUses !== null && issued.uses >= issued.maxUses)) this.tokens.delete(token);
    }
  }
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
