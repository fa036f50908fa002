import { BadRequestException, CanActivate, ExecutionContext, Injectable, UnauthorizedException, UnsupportedMediaTypeException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { FastifyRequest } from 'fastify';
import { SecretMatcher } from '../common/constant-time';
import { Environment } from '../config/environment';

/**
 * Plum cannot sign its webhooks, so the registered URL carries a shared secret (?token=), or a
 * proxy may pass it as X-Webhook-Token. Then only a JSON object may pass on to validation.
 */
@Injectable()
export class WebhookRequestGuard implements CanActivate {
  private readonly secret?: SecretMatcher;

  constructor(config: ConfigService<Environment, true>) {
    const secret = config.get('WEBHOOK_SECRET', { infer: true });
    this.secret = secret ? new SecretMatcher(secret) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Querystring: { token?: unknown } }>>();
    if (this.secret) {
      const header = request.headers['x-webhook-token'];
      const query = request.query?.token;
      const presented = typeof header === 'string' ? header : typeof query === 'string' ? query : undefined;
      if (!this.secret.matches(presented)) {
        throw new UnauthorizedException(presented === undefined ? 'Missing webhook token (?token= or X-Webhook-Token)' : 'Invalid webhook token');
      }
    }
    const contentType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (contentType !== 'application/json') {
      throw new UnsupportedMediaTypeException(`Content-Type must be application/json${contentType ? `, not ${contentType}` : ''}`);
    }
    if (typeof request.body !== 'object' || request.body === null || Array.isArray(request.body)) {
      throw new BadRequestException(['body must be a JSON object']);
    }
    return true;
  }
}
