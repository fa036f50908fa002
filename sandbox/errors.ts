/**
 * Every refusal of the sandbox, in-process or over HTTP, is one of these: the HTTP layer turns it into
 * `{statusCode, error, message}`, and in-process callers see the same status on the thrown error.
 */
export class SandboxError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(`${status} ${message}`);
    this.name = 'SandboxError';
  }

  /** The message without the status prefix, as the HTTP body carries it. */
  get detail(): string {
    return this.message.replace(/^\d+ /, '');
  }
}

export const badRequest = (message: string): SandboxError => new SandboxError(400, message);
export const notFound = (message: string): SandboxError => new SandboxError(404, message);
export const conflict = (message: string): SandboxError => new SandboxError(409, message);

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status >= 500 ? 'Server Error' : 'Error');
}
