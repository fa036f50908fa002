import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module, RequestMethod } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { Environment } from '../config/environment';
import { redactUrl, REDACTED_PATHS } from './redaction';

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>) => {
        const format = config.get('LOG_FORMAT', { infer: true }) ?? (config.get('NODE_ENV', { infer: true }) === 'production' ? 'json' : 'pretty');
        return {
          // Webhooks are the hot path (thousands a second at peak): a line per delivery would cost more
          // than storing it. Their outcomes are in the event log (GET /webhook-events) and /metrics.
          exclude: [
            { method: RequestMethod.POST, path: 'webhooks/bookings' },
            { method: RequestMethod.POST, path: 'webhooks/listings' },
          ],
          pinoHttp: {
            level: config.get('LOG_LEVEL', { infer: true }),
            transport: format === 'pretty' ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } } : undefined,
            // Fastify assigns the request id (see app.factory.ts); pino-http picks it up from the request.
            redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
            serializers: {
              req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health') },
            customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
              error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
          },
        };
      },
    }),
  ],
})
export class LoggingModule {}
