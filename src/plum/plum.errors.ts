/** Base of every failure talking to Plum. `transient` failures are retried; permanent ones are not. */
export abstract class PlumError extends Error {
  abstract readonly transient: boolean;

  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Timeout, network error, 5xx, 429, or credentials Plum refuses (retried until they are fixed). */
export class PlumTransientError extends PlumError {
  readonly transient = true;

  constructor(
    message: string,
    status?: number,
    /** From a 429's Retry-After: the earliest a retry may be sent. */
    readonly retryAfterMs?: number,
  ) {
    super(message, status);
  }
}

/** 400, 404 and other client errors: the same request will never succeed. */
export class PlumPermanentError extends PlumError {
  readonly transient = false;
}

/** Plum answered, but with a booking we cannot use (a missing field, checkOut not after checkIn). */
export class InvalidPlumBookingError extends PlumPermanentError {}
