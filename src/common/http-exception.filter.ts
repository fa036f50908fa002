import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { isDatabaseUnavailable } from './database-errors';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  errorId?: string;
}

type HealthBody = Record<string, unknown> & { statusCode?: undefined };

/** The one place errors become responses: `{ statusCode, error, message }`, and an errorId on 5xx. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toBody(exception);
    const status = exception instanceof HttpException ? exception.getStatus() : (body.statusCode ?? HttpStatus.INTERNAL_SERVER_ERROR);
    if (status === HttpStatus.SERVICE_UNAVAILABLE) reply.header('retry-after', '5');
    void reply.status(status).send(body);
  }

  private toBody(exception: unknown): ErrorBody | HealthBody {
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      if (typeof response === 'string') return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message: response };
      // Nest's own exceptions carry { statusCode, error, message }; terminus sends its health report.
      const body = response as Partial<ErrorBody> & Record<string, unknown>;
      if (body.statusCode === undefined) return body as HealthBody;
      const { error, message, statusCode: _status, ...rest } = body;
      return { statusCode, error: error ?? STATUS_CODES[statusCode] ?? 'Error', message: message ?? exception.message, ...rest };
    }
    // Errors raised by Fastify itself (body too large, unsupported media type, malformed JSON).
    const statusCode = (exception as { statusCode?: unknown } | null)?.statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message: (exception as Error).message };
    }
    const errorId = randomUUID();
    if (isDatabaseUnavailable(exception)) {
      this.logger.error({ errorId, err: exception }, 'Database unavailable');
      return { statusCode: 503, error: 'Service Unavailable', message: 'Database unavailable, retry later', errorId };
    }
    this.logger.error({ errorId, err: exception }, 'Unhandled error');
    return { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error', errorId };
  }
}
