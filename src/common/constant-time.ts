import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Compares a presented secret with the expected one without leaking either's length or content through timing. */
export function constantTimeEqual(presented: string | undefined, expected: string): boolean {
  return new SecretMatcher(expected).matches(presented);
}

/**
 * The same comparison with the expected secret hashed once, for secrets checked on every request
 * (the webhook token is on the hot path).
 */
export class SecretMatcher {
  private readonly expected: Buffer;

  constructor(secret: string) {
    this.expected = digest(secret);
  }

  matches(presented: string | undefined): boolean {
    return presented !== undefined && timingSafeEqual(digest(presented), this.expected);
  }
}
